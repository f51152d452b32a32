"""Age groups of a preschool organization and the children in them (PRE-25).

A group belongs to one preschool organization and one school year (the year a group is formed for,
e.g. "2026-2027"). Its norm (capacity) is a per-group field because the national norms are not
confirmed (DOMAIN.md §3). A child's stay in a group is a chain of `GroupMembership` rows: the
August move between age groups closes one row and opens another, nothing is overwritten, and the
free places of a group are counted live from the open rows.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from oqu.kernel.models import OrganizationOwnedModel


class AgeGroupKind(models.TextChoices):
    """The usual age groups, youngest first (the age band of each is a rule set, not this list)."""

    NURSERY = "nursery", _("Nursery group")
    JUNIOR = "junior", _("Junior group")
    MIDDLE = "middle", _("Middle group")
    SENIOR = "senior", _("Senior group")
    PRE_SCHOOL = "pre_school", _("Pre-school group")


class AgeGroup(OrganizationOwnedModel):
    """One group of children of about the same age, with its norm of places."""

    school_year = models.CharField(_("school year"), max_length=9, help_text="2026-2027")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("age group"), max_length=12, choices=AgeGroupKind.choices)
    language = models.CharField(_("language"), max_length=2, default="kk")
    capacity = models.PositiveSmallIntegerField(_("norm of places"))
    educator = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("age group")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "school_year", "name"], name="preschool_group_name"
            ),
            models.CheckConstraint(condition=models.Q(capacity__gt=0), name="preschool_capacity"),
        ]
        indexes = [
            models.Index(
                fields=["organization", "school_year", "kind"], name="preschool_group_year"
            )
        ]

    def __str__(self) -> str:
        return self.name


class GroupMembership(OrganizationOwnedModel):
    """One stay of a child in an age group; open while `end_date` is null."""

    class Move(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        MOVED = "moved", _("Moved to another group")
        LEFT = "left", _("Left the organization")

    group = models.ForeignKey(AgeGroup, on_delete=models.PROTECT, related_name="members")
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    enrolment = models.ForeignKey(
        "people.Enrolment", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    start_date = models.DateField(_("start date"))
    start_move = models.CharField(_("how it began"), max_length=10, choices=Move.choices)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    end_move = models.CharField(_("how it ended"), max_length=10, choices=Move.choices, blank=True)
    end_reason = models.CharField(_("reason"), max_length=200, blank=True)
    # What brought the child in, e.g. "equeue.Direction:<uuid>"; free text so later sources fit.
    source = models.CharField(_("source"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("group membership")
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=models.Q(end_date__isnull=True),
                name="preschool_one_active_group",
            ),
        ]
        indexes = [models.Index(fields=["group", "end_date"], name="preschool_member_group")]

    def __str__(self) -> str:
        return f"{self.child} · {self.group}"


# -- the child's digital profile (PRE-25.1) ----------------------------------------------------


class SocialStatus(models.TextChoices):
    """The reference list of social statuses a preschool records (benefits, priority, support)."""

    LARGE_FAMILY = "large_family", _("Large family")
    WITHOUT_PARENTAL_CARE = "without_parental_care", _("Left without parental care")
    ORPHAN = "orphan", _("Orphan")
    DISABILITY = "disability", _("Child with a disability")
    SPECIAL_NEEDS = "special_needs", _("Special educational needs")
    LOW_INCOME = "low_income", _("Low-income family")
    SINGLE_PARENT = "single_parent", _("Single-parent family")
    PARENT_WITH_DISABILITY = "parent_disability", _("Parent with a disability")
    MILITARY_FAMILY = "military_family", _("Family of a serviceman")


class EducationalStatus(models.TextChoices):
    """The reference list of educational statuses (the child's route in the preschool)."""

    ADAPTATION = "adaptation", _("Adaptation period")
    INDIVIDUAL_ROUTE = "individual_route", _("Individual development route")
    INCLUSIVE = "inclusive", _("Inclusive education")
    SPEECH_THERAPY = "speech_therapy", _("Speech therapy support")
    PSYCHOLOGIST = "psychologist", _("Psychologist's support")
    GIFTED = "gifted", _("Pronounced abilities")
    SCHOOL_READY = "school_ready", _("Ready for school")


class StatusKind(models.TextChoices):
    SOCIAL = "social", _("Social status")
    EDUCATIONAL = "educational", _("Educational status")


STATUS_CHOICES = {
    StatusKind.SOCIAL: SocialStatus,
    StatusKind.EDUCATIONAL: EducationalStatus,
}


class ChildStatus(OrganizationOwnedModel):
    """A social or educational status of a child in a preschool, from the reference list.

    Medical statuses are not here: they are restricted personal data (`people.RestrictedRecord`).
    A status is closed (`until`), never rewritten, so the profile keeps its history.
    """

    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=StatusKind.choices)
    code = models.CharField(_("status"), max_length=30)
    note = models.CharField(_("note"), max_length=300, blank=True)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("child status")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "child", "code"],
                condition=models.Q(until__isnull=True),
                name="preschool_status_open_once",
            )
        ]
        indexes = [models.Index(fields=["child", "until"], name="preschool_status_child")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        choices = STATUS_CHOICES.get(self.kind)
        return str(dict(choices.choices).get(self.code, self.code)) if choices else self.code


# -- the schedule of organized activities (PRE-25.4) ---------------------------------------------


class Activity(OrganizationOwnedModel):
    """One organized activity of a group in the weekly grid (weekday 1 = Monday … 5 = Friday)."""

    group = models.ForeignKey(AgeGroup, on_delete=models.CASCADE, related_name="activities")
    weekday = models.PositiveSmallIntegerField(_("weekday"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    title = models.CharField(_("activity"), max_length=150)
    area = models.CharField(_("educational area"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("organized activity")
        ordering = ["weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekday__gte=1, weekday__lte=5), name="preschool_weekday"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="preschool_activity_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title


# -- the attendance journal (PRE-25.5) ----------------------------------------------------------


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    SICK = "sick", _("Sick")
    VACATION = "vacation", _("Vacation")
    OTHER_REASON = "other", _("Other reason")
    NO_REASON = "absent", _("No reason")


class Attendance(OrganizationOwnedModel):
    """Whether a child came on a day, and why not; one row per child and day."""

    group = models.ForeignKey(AgeGroup, on_delete=models.PROTECT, related_name="attendance")
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    status = models.CharField(_("attendance"), max_length=10, choices=AttendanceStatus.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["child", "date"], name="preschool_attendance_day")
        ]
        indexes = [models.Index(fields=["group", "date"], name="preschool_attendance_group")]


# -- photos of creative works (PRE-25.11) ---------------------------------------------------------


def _work_path(instance: object, filename: str) -> str:
    """A random stored name: the original name is kept in the row, never in the path."""
    import uuid

    return f"preschool/works/{instance.organization_id}/{uuid.uuid4().hex}"  # type: ignore[attr-defined]


class CreativeWork(OrganizationOwnedModel):
    """A photo of a child's drawing, model or craft; kept at most one calendar month."""

    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=150)
    file = models.FileField(_("photo"), upload_to=_work_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    uploaded_on = models.DateField(_("uploaded on"))
    delete_on = models.DateField(_("deleted on"), db_index=True)

    class Meta:
        verbose_name = _("creative work")
        indexes = [models.Index(fields=["child", "uploaded_on"], name="preschool_work_child")]

    def __str__(self) -> str:
        return self.title


# -- the catalogue of programs and methodological materials (PRE-26) -----------------------------


class CatalogueKind(models.TextChoices):
    STANDARD_PROGRAM = "standard_program", _("Standard educational program")
    VARIABLE_PROGRAM = "variable_program", _("Variable educational program")
    STANDARD_CURRICULUM = "standard_curriculum", _("Standard curriculum")
    MANUAL = "manual", _("Methodological manual")
    COLLECTION = "collection", _("Collection")
    TEACHING_KIT = "teaching_kit", _("Teaching and methodological kit")


def _catalogue_path(instance: object, filename: str) -> str:
    import uuid

    return f"preschool/catalogue/{instance.organization_id}/{uuid.uuid4().hex}"  # type: ignore[attr-defined]


class CatalogueItem(OrganizationOwnedModel):
    """A program, curriculum or methodological material, published by a unit for its subtree.

    Published at the republic, it is read by every preschool; published by one kindergarten's
    methodologist, by that kindergarten (and the authorities above it).
    """

    kind = models.CharField(_("kind"), max_length=20, choices=CatalogueKind.choices)
    title = models.CharField(_("title"), max_length=250)
    authors = models.CharField(_("authors"), max_length=250, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=2, default="kk")
    age_group = models.CharField(
        _("age group"), max_length=12, choices=AgeGroupKind.choices, blank=True
    )
    description = models.TextField(_("description"), blank=True)
    file = models.FileField(_("file"), upload_to=_catalogue_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    published_by = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("catalogue item")
        indexes = [models.Index(fields=["kind", "title"], name="preschool_catalogue_kind")]

    def __str__(self) -> str:
        return self.title


# -- the yearly move between age groups (PRE-25.3) -----------------------------------------------


class TransitionBatch(OrganizationOwnedModel):
    """The August move of a preschool's children to next year's groups, prepared for review."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft, under review")
        APPLIED = "applied", _("Applied")

    from_year = models.CharField(_("from school year"), max_length=9)
    to_year = models.CharField(_("to school year"), max_length=9)
    move_date = models.DateField(_("date of the move"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("yearly move")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "from_year"],
                condition=models.Q(status="draft"),
                name="preschool_one_draft_move",
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_year} → {self.to_year}"


class TransitionLine(OrganizationOwnedModel):
    """One child of the batch: from the current stay to the proposed group (none = leaves)."""

    batch = models.ForeignKey(TransitionBatch, on_delete=models.CASCADE, related_name="lines")
    membership = models.ForeignKey(GroupMembership, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    to_group = models.ForeignKey(
        AgeGroup, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("child in the yearly move")
        constraints = [
            models.UniqueConstraint(fields=["batch", "child"], name="preschool_move_child_once")
        ]
