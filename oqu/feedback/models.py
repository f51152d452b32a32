"""Feedback shared by every level (O456 p.25, 27, 34, 36: surveys, FAQ).

A survey belongs to a school or an education authority and addresses people of its subtree by
role (and, for learners and parents, by class). An anonymous survey keeps no link to the
respondent: only a keyed hash (HMAC with the server's secret) of survey and account, which stops
a second answer without saying whose the first one was.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from oqu.kernel.models import BaseModel, OrganizationOwnedModel

TARGET_ROLES = [
    ("school_teacher", _("Teachers")),
    ("school_methodologist", _("Methodologists")),
    ("school_tutor", _("Tutors")),
    ("school_deputy_director", _("Deputy directors")),
    ("school_director", _("Directors")),
    ("learner", _("Learners")),
    ("parent", _("Parents")),
]


class Survey(OrganizationOwnedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    target_roles = models.JSONField(_("addressed to"), default=list)
    target_classes = models.ManyToManyField("school.SchoolClass", related_name="+", blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("survey")
        indexes = [models.Index(fields=["status", "organization"], name="feedback_survey_status")]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    SCALE = "scale", _("Scale")
    TEXT = "text", _("Free text")


class SurveyQuestion(OrganizationOwnedModel):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=500)
    choices = models.JSONField(_("options"), default=list, blank=True)
    scale_max = models.PositiveSmallIntegerField(_("scale maximum"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey question")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="feedback_question_number"),
        ]


class SurveyResponse(OrganizationOwnedModel):
    """One respondent's answers. `respondent` is empty in an anonymous survey."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    respondent_key = models.CharField(max_length=64)
    submitted_on = models.DateField(_("submitted on"))

    class Meta:
        verbose_name = _("survey response")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "respondent_key"], name="feedback_response_once"
            ),
        ]


class SurveyAnswer(BaseModel):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.PROTECT, related_name="answers")
    choices = models.JSONField(default=list, blank=True)
    scale = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)


class FaqEntry(OrganizationOwnedModel):
    """A question and its answer in Kazakh and Russian, readable by everyone signed in."""

    class Category(models.TextChoices):
        ACCOUNT = "account", _("Account and sign-in")
        SCHOOL = "school", _("School and journal")
        LEARNING = "learning", _("Learning and tests")
        PARENTS = "parents", _("For parents")
        OTHER = "other", _("Other")

    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    question_kk = models.CharField(_("question (Kazakh)"), max_length=300)
    question_ru = models.CharField(_("question (Russian)"), max_length=300)
    answer_kk = models.TextField(_("answer (Kazakh)"))
    answer_ru = models.TextField(_("answer (Russian)"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("FAQ entry")
        ordering = ["category", "position", "created_at"]

    def __str__(self) -> str:
        return self.question_ru
