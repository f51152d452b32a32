"""People and their relations over HTTP: persons (IIN), enrolments, employment, guardianship
(G-5.1, G-5.2, MAP-PASS). A person is reachable through an active relation in the actor's scope,
or as a parent's own child, or as oneself (G-5.10)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema
from pydantic import model_validator

from oqu.apikit import (
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    HistoryOut,
    PageQuery,
    actor,
    history_page,
    page_of,
    paginate,
)
from oqu.orgs.selectors import unit_get

from . import selectors, services
from .models import Person

router = Router()

PERSON_HISTORY_FIELDS = (
    "iin",
    "last_name_kk",
    "first_name_kk",
    "middle_name_kk",
    "last_name_ru",
    "first_name_ru",
    "middle_name_ru",
    "birth_date",
    "sex",
    "needs_verification",
)
IIN_FIELD = Field(
    ..., min_length=12, max_length=12, pattern=r"^[0-9]{12}$", description="12 digits."
)


def _language_name(person: Person) -> str:
    return person.full_name("kk" if (get_language() or "kk").startswith("kk") else "ru")


# -- schemas ---------------------------------------------------------------------------------


class PersonOut(Schema):
    id: UUID
    iin: str
    full_name: str = Field(..., description="In the language of the request.")
    last_name_kk: str
    first_name_kk: str
    middle_name_kk: str
    last_name_ru: str
    first_name_ru: str
    middle_name_ru: str
    birth_date: dt.date
    sex: str
    needs_verification: bool = Field(
        ...,
        description="Birth date or sex could not be derived from the IIN: check the state register.",
    )

    @staticmethod
    def resolve_full_name(obj: Person) -> str:
        return _language_name(obj)


class PersonBrief(Schema):
    id: UUID
    iin: str
    full_name: str

    @staticmethod
    def resolve_full_name(obj: Person) -> str:
        return _language_name(obj)


class PersonIn(Schema):
    organization_id: UUID = Field(..., description="The organization that registers the person.")
    iin: str = IIN_FIELD
    last_name_kk: str = Field(..., min_length=1, max_length=100)
    first_name_kk: str = Field(..., min_length=1, max_length=100)
    middle_name_kk: str = Field("", max_length=100)
    last_name_ru: str = Field(..., min_length=1, max_length=100)
    first_name_ru: str = Field(..., min_length=1, max_length=100)
    middle_name_ru: str = Field("", max_length=100)
    birth_date: dt.date | None = Field(None, description="Only when the IIN does not show it.")
    sex: Literal["M", "F"] | None = Field(None, description="Only when the IIN does not show it.")


class PersonPatch(Schema):
    iin: str = Field(None, min_length=12, max_length=12, pattern=r"^[0-9]{12}$")
    last_name_kk: str = Field(None, min_length=1, max_length=100)
    first_name_kk: str = Field(None, min_length=1, max_length=100)
    middle_name_kk: str = Field(None, max_length=100)
    last_name_ru: str = Field(None, min_length=1, max_length=100)
    first_name_ru: str = Field(None, min_length=1, max_length=100)
    middle_name_ru: str = Field(None, max_length=100)
    birth_date: dt.date = Field(None)
    sex: Literal["M", "F"] = Field(None)


class PersonFilter(Schema):
    q: str = Field("", max_length=100, description="The start of an IIN, or of last/first names.")
    organization: UUID | None = Field(
        None, description="Active (enrolled or employed) in this organization."
    )


class PersonRef(Schema):
    """Who the relation is about: a person's id, or the IIN of a registered person."""

    person_id: UUID | None = None
    iin: str | None = Field(None, min_length=12, max_length=12, pattern=r"^[0-9]{12}$")

    @model_validator(mode="after")
    def _one_reference(self) -> PersonRef:
        if (self.person_id is None) == (self.iin is None):
            raise ValueError("give exactly one of person_id and iin")
        return self


class EnrolmentOut(Schema):
    id: UUID
    person: PersonBrief
    organization_id: UUID
    organization_name: str
    level: str
    is_main: bool
    grade: int | None
    group_name: str
    start_date: dt.date
    end_date: dt.date | None
    end_reason: str

    @staticmethod
    def resolve_organization_name(obj: Any) -> str:
        return obj.organization.name


class EnrolmentIn(PersonRef):
    organization_id: UUID
    level: Literal["preschool", "school", "college", "additional"]
    start_date: dt.date
    grade: int | None = Field(None, ge=0, le=12, description="Grade, or course in a college.")
    group_name: str = Field("", max_length=60)
    is_main: bool | None = Field(
        None, description="Main by default for preschool, school and college; never for additional."
    )


class EnrolmentEndIn(Schema):
    end_date: dt.date
    reason: str = Field(..., min_length=1, max_length=200)


class EmploymentOut(Schema):
    id: UUID
    person: PersonBrief
    organization_id: UUID
    organization_name: str
    position: str
    rate: Decimal
    start_date: dt.date
    end_date: dt.date | None

    @staticmethod
    def resolve_organization_name(obj: Any) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_rate(obj: Any) -> Decimal:
        return Decimal(obj.rate).quantize(Decimal("0.01"))


class EmploymentIn(PersonRef):
    organization_id: UUID
    position: str = Field(..., min_length=1, max_length=40)
    start_date: dt.date
    rate: Decimal = Field(Decimal("1"), gt=0, max_digits=4, decimal_places=2)


class EmploymentEndIn(Schema):
    end_date: dt.date


class GuardianshipOut(Schema):
    id: UUID
    guardian: PersonBrief
    child: PersonBrief
    kind: str
    start_date: dt.date
    end_date: dt.date | None


class GuardianshipIn(Schema):
    child_id: UUID
    guardian_id: UUID | None = None
    guardian_iin: str | None = Field(None, min_length=12, max_length=12, pattern=r"^[0-9]{12}$")
    kind: Literal["mother", "father", "guardian", "trustee"]
    start_date: dt.date | None = Field(None, description="Today when left out.")

    @model_validator(mode="after")
    def _one_guardian(self) -> GuardianshipIn:
        if (self.guardian_id is None) == (self.guardian_iin is None):
            raise ValueError("give exactly one of guardian_id and guardian_iin")
        return self


class GuardianshipEndIn(Schema):
    end_date: dt.date | None = Field(None, description="Today when left out.")


class RelationFilter(Schema):
    organization: UUID | None = None
    person: UUID | None = None
    active: bool = Field(True, description="Only relations that have not ended.")


class GuardianshipFilter(Schema):
    child: UUID | None = None
    guardian: UUID | None = None
    active: bool = Field(True, description="Only guardianships that have not ended.")


# -- people ------------------------------------------------------------------------------------


@router.get("/people", response={200: page_of(PersonOut), **LIST_ERRORS}, tags=["people"])
def person_list(request: HttpRequest, filters: Query[PersonFilter], page: Query[PageQuery]) -> Any:
    """People in the actor's scope; a parent sees their children, anyone with an account themselves."""
    who = actor(request)
    organization = unit_get(who, filters.organization) if filters.organization else None
    qs = selectors.person_list(who, search=filters.q, organization=organization)
    return paginate(qs, cursor=page.cursor, limit=page.limit)


@router.post("/people", response={201: PersonOut, **WRITE_ERRORS}, tags=["people"])
def person_register(request: HttpRequest, payload: PersonIn) -> Any:
    """Register a person by IIN; birth date and sex come from the IIN when it shows them.

    The person becomes visible to the organization once enrolled or employed there
    (`POST /enrolments` or `/employments` with the returned id).
    """
    who = actor(request)
    organization = unit_get(who, payload.organization_id)
    person = services.person_register(
        actor=who, organization=organization, **payload.model_dump(exclude={"organization_id"})
    )
    return 201, person


@router.get("/people/{person_id}", response={200: PersonOut, **READ_ERRORS}, tags=["people"])
def person_get(request: HttpRequest, person_id: UUID) -> Any:
    return selectors.person_get(actor(request), person_id)


@router.patch("/people/{person_id}", response={200: PersonOut, **WRITE_ERRORS}, tags=["people"])
def person_change(request: HttpRequest, person_id: UUID, payload: PersonPatch) -> Any:
    """Correct personal data; before and after go to the action journal (G-5.13)."""
    who = actor(request)
    person = selectors.person_get(who, person_id)
    return services.person_change(
        actor=who, person=person, **payload.model_dump(exclude_unset=True)
    )


@router.get(
    "/people/{person_id}/history",
    response={200: page_of(HistoryOut), **LIST_ERRORS},
    tags=["people"],
)
def person_history(request: HttpRequest, person_id: UUID, page: Query[PageQuery]) -> Any:
    """Every stored version of the person's data, newest first (G-5.8)."""
    person = selectors.person_get(actor(request), person_id)
    return history_page(
        person.history.all(), PERSON_HISTORY_FIELDS, cursor=page.cursor, limit=page.limit
    )


# -- enrolments --------------------------------------------------------------------------------


@router.get(
    "/enrolments", response={200: page_of(EnrolmentOut), **LIST_ERRORS}, tags=["enrolments"]
)
def enrolment_list(
    request: HttpRequest, filters: Query[RelationFilter], page: Query[PageQuery]
) -> Any:
    qs = selectors.enrolment_list(
        actor(request),
        organization=filters.organization,
        person=filters.person,
        active_only=filters.active,
    )
    return paginate(qs, cursor=page.cursor, limit=page.limit)


@router.post("/enrolments", response={201: EnrolmentOut, **WRITE_ERRORS}, tags=["enrolments"])
def enrolment_create(request: HttpRequest, payload: EnrolmentIn) -> Any:
    """Enrol a person (by id or IIN): one active main enrolment per level."""
    who = actor(request)
    organization = unit_get(who, payload.organization_id)
    person = selectors.person_to_relate(
        who,
        "people.enrolment.manage",
        unit=organization,
        person_id=payload.person_id,
        iin=payload.iin or "",
    )
    enrolment = services.enrolment_create(
        actor=who,
        person=person,
        organization=organization,
        level=payload.level,
        start_date=payload.start_date,
        grade=payload.grade,
        group_name=payload.group_name,
        is_main=payload.is_main,
    )
    return 201, enrolment


@router.get(
    "/enrolments/{enrolment_id}", response={200: EnrolmentOut, **READ_ERRORS}, tags=["enrolments"]
)
def enrolment_get(request: HttpRequest, enrolment_id: UUID) -> Any:
    return selectors.enrolment_get(actor(request), enrolment_id)


@router.post(
    "/enrolments/{enrolment_id}/end",
    response={200: EnrolmentOut, **WRITE_ERRORS},
    tags=["enrolments"],
)
def enrolment_end(request: HttpRequest, enrolment_id: UUID, payload: EnrolmentEndIn) -> Any:
    """End an enrolment (graduation, transfer, expulsion); the record stays."""
    who = actor(request)
    enrolment = selectors.enrolment_get(who, enrolment_id)
    return services.enrolment_end(
        actor=who, enrolment=enrolment, end_date=payload.end_date, reason=payload.reason
    )


# -- employment --------------------------------------------------------------------------------


@router.get(
    "/employments", response={200: page_of(EmploymentOut), **LIST_ERRORS}, tags=["employments"]
)
def employment_list(
    request: HttpRequest, filters: Query[RelationFilter], page: Query[PageQuery]
) -> Any:
    qs = selectors.employment_list(
        actor(request),
        organization=filters.organization,
        person=filters.person,
        active_only=filters.active,
    )
    return paginate(qs, cursor=page.cursor, limit=page.limit)


@router.post("/employments", response={201: EmploymentOut, **WRITE_ERRORS}, tags=["employments"])
def employment_create(request: HttpRequest, payload: EmploymentIn) -> Any:
    """Employ a person (by id or IIN); a person may hold positions in several organizations."""
    who = actor(request)
    organization = unit_get(who, payload.organization_id)
    person = selectors.person_to_relate(
        who,
        "people.employment.manage",
        unit=organization,
        person_id=payload.person_id,
        iin=payload.iin or "",
    )
    employment = services.employment_create(
        actor=who,
        person=person,
        organization=organization,
        position=payload.position,
        start_date=payload.start_date,
        rate=payload.rate,
    )
    return 201, employment


@router.get(
    "/employments/{employment_id}",
    response={200: EmploymentOut, **READ_ERRORS},
    tags=["employments"],
)
def employment_get(request: HttpRequest, employment_id: UUID) -> Any:
    return selectors.employment_get(actor(request), employment_id)


@router.post(
    "/employments/{employment_id}/end",
    response={200: EmploymentOut, **WRITE_ERRORS},
    tags=["employments"],
)
def employment_end(request: HttpRequest, employment_id: UUID, payload: EmploymentEndIn) -> Any:
    who = actor(request)
    employment = selectors.employment_get(who, employment_id)
    return services.employment_end(actor=who, employment=employment, end_date=payload.end_date)


# -- guardianship ------------------------------------------------------------------------------


@router.get(
    "/guardianships",
    response={200: page_of(GuardianshipOut), **LIST_ERRORS},
    tags=["guardianships"],
)
def guardianship_list(
    request: HttpRequest, filters: Query[GuardianshipFilter], page: Query[PageQuery]
) -> Any:
    qs = selectors.guardianship_list(
        actor(request), child=filters.child, guardian=filters.guardian, active_only=filters.active
    )
    return paginate(qs, cursor=page.cursor, limit=page.limit)


@router.post(
    "/guardianships", response={201: GuardianshipOut, **WRITE_ERRORS}, tags=["guardianships"]
)
def guardianship_create(request: HttpRequest, payload: GuardianshipIn) -> Any:
    """Record a parent or legal representative (by id or IIN) of a child in the actor's scope."""
    who = actor(request)
    child = selectors.person_get(who, payload.child_id)
    guardian = selectors.person_to_relate(
        who,
        "people.guardianship.manage",
        relative=child,
        person_id=payload.guardian_id,
        iin=payload.guardian_iin or "",
    )
    item = services.guardianship_create(
        actor=who, guardian=guardian, child=child, kind=payload.kind, start_date=payload.start_date
    )
    return 201, item


@router.get(
    "/guardianships/{guardianship_id}",
    response={200: GuardianshipOut, **READ_ERRORS},
    tags=["guardianships"],
)
def guardianship_get(request: HttpRequest, guardianship_id: UUID) -> Any:
    return selectors.guardianship_get(actor(request), guardianship_id)


@router.post(
    "/guardianships/{guardianship_id}/end",
    response={200: GuardianshipOut, **WRITE_ERRORS},
    tags=["guardianships"],
)
def guardianship_end(
    request: HttpRequest, guardianship_id: UUID, payload: GuardianshipEndIn | None = None
) -> Any:
    who = actor(request)
    item = selectors.guardianship_get(who, guardianship_id)
    end_date = payload.end_date if payload and payload.end_date else timezone.localdate()
    return services.guardianship_end(actor=who, guardianship=item, end_date=end_date)
