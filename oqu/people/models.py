"""People keyed by IIN and their relations: enrolment, employment, guardianship (MAP-PASS base)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from oqu.kernel.models import BaseModel, OrganizationOwnedModel


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Person(BaseModel):
    """One person per IIN. Names are kept in their Kazakh and Russian forms."""

    iin = models.CharField(_("IIN"), max_length=12, unique=True)
    last_name_kk = models.CharField(_("last name (Kazakh)"), max_length=100)
    first_name_kk = models.CharField(_("first name (Kazakh)"), max_length=100)
    middle_name_kk = models.CharField(_("patronymic (Kazakh)"), max_length=100, blank=True)
    last_name_ru = models.CharField(_("last name (Russian)"), max_length=100)
    first_name_ru = models.CharField(_("first name (Russian)"), max_length=100)
    middle_name_ru = models.CharField(_("patronymic (Russian)"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    needs_verification = models.BooleanField(
        _("needs verification"),
        default=False,
        help_text=_(
            "Birth date or sex could not be derived from the IIN; check the state register."
        ),
    )
    verification_reason = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["last_name_ru", "first_name_ru", "id"]
        indexes = [
            models.Index(fields=["last_name_ru", "first_name_ru"], name="person_name_ru"),
            models.Index(fields=["last_name_kk", "first_name_kk"], name="person_name_kk"),
        ]

    def __str__(self) -> str:
        return self.full_name()

    def full_name(self, language: str = "ru") -> str:
        if language == "kk":
            parts = (self.last_name_kk, self.first_name_kk, self.middle_name_kk)
        else:
            parts = (self.last_name_ru, self.first_name_ru, self.middle_name_ru)
        return " ".join(p for p in parts if p)


class Level(models.TextChoices):
    PRESCHOOL = "preschool", _("Preschool")
    SCHOOL = "school", _("School")
    COLLEGE = "college", _("College")
    ADDITIONAL = "additional", _("Additional education")


MAIN_LEVELS = (Level.PRESCHOOL, Level.SCHOOL, Level.COLLEGE)


class Enrolment(OrganizationOwnedModel):
    """A person learning in an organization; one active main enrolment per level (additional: any number)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="enrolments")
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    is_main = models.BooleanField(_("main enrolment"), default=True)
    grade = models.PositiveSmallIntegerField(_("grade or course"), null=True, blank=True)
    group_name = models.CharField(_("class or group"), max_length=60, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    end_reason = models.CharField(_("end reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["-start_date"]
        indexes = [
            models.Index(fields=["organization", "level", "grade"], name="enrol_org_level_grade"),
            models.Index(fields=["person", "end_date"], name="enrol_person_active"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "level"],
                condition=models.Q(is_main=True, end_date__isnull=True),
                name="enrol_one_active_main_per_level",
            )
        ]


class Employment(OrganizationOwnedModel):
    """A position held in an organization; a person may hold several."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="employments")
    position = models.CharField(_("position"), max_length=40)
    rate = models.DecimalField(_("rate"), max_digits=4, decimal_places=2, default=1)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        ordering = ["-start_date"]
        indexes = [models.Index(fields=["organization", "end_date"], name="employ_org_active")]


class Guardianship(BaseModel):
    """A parent or legal representative of a child."""

    class Kind(models.TextChoices):
        MOTHER = "mother", _("Mother")
        FATHER = "father", _("Father")
        GUARDIAN = "guardian", _("Guardian")
        TRUSTEE = "trustee", _("Trustee")

    guardian = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="wards")
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="guardians")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["guardian", "child"],
                condition=models.Q(end_date__isnull=True),
                name="guardianship_one_active_pair",
            ),
            models.CheckConstraint(
                condition=~models.Q(guardian=models.F("child")), name="guardianship_not_self"
            ),
        ]


class RestrictedRecord(OrganizationOwnedModel):
    """Restricted personal data about a person (health, social status, disability …) (G-5.16, G-10).

    The payload is stored only sealed (AES-256-GCM, the row id and person bound in as associated
    data) and the row carries an integrity code (HMAC over id, person, organization, category, key
    and ciphertext) that every read checks: a row changed outside the services is refused.
    """

    class Category(models.TextChoices):
        HEALTH = "health", _("Health")
        DISABILITY = "disability", _("Disability and special educational needs")
        SOCIAL_STATUS = "social_status", _("Social status")
        FAMILY = "family", _("Family circumstances")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="restricted_records")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    key_id = models.CharField(max_length=20)
    payload_sealed = models.BinaryField()
    integrity_code = models.CharField(max_length=64)

    class Meta:
        ordering = ["category", "created_at"]
        indexes = [models.Index(fields=["person", "category"], name="restricted_person_category")]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.person_id}"
