"""Digital profiles over HTTP, under /api/v1/profiles/ (teachers: MAP-PASS; learners: SEC-27.1).

Thin: selectors read, services change. Entries of every section share one shape: `section`
names it, `fields` carries its values (see `docs/api.md` for each section's fields).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile

from oqu.apikit import READ_ERRORS, WRITE_ERRORS, actor
from oqu.orgs.selectors import unit_get

from . import selectors, services
from .downloads import attachment_response
from .sections import LEARNER, SECTIONS, TEACHER, section_of

router = Router(tags=["profiles"])

SectionCode = Literal[
    "education",
    "attestation",
    "experience",
    "course",
    "teacher_certificate",
    "achievement",
    "career_test",
    "career_choice",
    "learner_certificate",
]


def _language() -> str:
    return "kk" if (get_language() or "kk").startswith("kk") else "ru"


def entry_fields(entry: Any) -> dict[str, Any]:
    """An entry's section fields, plain (a category by its code)."""
    section = section_of(entry)
    values: dict[str, Any] = {}
    for name in section.fields:
        value = getattr(entry, name)
        values[name] = value.code if name == "category" else value
    return values


class EntryIn(Schema):
    section: SectionCode
    fields: dict[str, Any] = Field(..., description="The section's fields (docs/api.md).")


class EntryPatch(Schema):
    fields: dict[str, Any]


class CourseIn(Schema):
    title: str = Field(..., min_length=1, max_length=300)
    provider: str = Field(..., min_length=1, max_length=200)
    hours: int = Field(..., ge=1, le=2000)
    start_date: dt.date
    end_date: dt.date
    certificate_number: str = Field("", max_length=50)


class DecisionIn(Schema):
    approve: bool


class EntryOut(Schema):
    id: UUID
    section: str
    person_id: UUID
    organization_id: UUID
    fields: dict[str, Any]
    status: str | None = None
    has_attachment: bool
    created_at: dt.datetime

    @staticmethod
    def resolve_section(obj: Any) -> str:
        return section_of(obj).code

    @staticmethod
    def resolve_fields(obj: Any) -> dict[str, Any]:
        return entry_fields(obj)

    @staticmethod
    def resolve_status(obj: Any) -> str | None:
        return getattr(obj, "status", None)

    @staticmethod
    def resolve_has_attachment(obj: Any) -> bool:
        return bool(getattr(obj, "attachment", None))


class CategoryOut(Schema):
    code: str
    name_kk: str
    name_ru: str
    rank: int
    validity_years: int | None


class ExperienceOut(Schema):
    years: int
    months: int
    days: int


class EmploymentOut(Schema):
    organization_id: UUID
    organization_name: str
    position: str
    start_date: dt.date
    end_date: dt.date | None


class TeacherProfileOut(Schema):
    person_id: UUID
    person_name: str
    as_of: dt.date
    experience: ExperienceOut
    category: str | None
    category_valid_until: dt.date | None
    category_in_force: bool
    next_attestation_due: dt.date | None
    confirmed_course_hours: int
    employments: list[EmploymentOut]
    sections: dict[str, list[EntryOut]]


class LearnerProfileOut(Schema):
    person_id: UUID
    person_name: str
    achievements_by_level: dict[str, int]
    sections: dict[str, list[EntryOut]]


class RosterRowOut(Schema):
    person_id: UUID
    person_name: str
    positions: list[str]
    category: str | None
    category_in_force: bool
    next_attestation_due: dt.date | None


class RosterOut(Schema):
    organization_id: UUID
    teachers: list[RosterRowOut]
    proposed_courses: list[EntryOut]


@router.get("/profiles/categories", response={200: list[CategoryOut], **READ_ERRORS})
def category_list(request: HttpRequest) -> Any:
    """Qualification categories (reference data) and how long each is valid."""
    return selectors.category_list()


@router.get("/profiles/teachers/{person_id}", response={200: TeacherProfileOut, **READ_ERRORS})
def teacher_profile(request: HttpRequest, person_id: UUID) -> Any:
    """A teacher's profile: education, category and attestations, experience, courses, awards."""
    who = actor(request)
    person = selectors.person_for_profile(who, person_id, TEACHER)
    profile = selectors.teacher_profile(who, person)
    services.record_read(actor=who, person=person, profile=TEACHER)
    language = _language()
    category = profile.category
    return {
        "person_id": person.pk,
        "person_name": person.full_name(language),
        "as_of": profile.as_of,
        "experience": profile.experience.__dict__,
        "category": category.category.code if category else None,
        "category_valid_until": category.valid_until if category else None,
        "category_in_force": profile.category_in_force,
        "next_attestation_due": profile.next_attestation_due,
        "confirmed_course_hours": profile.confirmed_course_hours,
        "employments": [
            {
                "organization_id": e.organization_id,
                "organization_name": e.organization.name,
                "position": e.position,
                "start_date": e.start_date,
                "end_date": e.end_date,
            }
            for e in profile.employments
        ],
        "sections": profile.sections,
    }


@router.get("/profiles/learners/{person_id}", response={200: LearnerProfileOut, **READ_ERRORS})
def learner_profile(request: HttpRequest, person_id: UUID) -> Any:
    """A learner's olympiads and competitions, career guidance and certificates (SEC-27.1).
    The learner, their parents and the school's staff."""
    who = actor(request)
    person = selectors.person_for_profile(who, person_id, LEARNER)
    profile = selectors.learner_profile(who, person)
    services.record_read(actor=who, person=person, profile=LEARNER)
    return {
        "person_id": person.pk,
        "person_name": person.full_name(_language()),
        "achievements_by_level": profile.counts_by_level,
        "sections": profile.sections,
    }


@router.post("/profiles/persons/{person_id}/entries", response={201: EntryOut, **WRITE_ERRORS})
def entry_create(request: HttpRequest, person_id: UUID, payload: EntryIn) -> Any:
    """Add an entry to a section of the person's profile (the school's staff)."""
    who = actor(request)
    profile = SECTIONS[payload.section].profile
    person = selectors.person_for_profile(who, person_id, profile)
    return 201, services.entry_create(
        actor=who, section=payload.section, person=person, data=payload.fields
    )


@router.post("/profiles/persons/{person_id}/courses", response={201: EntryOut, **WRITE_ERRORS})
def course_propose(request: HttpRequest, person_id: UUID, payload: CourseIn) -> Any:
    """A teacher proposes a course for their own profile; it counts once the head confirms it."""
    who = actor(request)
    person = selectors.person_for_profile(who, person_id, TEACHER)
    return 201, services.course_propose(actor=who, person=person, data=payload.model_dump())


@router.get("/profiles/entries/{entry_id}", response={200: EntryOut, **READ_ERRORS})
def entry_get(request: HttpRequest, entry_id: UUID) -> Any:
    who = actor(request)
    entry = selectors.entry_get(who, entry_id)
    services.record_entry_read(actor=who, entry=entry)
    return entry


@router.patch("/profiles/entries/{entry_id}", response={200: EntryOut, **WRITE_ERRORS})
def entry_update(request: HttpRequest, entry_id: UUID, payload: EntryPatch) -> Any:
    who = actor(request)
    entry = selectors.entry_get(who, entry_id)
    return services.entry_update(actor=who, entry=entry, data=payload.fields)


@router.delete("/profiles/entries/{entry_id}", response={204: None, **WRITE_ERRORS})
def entry_delete(request: HttpRequest, entry_id: UUID) -> Any:
    who = actor(request)
    services.entry_delete(actor=who, entry=selectors.entry_get(who, entry_id))
    return 204, None


@router.post("/profiles/entries/{entry_id}/decision", response={200: EntryOut, **WRITE_ERRORS})
def course_decide(request: HttpRequest, entry_id: UUID, payload: DecisionIn) -> Any:
    """Confirm (it then counts) or reject a course a teacher proposed."""
    who = actor(request)
    course = selectors.course_get(who, entry_id)
    return services.course_decide(actor=who, course=course, approve=payload.approve)


@router.post("/profiles/entries/{entry_id}/attachment", response={200: EntryOut, **WRITE_ERRORS})
def attachment_set(request: HttpRequest, entry_id: UUID, file: File[UploadedFile]) -> Any:
    """Attach the scan of a certificate, diploma or course certificate (PDF, JPEG or PNG)."""
    who = actor(request)
    entry = selectors.entry_get(who, entry_id)
    return services.attachment_set(actor=who, entry=entry, upload=file)


@router.get(
    "/profiles/entries/{entry_id}/attachment",
    response={200: Any, **READ_ERRORS},
    openapi_extra={
        "responses": {"200": {"description": "The file.", "content": {"application/pdf": {}}}}
    },
)
def attachment_get(request: HttpRequest, entry_id: UUID) -> Any:
    """The attached file, only to those who may see the entry."""
    who = actor(request)
    entry = selectors.attachment_get(who, entry_id)
    services.record_entry_read(actor=who, entry=entry, what="file")
    return attachment_response(entry)


@router.get(
    "/profiles/organizations/{organization_id}/teachers",
    response={200: RosterOut, **READ_ERRORS},
)
def teacher_roster(request: HttpRequest, organization_id: UUID) -> Any:
    """A school's staff with their category and next attestation, and the courses to confirm."""
    who = actor(request)
    organization = unit_get(who, organization_id)
    language = _language()
    rows = selectors.teacher_roster(who, organization)
    return {
        "organization_id": organization.pk,
        "teachers": [
            {
                "person_id": row.person.pk,
                "person_name": row.person.full_name(language),
                "positions": row.positions,
                "category": row.category.category.code if row.category else None,
                "category_in_force": row.category_in_force,
                "next_attestation_due": row.next_attestation_due,
            }
            for row in rows
        ],
        "proposed_courses": list(selectors.proposed_courses(who, organization)),
    }
