"""Learning around lessons, shared by every level: homework (SEC-27.11), more to come in this app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from oqu.kernel.models import OrganizationOwnedModel


class Homework(OrganizationOwnedModel):
    """Work set at a lesson for the class (or subgroup) of its assignment, due on a date."""

    lesson = models.ForeignKey("school.Lesson", on_delete=models.CASCADE, related_name="homework")
    assignment = models.ForeignKey(
        "school.TeachingAssignment", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("task"))
    due_date = models.DateField(_("due date"))
    max_points = models.PositiveSmallIntegerField(_("maximum points"), null=True, blank=True)
    set_by = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("homework")
        indexes = [
            models.Index(fields=["assignment", "due_date"], name="lms_homework_due"),
            models.Index(fields=["lesson"], name="lms_homework_lesson"),
        ]


class HomeworkSubmission(OrganizationOwnedModel):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for revision")
        CHECKED = "checked", _("Checked")

    homework = models.ForeignKey(Homework, on_delete=models.CASCADE, related_name="submissions")
    learner = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("answer"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1, null=True, blank=True)
    teacher_comment = models.TextField(_("teacher's comment"), blank=True)
    checked_by = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("homework submission")
        constraints = [
            models.UniqueConstraint(fields=["homework", "learner"], name="lms_submission_once"),
        ]
        indexes = [models.Index(fields=["learner", "submitted_at"], name="lms_submission_learner")]
