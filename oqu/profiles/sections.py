"""The sections of the two profiles: which model, which profile (and so which capabilities),
which fields a form may write. Services, selectors, views and the API all read this one table."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from oqu.people.models import Employment, Enrolment, Person

from .models import (
    Achievement,
    Attestation,
    CareerChoice,
    CareerTest,
    Certificate,
    Course,
    Education,
    PriorExperience,
    QualificationCategory,
)

TEACHER = "teacher"
LEARNER = "learner"


@dataclass(frozen=True)
class Section:
    code: str
    model: type[models.Model]
    profile: str  # TEACHER or LEARNER: decides the capabilities
    fields: tuple[str, ...]
    title: object
    certificate_profile: str = ""  # Certificate rows are split between the two profiles

    @property
    def view_capability(self) -> str:
        return f"profiles.{self.profile}.view"

    @property
    def manage_capability(self) -> str:
        return f"profiles.{self.profile}.manage"

    @property
    def has_attachment(self) -> bool:
        return any(f.name == "attachment" for f in self.model._meta.get_fields())

    def queryset(self) -> models.QuerySet:
        qs = self.model.objects.all()
        if self.certificate_profile:
            qs = qs.filter(profile=self.certificate_profile)
        return qs

    def form_class(self) -> type[forms.ModelForm]:
        return _FORMS[self.code]


SECTIONS: dict[str, Section] = {
    s.code: s
    for s in (
        Section(
            "education",
            Education,
            TEACHER,
            ("level", "institution", "speciality", "graduation_year", "diploma_number"),
            _("Education"),
        ),
        Section(
            "attestation",
            Attestation,
            TEACHER,
            ("held_on", "category", "result", "valid_until", "order_number"),
            _("Attestation and qualification category"),
        ),
        Section(
            "experience",
            PriorExperience,
            TEACHER,
            ("employer", "position", "start_date", "end_date"),
            _("Earlier teaching experience"),
        ),
        Section(
            "course",
            Course,
            TEACHER,
            ("title", "provider", "hours", "start_date", "end_date", "certificate_number"),
            _("Professional development courses"),
        ),
        Section(
            "teacher_certificate",
            Certificate,
            TEACHER,
            ("kind", "title", "issuer", "issued_on"),
            _("Certificates and awards"),
            certificate_profile=TEACHER,
        ),
        Section(
            "achievement",
            Achievement,
            LEARNER,
            ("kind", "title", "subject", "level", "result", "held_on"),
            _("Olympiads and competitions"),
        ),
        Section(
            "career_test",
            CareerTest,
            LEARNER,
            ("title", "taken_on", "result", "recommended"),
            _("Career-guidance tests"),
        ),
        Section(
            "career_choice",
            CareerChoice,
            LEARNER,
            ("direction", "chosen_on", "comment"),
            _("Chosen directions"),
        ),
        Section(
            "learner_certificate",
            Certificate,
            LEARNER,
            ("kind", "title", "issuer", "issued_on"),
            _("Certificates"),
            certificate_profile=LEARNER,
        ),
    )
}

TEACHER_SECTIONS = [s for s in SECTIONS.values() if s.profile == TEACHER]
LEARNER_SECTIONS = [s for s in SECTIONS.values() if s.profile == LEARNER]


def section_of(entry: models.Model) -> Section:
    """The section an entry belongs to (a certificate by its `profile`)."""
    for section in SECTIONS.values():
        if isinstance(entry, section.model) and (
            not section.certificate_profile
            or getattr(entry, "profile", "") == section.certificate_profile
        ):
            return section
    raise LookupError(type(entry).__name__)


def home_units(person: Person, profile: str) -> list:
    """Where the profile is kept now: the schools a teacher works in, or a learner learns in."""
    model = Employment if profile == TEACHER else Enrolment
    rows = model.objects.filter(person=person, end_date__isnull=True).select_related("organization")
    return list({row.organization_id: row.organization for row in rows}.values())


# -- forms: the validation of every section's fields, used by the services ----------------------


class _ProfileForm(forms.ModelForm):
    """Dates as the browser's date picker."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _DatedForm(_ProfileForm):
    """Start and end dates in order, where a section has both."""

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date must not be before the start date."))
        return data


class EducationForm(_ProfileForm):
    graduation_year = forms.IntegerField(
        label=_("year of graduation"), min_value=1940, max_value=2100
    )

    class Meta:
        model = Education
        fields = list(SECTIONS["education"].fields)


class AttestationForm(_ProfileForm):
    category = forms.ModelChoiceField(
        queryset=QualificationCategory.objects.filter(is_active=True),
        to_field_name="code",
        label=_("category"),
    )

    class Meta:
        model = Attestation
        fields = list(SECTIONS["attestation"].fields)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        language = get_language() or "kk"
        self.fields["category"].label_from_instance = lambda c: c.name(language)  # type: ignore[attr-defined]

    def clean(self) -> dict:
        data = super().clean()
        held_on, until = data.get("held_on"), data.get("valid_until")
        if held_on and until and until <= held_on:
            self.add_error("valid_until", _("The validity must end after the attestation."))
        return data


class PriorExperienceForm(_DatedForm):
    class Meta:
        model = PriorExperience
        fields = list(SECTIONS["experience"].fields)


class CourseForm(_DatedForm):
    hours = forms.IntegerField(label=_("hours"), min_value=1, max_value=2000)

    class Meta:
        model = Course
        fields = list(SECTIONS["course"].fields)


class CertificateForm(_ProfileForm):
    class Meta:
        model = Certificate
        fields = list(SECTIONS["teacher_certificate"].fields)


class AchievementForm(_ProfileForm):
    class Meta:
        model = Achievement
        fields = list(SECTIONS["achievement"].fields)


class CareerTestForm(_ProfileForm):
    class Meta:
        model = CareerTest
        fields = list(SECTIONS["career_test"].fields)


class CareerChoiceForm(_ProfileForm):
    class Meta:
        model = CareerChoice
        fields = list(SECTIONS["career_choice"].fields)


_FORMS: dict[str, type[forms.ModelForm]] = {
    "education": EducationForm,
    "attestation": AttestationForm,
    "experience": PriorExperienceForm,
    "course": CourseForm,
    "teacher_certificate": CertificateForm,
    "achievement": AchievementForm,
    "career_test": CareerTestForm,
    "career_choice": CareerChoiceForm,
    "learner_certificate": CertificateForm,
}
