"""Reads of surveys and the FAQ, scoped by the actor.

Authors and authorities see surveys by `feedback.survey.view`; a respondent sees the open
surveys addressed to them (`addressed_roles`): by a grant of a target role inside the survey's
subtree, as a learner of a class there, or as the parent of one.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.utils import timezone

from oqu.access import scope
from oqu.access.scope import LEARNER_ROLE, PARENT_ROLE, Actor
from oqu.orgs.models import PATH_SEPARATOR
from oqu.people.models import Guardianship
from oqu.school.models import ClassMembership

from .models import FaqEntry, Survey, SurveyAnswer, SurveyQuestion

SURVEY_VIEW = "feedback.survey.view"
SURVEY_MANAGE = "feedback.survey.manage"
RESPOND = "feedback.survey.respond"
FAQ_MANAGE = "feedback.faq.manage"


def _ancestors(path: str) -> list[str]:
    parts = path.rstrip(PATH_SEPARATOR).split(PATH_SEPARATOR)
    return [PATH_SEPARATOR.join(parts[: i + 1]) + PATH_SEPARATOR for i in range(len(parts))]


def survey_list(actor: Actor, *, organization: Any = None) -> QuerySet[Survey]:
    qs = scope.visible(actor, SURVEY_VIEW, Survey.objects.select_related("organization"))
    return qs.filter(organization=organization) if organization is not None else qs


def _memberships(actor: Actor) -> list[tuple[str, Any, str]]:
    """(relation, class id, organization path) of the classes the actor is in or their wards are."""
    rows: list[tuple[str, Any, str]] = []
    if not actor.person_id:
        return rows
    people: dict[Any, str] = {}
    if actor.relation_can(LEARNER_ROLE, RESPOND):
        people[actor.person_id] = LEARNER_ROLE
    if actor.relation_can(PARENT_ROLE, RESPOND):
        wards = Guardianship.objects.filter(
            guardian_id=actor.person_id, end_date__isnull=True
        ).values_list("child_id", flat=True)
        people.update(dict.fromkeys(wards, PARENT_ROLE))
    if not people:
        return rows
    for person_id, class_id, path in ClassMembership.objects.filter(
        person_id__in=list(people), end_date__isnull=True
    ).values_list("person_id", "school_class_id", "organization__path"):
        rows.append((people[person_id], class_id, path))
    return rows


def _open_now() -> Q:
    now = timezone.now()
    return Q(status=Survey.Status.OPEN) & (Q(closes_at__isnull=True) | Q(closes_at__gt=now))


def surveys_for_me(actor: Actor) -> list[tuple[Survey, list[str]]]:
    """Open surveys addressed to the actor, each with the roles it reaches them in (3 queries)."""
    if actor.is_anonymous:
        return []
    grants = [g for g in actor.grants if RESPOND in g.capabilities]
    members = _memberships(actor)
    paths = {p for g in grants for p in _ancestors(g.path)}
    paths |= {p for _r, _c, path in members for p in _ancestors(path)}
    if not paths:
        return []
    candidates = (
        Survey.objects.filter(_open_now(), organization__path__in=paths)
        .select_related("organization")
        .prefetch_related("target_classes")
        .order_by("-opened_at")
    )
    result = []
    for survey in candidates:
        roles = addressed_roles(actor, survey, grants=grants, members=members)
        if roles:
            result.append((survey, roles))
    return result


def addressed_roles(
    actor: Actor,
    survey: Survey,
    *,
    grants: list[Any] | None = None,
    members: list[tuple[str, Any, str]] | None = None,
) -> list[str]:
    """The target roles in which the survey reaches the actor (empty: not addressed to them)."""
    if grants is None:
        grants = [g for g in actor.grants if RESPOND in g.capabilities]
    if members is None:
        members = _memberships(actor)
    root = survey.organization.path
    roles = {g.role_code for g in grants if g.path.startswith(root)}
    classes = {c.pk for c in survey.target_classes.all()}
    for relation, class_id, path in members:
        if path.startswith(root) and (not classes or class_id in classes):
            roles.add(relation)
    return sorted(roles & set(survey.target_roles))


def survey_get(actor: Actor, survey_id: UUID | str) -> Survey:
    """A survey the actor sees by grant, or an open one addressed to them."""
    survey = survey_list(actor).filter(pk=survey_id).first()
    if survey is not None:
        return survey
    survey = (
        Survey.objects.filter(_open_now(), pk=survey_id)
        .select_related("organization")
        .prefetch_related("target_classes")
        .first()
    )
    if survey is None or actor.is_anonymous or not addressed_roles(actor, survey):
        raise scope.not_found(actor, SURVEY_VIEW, "feedback.survey", survey_id)
    return survey


def survey_questions(survey: Survey) -> list[SurveyQuestion]:
    return list(SurveyQuestion.objects.filter(survey=survey).order_by("number"))


def survey_results(survey: Survey) -> dict[str, Any]:
    """Counts per option, scale distribution and mean, free texts (without respondents)."""
    questions = survey_questions(survey)
    answers = SurveyAnswer.objects.filter(response__survey=survey).values_list(
        "question_id", "choices", "scale", "text"
    )
    picks: dict[Any, Counter[int]] = defaultdict(Counter)
    scales: dict[Any, Counter[int]] = defaultdict(Counter)
    texts: dict[Any, list[str]] = defaultdict(list)
    for question_id, choices, scale, text in answers:
        picks[question_id].update(int(c) for c in choices or [])
        if scale is not None:
            scales[question_id][scale] += 1
        if text:
            texts[question_id].append(text)
    rows = []
    for q in questions:
        row: dict[str, Any] = {"question": q, "id": q.pk, "kind": q.kind, "text": q.text}
        if q.kind in ("single", "multiple"):
            row["options"] = [
                {"label": label, "count": picks[q.pk][i]} for i, label in enumerate(q.choices)
            ]
        elif q.kind == "scale":
            counts = scales[q.pk]
            total = sum(counts.values())
            row["distribution"] = [
                {"value": v, "count": counts[v]} for v in range(1, (q.scale_max or 5) + 1)
            ]
            row["mean"] = round(sum(v * n for v, n in counts.items()) / total, 2) if total else None
        else:
            row["texts"] = sorted(texts[q.pk])
        rows.append(row)
    return {"responses": survey.responses.count(), "questions": rows}


def faq_list(*, category: str | None = None) -> QuerySet[FaqEntry]:
    """Every FAQ entry: readable by everyone signed in (the views require signing in)."""
    qs = FaqEntry.objects.all()
    return qs.filter(category=category) if category else qs


def faq_get(entry_id: UUID | str) -> FaqEntry:
    entry = FaqEntry.objects.select_related("organization").filter(pk=entry_id).first()
    if entry is None:
        from oqu.kernel.errors import NotFound

        raise NotFound()
    return entry
