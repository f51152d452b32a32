"""The e-journal: attendance and marks per lesson, and period marks computed by rule (SEC-27.12, 27.8).

Marks are points for an `Assessment` held at a lesson: a formative mark (ФО) on the scale in
force, a summative assessment for a section (СОР) or for the quarter (СОЧ) with its maximum
points. A period mark is never typed: `PeriodMark` stores what `school.rules` computed from these
rows with the rules in force, and the teacher's confirmation of the final mark.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from oqu.kernel.models import OrganizationOwnedModel


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT_EXCUSED = "absent_excused", _("Absent with a reason")
    ABSENT_UNEXCUSED = "absent_unexcused", _("Absent without a reason")
    LATE = "late", _("Late")
    SICK = "sick", _("Sick")


ABSENT_STATUSES = frozenset(
    {AttendanceStatus.ABSENT_EXCUSED, AttendanceStatus.ABSENT_UNEXCUSED, AttendanceStatus.SICK}
)


class Attendance(OrganizationOwnedModel):
    lesson = models.ForeignKey("school.Lesson", on_delete=models.CASCADE, related_name="attendance")
    learner = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("attendance"), max_length=16, choices=AttendanceStatus.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["lesson", "learner"], name="journal_attendance_once"),
        ]
        indexes = [models.Index(fields=["learner", "lesson"], name="journal_att_learner")]


class AssessmentKind(models.TextChoices):
    FORMATIVE = "fo", _("Formative assessment (FO)")
    SECTION = "sor", _("Summative assessment for a section (SOR)")
    QUARTER = "soch", _("Summative assessment for the quarter (SOCh)")


class Assessment(OrganizationOwnedModel):
    """A graded work held at a lesson; its marks are points out of `max_points`."""

    lesson = models.ForeignKey(
        "school.Lesson", on_delete=models.CASCADE, related_name="assessments"
    )
    period = models.ForeignKey("school.StudyPeriod", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=4, choices=AssessmentKind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    max_points = models.PositiveSmallIntegerField(_("maximum points"))

    class Meta:
        verbose_name = _("assessment")
        indexes = [
            models.Index(fields=["lesson"], name="journal_assessment_lesson"),
            models.Index(fields=["period", "kind"], name="journal_assessment_period"),
        ]


class Mark(OrganizationOwnedModel):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="marks")
    learner = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)
    comment = models.CharField(_("comment"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("mark")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "learner"], name="journal_mark_once"),
        ]
        indexes = [models.Index(fields=["learner", "assessment"], name="journal_mark_learner")]


class PeriodMark(OrganizationOwnedModel):
    """A learner's mark in a class-subject for a quarter, a half-year, or (period empty) the year."""

    assignment = models.ForeignKey(
        "school.TeachingAssignment", on_delete=models.PROTECT, related_name="+"
    )
    learner = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(
        "school.StudyPeriod", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    percent = models.DecimalField(_("percent"), max_digits=6, decimal_places=2, null=True)
    computed_mark = models.PositiveSmallIntegerField(_("computed mark"), null=True)
    final_mark = models.PositiveSmallIntegerField(_("final mark"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"))
    confirmed_by = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("period mark")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "learner", "period"],
                condition=models.Q(period__isnull=False),
                name="journal_period_mark_once",
            ),
            models.UniqueConstraint(
                fields=["assignment", "learner"],
                condition=models.Q(period__isnull=True),
                name="journal_year_mark_once",
            ),
        ]
        indexes = [models.Index(fields=["learner", "period"], name="journal_pmark_learner")]


class Reopening(OrganizationOwnedModel):
    """The deputy director lets a lesson's journal be edited after the window, until `until`."""

    lesson = models.ForeignKey("school.Lesson", on_delete=models.CASCADE, related_name="reopenings")
    granted_by = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=300)
    until = models.DateTimeField(_("until"))

    class Meta:
        verbose_name = _("journal reopening")
        indexes = [models.Index(fields=["lesson", "until"], name="journal_reopening_lesson")]
