"""Interim control tests (SEC-27.14): a question bank per school and subject, tests set for a
class-subject, timed attempts bound to one session, answers and proctoring events.

An attempt keeps the seed its questions were drawn with and the ordered question ids, so the
attempt can be shown and re-graded exactly as the learner saw it, whatever the bank becomes.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from oqu.kernel.models import OrganizationOwnedModel


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    SHORT = "short", _("Short answer")


class Question(OrganizationOwnedModel):
    """A question of the school's bank. `choices` are the options shown; `correct` holds the
    indexes of the right options (choice kinds) or the accepted answers (short answer)."""

    subject = models.ForeignKey("school.Subject", on_delete=models.PROTECT, related_name="+")
    grade = models.PositiveSmallIntegerField(_("grade"))
    topic = models.CharField(_("topic"), max_length=150)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text = models.TextField(_("question"))
    choices = models.JSONField(_("options"), default=list, blank=True)
    correct = models.JSONField(_("correct answer"), default=list)
    points = models.PositiveSmallIntegerField(_("points"), default=1)
    is_active = models.BooleanField(_("in use"), default=True)
    author = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("question")
        indexes = [
            models.Index(
                fields=["organization", "subject", "grade", "topic"], name="testing_q_bank"
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Test(OrganizationOwnedModel):
    """An interim control test for one class-subject, open in a window, with a time limit."""

    __test__ = False  # not a pytest test class

    class Mode(models.TextChoices):
        FIXED = "fixed", _("Fixed questions")
        RANDOM = "random", _("Random questions per topic")

    assignment = models.ForeignKey(
        "school.TeachingAssignment", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    mode = models.CharField(_("question selection"), max_length=10, choices=Mode.choices)
    questions = models.ManyToManyField(Question, related_name="+", blank=True)
    topic_counts = models.JSONField(_("questions per topic"), default=dict, blank=True)
    time_limit_minutes = models.PositiveSmallIntegerField(_("time limit, minutes"))
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    created_by = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("test")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="testing_test_window"
            ),
        ]
        indexes = [models.Index(fields=["assignment", "opens_at"], name="testing_test_assign")]

    def __str__(self) -> str:
        return self.title


class Attempt(OrganizationOwnedModel):
    """One learner's attempt at a test (one per learner and test), bound to the session that
    started it by the hash of its token."""

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        CLOSED = "closed", _("Closed")

    class ClosedBy(models.TextChoices):
        LEARNER = "learner", _("Finished by the learner")
        DEADLINE = "deadline", _("Closed at the deadline")

    test = models.ForeignKey(Test, on_delete=models.PROTECT, related_name="attempts")
    learner = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    seed = models.BigIntegerField(_("seed"))
    question_ids = models.JSONField(_("questions"), default=list)
    session_token_hash = models.CharField(max_length=64)
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.CharField(
        _("closed by"), max_length=10, choices=ClosedBy.choices, blank=True
    )
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=1, null=True, blank=True)
    max_score = models.DecimalField(_("maximum score"), max_digits=6, decimal_places=1)

    class Meta:
        verbose_name = _("test attempt")
        constraints = [
            models.UniqueConstraint(fields=["test", "learner"], name="testing_attempt_once"),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="testing_attempt_due")]

    def __str__(self) -> str:
        return f"{self.test} · {self.learner}"


class Answer(OrganizationOwnedModel):
    """The learner's current answer to one question of the attempt (saved as they go)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    response = models.JSONField(_("answer"), default=list)
    saved_at = models.DateTimeField(_("saved at"))
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1, null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="testing_answer_once"),
        ]


class ProctoringEvent(OrganizationOwnedModel):
    class Kind(models.TextChoices):
        TAB_HIDDEN = "tab_hidden", _("Switched to another tab")
        TAB_VISIBLE = "tab_visible", _("Came back to the tab")
        FOCUS_LOST = "focus_lost", _("The window lost focus")
        FOCUS_BACK = "focus_back", _("The window got focus back")
        OTHER_SESSION = "other_session", _("Request from another session")
        LATE_ANSWER = "late_answer", _("Answer after the deadline")

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=16, choices=Kind.choices)
    at = models.DateTimeField(_("time"))
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("proctoring event")
        ordering = ["at"]
        indexes = [models.Index(fields=["attempt", "at"], name="testing_event_attempt")]
