"""Reads of the digital profiles, through the access layer.

A profile is reached through its person (`scope.require_person`): staff by their grants over the
schools the person works or learns in, the person themself through the `learner` relation role
("oneself"), a parent through the `parent` role for their own child only. Each read is a fixed
number of queries, whatever the number of entries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.kernel.errors import Forbidden, NotFound
from oqu.people.models import Employment, Person

from .models import (
    Achievement,
    Attestation,
    CareerChoice,
    CareerTest,
    Certificate,
    Course,
    Education,
    PriorExperience,
    QualificationCategory,
)
from .rules import AttestationFact, Experience, current_category, experience, next_attestation_due
from .sections import (
    LEARNER,
    LEARNER_SECTIONS,
    SECTIONS,
    TEACHER,
    TEACHER_SECTIONS,
    home_units,
    section_of,
)

TEACHER_VIEW = "profiles.teacher.view"
TEACHER_MANAGE = "profiles.teacher.manage"
LEARNER_VIEW = "profiles.learner.view"
LEARNER_MANAGE = "profiles.learner.manage"
PROPOSE = "profiles.course.propose"
ENTRY_MODELS = (
    Education,
    Attestation,
    PriorExperience,
    Course,
    Certificate,
    Achievement,
    CareerTest,
    CareerChoice,
)


def today() -> dt.date:
    return timezone.localdate()


def category_list() -> list[QualificationCategory]:
    return list(QualificationCategory.objects.filter(is_active=True).order_by("rank"))


def _fact(row: Attestation) -> AttestationFact:
    return AttestationFact(row.held_on, row.category.rank, row.result, row.valid_until)


@dataclass
class TeacherProfile:
    person: Person
    as_of: dt.date
    sections: dict[str, list[Any]]
    employments: list[Employment]
    experience: Experience
    category: Attestation | None
    category_in_force: bool
    next_attestation_due: dt.date | None
    confirmed_course_hours: int
    can_manage: bool = False
    can_propose: bool = False


@dataclass
class LearnerProfile:
    person: Person
    sections: dict[str, list[Any]]
    can_manage: bool = False
    counts_by_level: dict[str, int] = field(default_factory=dict)


def _can(actor: Actor, action: str, person: Person) -> bool:
    try:
        scope.require_person(actor, action, person)
    except (NotFound, Forbidden):  # the answer is just "no"
        return False
    return True


def _can_manage(actor: Actor, action: str, person: Person, profile: str) -> bool:
    return any(actor.can_at(action, u.path) for u in home_units(person, profile))


def _entries(section_code: str, person: Person) -> list[Any]:
    qs = SECTIONS[section_code].queryset().filter(person=person)
    if section_code == "attestation":
        qs = qs.select_related("category")
    return list(qs)


def teacher_profile(actor: Actor, person: Person, as_of: dt.date | None = None) -> TeacherProfile:
    """The teacher's profile with the computed experience, category in force and next attestation."""
    scope.require_person(actor, TEACHER_VIEW, person)
    as_of = as_of or today()
    sections = {s.code: _entries(s.code, person) for s in TEACHER_SECTIONS}
    employments = list(
        Employment.objects.filter(person=person)
        .select_related("organization")
        .order_by("start_date")
    )
    intervals = [(e.start_date, e.end_date) for e in employments] + [
        (p.start_date, p.end_date) for p in sections["experience"]
    ]
    facts = [_fact(a) for a in sections["attestation"]]
    latest, in_force = current_category(facts, as_of)
    category = next(
        (a for a in sections["attestation"] if latest is not None and _fact(a) == latest), None
    )
    return TeacherProfile(
        person=person,
        as_of=as_of,
        sections=sections,
        employments=employments,
        experience=experience(intervals, as_of),
        category=category,
        category_in_force=in_force,
        next_attestation_due=next_attestation_due(facts, as_of),
        confirmed_course_hours=sum(
            c.hours for c in sections["course"] if c.status == Course.Status.CONFIRMED
        ),
        can_manage=_can_manage(actor, TEACHER_MANAGE, person, TEACHER),
        can_propose=actor.person_id == person.pk and _can(actor, PROPOSE, person),
    )


def learner_profile(actor: Actor, person: Person) -> LearnerProfile:
    """The learner's olympiads and competitions, career guidance and certificates (SEC-27.1)."""
    scope.require_person(actor, LEARNER_VIEW, person)
    sections = {s.code: _entries(s.code, person) for s in LEARNER_SECTIONS}
    counts: dict[str, int] = {}
    for item in sections["achievement"]:
        counts[item.level] = counts.get(item.level, 0) + 1
    return LearnerProfile(
        person=person,
        sections=sections,
        can_manage=_can_manage(actor, LEARNER_MANAGE, person, LEARNER),
        counts_by_level=counts,
    )


# -- for the learner's and parent's cabinet ----------------------------------------------------


def learner_certificates(actor: Actor, person: Person) -> QuerySet[Certificate]:
    """A learner's certificates, newest first (the cabinet's "certificates"): the learner, their
    parent, or the school's staff. Raises NotFound/Forbidden like every person read."""
    scope.require_person(actor, LEARNER_VIEW, person)
    return SECTIONS["learner_certificate"].queryset().filter(person=person).order_by("-issued_on")


def learner_achievements(actor: Actor, person: Person) -> QuerySet[Achievement]:
    """A learner's olympiad and competition results, newest first (same access as above)."""
    scope.require_person(actor, LEARNER_VIEW, person)
    return Achievement.objects.filter(person=person).order_by("-held_on")


# -- single entries ----------------------------------------------------------------------------


def entry_get(actor: Actor, entry_id: UUID | str) -> Any:
    """One entry of any section, if the actor may see its person's profile (else the 404)."""
    for model in ENTRY_MODELS:
        entry = model.objects.select_related("person", "organization").filter(pk=entry_id).first()
        if entry is not None:
            break
    else:
        raise scope.not_found(actor, TEACHER_VIEW, "profiles.entry", entry_id)
    section = section_of(entry)
    scope.require_person(actor, section.view_capability, entry.person)
    return entry


def person_for_profile(actor: Actor, person_id: UUID | str, profile: str) -> Person:
    """The person whose profile is asked for, checked (404 outside scope, 403 without the right)."""
    person = Person.objects.filter(pk=person_id).first()
    action = TEACHER_VIEW if profile == TEACHER else LEARNER_VIEW
    if person is None:
        raise scope.not_found(actor, action, "people.person", person_id)
    scope.require_person(actor, action, person)
    return person


# -- the school's view: attestation calendar and courses waiting for confirmation ------------


@dataclass
class RosterRow:
    person: Person
    positions: list[str]
    category: Attestation | None
    category_in_force: bool
    next_attestation_due: dt.date | None


def teacher_roster(
    actor: Actor, organization: Any, as_of: dt.date | None = None
) -> list[RosterRow]:
    """Staff of a school with their category and next attestation; three queries in all."""
    scope.require(actor, TEACHER_VIEW, organization)
    as_of = as_of or today()
    employments = list(
        Employment.objects.filter(organization=organization, end_date__isnull=True)
        .select_related("person")
        .order_by("person__last_name_ru", "person__first_name_ru", "person_id")
    )
    by_person: dict[Any, list[Attestation]] = {}
    for row in Attestation.objects.filter(
        person_id__in={e.person_id for e in employments}
    ).select_related("category"):
        by_person.setdefault(row.person_id, []).append(row)
    rows: dict[Any, RosterRow] = {}
    for employment in employments:
        if employment.person_id in rows:
            rows[employment.person_id].positions.append(employment.position)
            continue
        attestations = by_person.get(employment.person_id, [])
        facts = [_fact(a) for a in attestations]
        latest, in_force = current_category(facts, as_of)
        rows[employment.person_id] = RosterRow(
            person=employment.person,
            positions=[employment.position],
            category=next((a for a in attestations if latest and _fact(a) == latest), None),
            category_in_force=in_force,
            next_attestation_due=next_attestation_due(facts, as_of),
        )
    return list(rows.values())


def proposed_courses(actor: Actor, organization: Any) -> QuerySet[Course]:
    """Courses teachers of the school proposed, waiting for the head's decision."""
    return scope.visible(
        actor,
        TEACHER_MANAGE,
        Course.objects.filter(organization=organization, status=Course.Status.PROPOSED),
    ).select_related("person")


def course_get(actor: Actor, entry_id: UUID | str) -> Course:
    entry = entry_get(actor, entry_id)
    if not isinstance(entry, Course):
        raise scope.not_found(actor, TEACHER_VIEW, "profiles.course", entry_id)
    return entry


def attachment_get(actor: Actor, entry_id: UUID | str) -> Any:
    """The entry whose file is asked for: visible to the actor and with a file (else 404)."""
    entry = entry_get(actor, entry_id)
    if not getattr(entry, "attachment", None):
        raise NotFound(_("This entry has no file."), code="no_attachment")
    return entry
