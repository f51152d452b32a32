"""Digital profiles of teachers and learners (MAP-PASS, SEC-27.1).

A profile is the person's entries in several sections; each entry is a row owned by the
organization that recorded it (the journal's chain and the sync partition), while the profile
follows the person: a school where the person works or learns now sees and edits the earlier
entries too. Qualification categories are reference data (names and validity from the data),
never constants in the logic.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from oqu.kernel.models import BaseModel, OrganizationOwnedModel


class QualificationCategory(BaseModel):
    """A teacher's qualification category (педагог, педагог-модератор, …, педагог-мастер)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("Higher is a higher category."))
    validity_years = models.PositiveSmallIntegerField(
        _("valid for, years"), null=True, blank=True, help_text=_("Empty: without a time limit.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("qualification category")
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name_ru

    def name(self, language: str) -> str:
        return self.name_kk if language.startswith("kk") else self.name_ru


class ProfileEntry(OrganizationOwnedModel):
    """What every entry of a profile has: whose it is and who recorded it."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True


class Education(ProfileEntry):
    class Level(models.TextChoices):
        TVET = "tvet", _("Technical and vocational")
        BACHELOR = "bachelor", _("Higher (bachelor, specialist)")
        MASTER = "master", _("Master")
        DOCTOR = "doctor", _("Doctorate (PhD)")

    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    institution = models.CharField(_("institution"), max_length=200)
    speciality = models.CharField(_("speciality"), max_length=200)
    graduation_year = models.PositiveSmallIntegerField(_("year of graduation"))
    diploma_number = models.CharField(_("diploma number"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("education")
        ordering = ["graduation_year"]
        indexes = [models.Index(fields=["person"], name="profiles_education_person")]


class Attestation(ProfileEntry):
    """One attestation of a teacher: the category sought, the result and the validity it gives."""

    class Result(models.TextChoices):
        ASSIGNED = "assigned", _("Category assigned")
        CONFIRMED = "confirmed", _("Category confirmed")
        NOT_ASSIGNED = "not_assigned", _("Category not assigned")

    held_on = models.DateField(_("date"))
    category = models.ForeignKey(
        QualificationCategory,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("category"),
    )
    result = models.CharField(_("result"), max_length=12, choices=Result.choices)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    order_number = models.CharField(_("order number"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("attestation")
        ordering = ["-held_on"]
        indexes = [models.Index(fields=["person", "held_on"], name="profiles_attest_person")]


class PriorExperience(ProfileEntry):
    """Teaching experience before the platform knew the person (employment kept elsewhere)."""

    employer = models.CharField(_("employer"), max_length=200)
    position = models.CharField(_("position"), max_length=100)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    class Meta:
        verbose_name = _("earlier experience")
        ordering = ["start_date"]
        indexes = [models.Index(fields=["person"], name="profiles_prior_person")]


class Course(ProfileEntry):
    """A professional development course; one the teacher proposed counts once the head confirms."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    title = models.CharField(_("title"), max_length=300)
    provider = models.CharField(_("provider"), max_length=200)
    hours = models.PositiveSmallIntegerField(_("hours"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    certificate_number = models.CharField(_("certificate number"), max_length=50, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED
    )
    decided_by = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    attachment = models.FileField(_("certificate file"), upload_to="profiles/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("professional development course")
        ordering = ["-start_date"]
        indexes = [models.Index(fields=["person", "status"], name="profiles_course_person")]


class Certificate(ProfileEntry):
    """A certificate, diploma or award of a teacher or a learner."""

    class Kind(models.TextChoices):
        CERTIFICATE = "certificate", _("Certificate")
        DIPLOMA = "diploma", _("Diploma")
        AWARD = "award", _("Award")
        LETTER = "letter", _("Letter of thanks")

    class Profile(models.TextChoices):
        TEACHER = "teacher", _("Teacher's profile")
        LEARNER = "learner", _("Learner's profile")

    profile = models.CharField(_("profile"), max_length=8, choices=Profile.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    issuer = models.CharField(_("issued by"), max_length=200)
    issued_on = models.DateField(_("date of issue"))
    attachment = models.FileField(_("file"), upload_to="profiles/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("certificate")
        ordering = ["-issued_on"]
        indexes = [
            models.Index(fields=["person", "profile", "issued_on"], name="profiles_cert_person")
        ]


class Level(models.TextChoices):
    SCHOOL = "school", _("School")
    DISTRICT = "district", _("District")
    REGION = "region", _("Region")
    REPUBLIC = "republic", _("Republic")
    INTERNATIONAL = "international", _("International")


class Achievement(ProfileEntry):
    """A learner's olympiad or competition and the result."""

    class Kind(models.TextChoices):
        OLYMPIAD = "olympiad", _("Olympiad")
        COMPETITION = "competition", _("Competition")
        SCIENCE_PROJECT = "project", _("Research project contest")
        SPORTS = "sports", _("Sports competition")
        CREATIVE = "creative", _("Creative contest")

    class Result(models.TextChoices):
        FIRST = "first", _("1st place")
        SECOND = "second", _("2nd place")
        THIRD = "third", _("3rd place")
        HONOURABLE = "honourable", _("Honourable mention")
        PARTICIPANT = "participant", _("Participant")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    subject = models.CharField(_("subject or field"), max_length=150, blank=True)
    level = models.CharField(_("level"), max_length=13, choices=Level.choices)
    result = models.CharField(_("result"), max_length=12, choices=Result.choices)
    held_on = models.DateField(_("date"))
    attachment = models.FileField(_("diploma file"), upload_to="profiles/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("olympiad or competition")
        ordering = ["-held_on"]
        indexes = [models.Index(fields=["person", "held_on"], name="profiles_achieve_person")]


class CareerTest(ProfileEntry):
    """A career-guidance test a learner took and what it recommended."""

    title = models.CharField(_("test"), max_length=200)
    taken_on = models.DateField(_("date"))
    result = models.TextField(_("result"), max_length=2000)
    recommended = models.CharField(_("recommended directions"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("career-guidance test")
        ordering = ["-taken_on"]
        indexes = [models.Index(fields=["person"], name="profiles_ctest_person")]


class CareerChoice(ProfileEntry):
    """A direction (profession, field of study) the learner chose."""

    direction = models.CharField(_("direction"), max_length=200)
    chosen_on = models.DateField(_("date"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("chosen direction")
        ordering = ["-chosen_on"]
        indexes = [models.Index(fields=["person"], name="profiles_cchoice_person")]
