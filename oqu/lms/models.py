"""Learning around lessons: homework (SEC-27.11), lesson plans (SEC-27.9), distance learning
(SEC-27.10) and the files attached to them."""

from __future__ import annotations

import uuid
from typing import Any

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
    late = models.BooleanField(_("submitted late"), default=False)

    class Meta:
        verbose_name = _("homework submission")
        constraints = [
            models.UniqueConstraint(fields=["homework", "learner"], name="lms_submission_once"),
        ]
        indexes = [models.Index(fields=["learner", "submitted_at"], name="lms_submission_learner")]


def _attachment_path(instance: Any, filename: str) -> str:
    """A random stored name: the original name is kept in the row, never in the path."""
    return f"lms/{instance.organization_id}/{uuid.uuid4().hex}"


class LessonPlan(OrganizationOwnedModel):
    """A teacher's own lesson plan (SEC-27.9): reusable across classes and years, attached to
    timetable lessons through `LessonPlanUse`; `shared` lets colleagues of the school read it."""

    author = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    subject = models.ForeignKey(
        "school.Subject", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    objectives = models.TextField(_("learning objectives"), blank=True)
    materials = models.TextField(_("materials"), blank=True)
    body = models.TextField(_("course of the lesson"), blank=True)
    shared = models.BooleanField(_("shared with colleagues"), default=False)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("lesson plan")
        indexes = [models.Index(fields=["organization", "author"], name="lms_plan_author")]

    def __str__(self) -> str:
        return self.title


class LessonPlanUse(OrganizationOwnedModel):
    """One plan attached to one lesson (the same plan may serve many lessons)."""

    plan = models.ForeignKey(LessonPlan, on_delete=models.CASCADE, related_name="uses")
    lesson = models.ForeignKey("school.Lesson", on_delete=models.CASCADE, related_name="+")
    attached_by = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("lesson plan use")
        constraints = [
            models.UniqueConstraint(fields=["plan", "lesson"], name="lms_plan_use_once"),
        ]


class Conference(OrganizationOwnedModel):
    """The video-conference link of a distance lesson (SEC-27.10)."""

    lesson = models.OneToOneField("school.Lesson", on_delete=models.CASCADE, related_name="+")
    url = models.URLField(_("video-conference link"), max_length=500)
    set_by = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    # The recording (SEC-27.10): a link to where the conference's recording is stored, kept with
    # the conference and archived with the lesson like its chat and announcements.
    recording_url = models.URLField(_("recording link"), max_length=500, blank=True)
    recording_set_at = models.DateTimeField(_("recording added at"), null=True, blank=True)
    recording_set_by = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("video conference")


class ChatMessage(OrganizationOwnedModel):
    """A message of a lesson's class chat; the teacher's moderation hides it, keeping who and when."""

    lesson = models.ForeignKey("school.Lesson", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("message"))
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("chat message")
        indexes = [models.Index(fields=["lesson", "created_at"], name="lms_chat_lesson")]


class Announcement(OrganizationOwnedModel):
    """An announcement of the teacher to the lesson's class, with attachments."""

    lesson = models.ForeignKey("school.Lesson", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("announcement"))

    class Meta:
        verbose_name = _("announcement")
        indexes = [models.Index(fields=["lesson", "created_at"], name="lms_announcement_lesson")]


class Attachment(OrganizationOwnedModel):
    """A file of homework, a submission, a lesson plan or an announcement, kept in the default
    storage under a random name and served only through a view that checks access to its owner."""

    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    homework = models.ForeignKey(
        Homework, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    submission = models.ForeignKey(
        HomeworkSubmission,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    plan = models.ForeignKey(
        LessonPlan, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )

    OWNERS = ("homework", "submission", "plan", "announcement")

    class Meta:
        verbose_name = _("attachment")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(homework__isnull=False, submission__isnull=True, plan__isnull=True)
                    & models.Q(announcement__isnull=True)
                )
                | models.Q(homework__isnull=True, submission__isnull=False, plan__isnull=True)
                & models.Q(announcement__isnull=True)
                | models.Q(homework__isnull=True, submission__isnull=True, plan__isnull=False)
                & models.Q(announcement__isnull=True)
                | models.Q(homework__isnull=True, submission__isnull=True, plan__isnull=True)
                & models.Q(announcement__isnull=False),
                name="lms_attachment_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name
