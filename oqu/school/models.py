"""The school's academic year, subjects, curriculum, classes and contingent (SEC-27.3/4, 27.6/7).

Every row belongs to one organization (a school): academic years are per organization, because
schools in one region may start or break at different dates (a decree sets the national frame,
schools record the dates they actually work by). A learner's class history is a chain of
`ClassMembership` rows: a move closes one row and opens another, nothing is overwritten.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from oqu.kernel.models import OrganizationOwnedModel


class AcademicYear(OrganizationOwnedModel):
    name = models.CharField(_("name"), max_length=20)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    class Meta:
        verbose_name = _("academic year")
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="school_year_name"),
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")), name="school_year_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StudyPeriod(OrganizationOwnedModel):
    """A quarter, or a half-year (for subjects taught one hour a week)."""

    class Kind(models.TextChoices):
        QUARTER = "quarter", _("Quarter")
        HALF_YEAR = "half_year", _("Half-year")

    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="periods")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(_("number"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    class Meta:
        verbose_name = _("study period")
        ordering = ["kind", "number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "kind", "number"], name="school_period_number"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class Vacation(OrganizationOwnedModel):
    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="vacations")
    name_kk = models.CharField(_("name (Kazakh)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    class Meta:
        verbose_name = _("vacation")
        ordering = ["start_date"]

    def __str__(self) -> str:
        return self.name_ru


class RoomKind(models.TextChoices):
    """The reference list of room types the timetable matches subjects to (SEC-27.8)."""

    CLASSROOM = "classroom", _("Classroom")
    LABORATORY = "laboratory", _("Laboratory")
    COMPUTER = "computer", _("Computer class")
    GYM = "gym", _("Gym")
    WORKSHOP = "workshop", _("Workshop")
    MUSIC = "music", _("Music room")
    LANGUAGE = "language", _("Language laboratory")
    ASSEMBLY = "assembly", _("Assembly hall")


class Subject(OrganizationOwnedModel):
    """A subject of the school's catalogue, linked by code to the standard curriculum's subject."""

    code = models.CharField(_("code"), max_length=30)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=150)
    name_ru = models.CharField(_("name (Russian)"), max_length=150)
    standard_code = models.CharField(_("standard curriculum subject"), max_length=30, blank=True)
    level = models.CharField(_("education level"), max_length=12, default="school")
    room_kind = models.CharField(
        _("room type needed"),
        max_length=12,
        choices=RoomKind.choices,
        blank=True,
        default="",
        help_text=_("Lessons of the subject go only to rooms of this type; empty: any room."),
    )

    class Meta:
        verbose_name = _("subject")
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="school_subject_code"),
        ]

    def __str__(self) -> str:
        return self.name_ru

    def name(self, language: str) -> str:
        return self.name_kk if language.startswith("kk") else self.name_ru


class CurriculumPart(models.TextChoices):
    INVARIANT = "invariant", _("Invariant part")
    VARIANT = "variant", _("Variant part")


class CurriculumLine(OrganizationOwnedModel):
    """Hours a week of one subject in one grade for a year, in the invariant or the variant part."""

    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="curriculum")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    grade = models.PositiveSmallIntegerField(_("grade"))
    part = models.CharField(_("part"), max_length=10, choices=CurriculumPart.choices)
    hours_per_week = models.DecimalField(_("hours a week"), max_digits=4, decimal_places=1)

    class Meta:
        verbose_name = _("curriculum line")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "subject", "grade", "part"], name="school_curriculum_line"
            ),
        ]


class Language(models.TextChoices):
    KAZAKH = "kk", _("Kazakh")
    RUSSIAN = "ru", _("Russian")
    ENGLISH = "en", _("English")
    UZBEK = "uz", _("Uzbek")
    UYGHUR = "ug", _("Uyghur")
    TAJIK = "tg", _("Tajik")


class SchoolClass(OrganizationOwnedModel):
    year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="classes")
    grade = models.PositiveSmallIntegerField(_("grade"))
    letter = models.CharField(_("letter"), max_length=4)
    language = models.CharField(
        _("language of instruction"), max_length=2, choices=Language.choices
    )
    shift = models.PositiveSmallIntegerField(_("shift"), default=1)
    homeroom_teacher = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("homeroom teacher"),
    )
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=25)

    class Meta:
        verbose_name = _("class")
        constraints = [
            models.UniqueConstraint(fields=["year", "grade", "letter"], name="school_class_name"),
        ]
        indexes = [models.Index(fields=["organization", "year", "grade"], name="school_class_org")]

    def __str__(self) -> str:
        return f"{self.grade}{self.letter}"


class Subgroup(OrganizationOwnedModel):
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="subgroups"
    )
    name = models.CharField(_("name"), max_length=60)
    learners = models.ManyToManyField("people.Person", related_name="+", blank=True)

    class Meta:
        verbose_name = _("subgroup")
        constraints = [
            models.UniqueConstraint(fields=["school_class", "name"], name="school_subgroup_name"),
        ]

    def __str__(self) -> str:
        return f"{self.school_class} · {self.name}"


class Move(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    TRANSFERRED = "transferred", _("Transferred to another class")
    TRANSFERRED_OUT = "transferred_out", _("Transferred to another school")
    EXPELLED = "expelled", _("Expelled")
    GRADUATED = "graduated", _("Graduated")


class ClassMembership(OrganizationOwnedModel):
    """One stay of a learner in a class; the learner's class history is these rows in order."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="members")
    enrolment = models.ForeignKey("people.Enrolment", on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField(_("start date"))
    start_move = models.CharField(_("how it began"), max_length=16, choices=Move.choices)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    end_move = models.CharField(_("how it ended"), max_length=16, choices=Move.choices, blank=True)
    end_reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("class membership")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(end_date__isnull=True),
                name="school_one_active_class",
            ),
        ]
        indexes = [
            models.Index(fields=["school_class", "end_date"], name="school_member_class"),
            models.Index(fields=["person", "start_date"], name="school_member_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.school_class}"


class TeachingAssignment(OrganizationOwnedModel):
    """A teacher teaches a subject to a class (or one subgroup of it) for a year, so many hours a week."""

    year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="assignments")
    teacher = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, related_name="assignments"
    )
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    subgroup = models.ForeignKey(
        Subgroup, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hours_per_week = models.DecimalField(_("hours a week"), max_digits=4, decimal_places=1)

    class Meta:
        verbose_name = _("teaching assignment")
        constraints = [
            # Two partial indexes rather than NULLS NOT DISTINCT, which SQLite lacks.
            models.UniqueConstraint(
                fields=["school_class", "subject", "teacher"],
                condition=models.Q(subgroup__isnull=True),
                name="school_assignment_whole_class",
            ),
            models.UniqueConstraint(
                fields=["school_class", "subject", "subgroup", "teacher"],
                condition=models.Q(subgroup__isnull=False),
                name="school_assignment_subgroup",
            ),
        ]
        indexes = [models.Index(fields=["teacher", "year"], name="school_assign_teacher")]


class Weekday(models.IntegerChoices):
    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")


class Room(OrganizationOwnedModel):
    """A classroom (кабинет): the timetable keeps one lesson per room at a time."""

    name = models.CharField(_("name"), max_length=60)
    capacity = models.PositiveSmallIntegerField(_("seats"), null=True, blank=True)
    kind = models.CharField(
        _("room type"), max_length=12, choices=RoomKind.choices, default=RoomKind.CLASSROOM
    )

    class Meta:
        verbose_name = _("room")
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="school_room_name"),
        ]

    def __str__(self) -> str:
        return self.name


class BellSlot(OrganizationOwnedModel):
    """When lesson number N of a shift begins and ends in a year (the bell schedule)."""

    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="bells")
    shift = models.PositiveSmallIntegerField(_("shift"), default=1)
    number = models.PositiveSmallIntegerField(_("lesson number"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))

    class Meta:
        verbose_name = _("bell slot")
        ordering = ["shift", "number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "shift", "number"], name="school_bell_slot"),
        ]


class TimetableEntry(OrganizationOwnedModel):
    """One cell of a class's weekly grid: on this weekday, lesson N is this assignment, in this room.

    A grid changes during the year; an entry holds from `valid_from` until `valid_to` (open-ended
    when empty), so lessons already generated for past dates keep the grid they were made from.
    """

    assignment = models.ForeignKey(
        TeachingAssignment, on_delete=models.PROTECT, related_name="timetable_entries"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    lesson_number = models.PositiveSmallIntegerField(_("lesson number"))
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("timetable entry")
        ordering = ["weekday", "lesson_number"]
        indexes = [
            models.Index(fields=["assignment", "weekday"], name="school_tt_assignment"),
            models.Index(
                fields=["organization", "weekday", "lesson_number"], name="school_tt_slot"
            ),
        ]


class Lesson(OrganizationOwnedModel):
    """A lesson on a date: generated from the timetable, the unit the e-journal, homework,
    distance learning and lesson plans attach to. `teacher` is who actually teaches it (a
    substitute replaces the assignment's teacher for that date only)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    assignment = models.ForeignKey(
        TeachingAssignment, on_delete=models.PROTECT, related_name="lessons"
    )
    period = models.ForeignKey(
        StudyPeriod, on_delete=models.PROTECT, null=True, blank=True, related_name="lessons"
    )
    date = models.DateField(_("date"))
    lesson_number = models.PositiveSmallIntegerField(_("lesson number"))
    teacher = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("teacher")
    )
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    timetable_entry = models.ForeignKey(
        TimetableEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="lessons"
    )
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )

    class Meta:
        verbose_name = _("lesson")
        ordering = ["date", "lesson_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "date", "lesson_number"], name="school_lesson_slot"
            ),
        ]
        indexes = [
            models.Index(fields=["assignment", "date"], name="school_lesson_assignment"),
            models.Index(fields=["teacher", "date"], name="school_lesson_teacher"),
            models.Index(fields=["organization", "date"], name="school_lesson_org_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date} #{self.lesson_number}"


class Substitution(OrganizationOwnedModel):
    """A substitute teaches one lesson instead of the assigned teacher (kept for the load and pay)."""

    lesson = models.OneToOneField(Lesson, on_delete=models.CASCADE, related_name="substitution")
    absent_teacher = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    substitute = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("substitution")
