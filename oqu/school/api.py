"""The school's year structure, curriculum, classes, contingent and assignments over HTTP
(SEC-27.3/4, SEC-27.6/7), under /api/v1/school/. Thin: selectors read, services change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema

from oqu.apikit import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, PageQuery, actor, page_of, paginate
from oqu.orgs.selectors import unit_get
from oqu.people.selectors import person_to_relate

from . import selectors, services
from .models import AcademicYear, SchoolClass

router = Router(tags=["school"])
CLASS_MANAGE = services.CLASS_MANAGE


def _language() -> str:
    return "kk" if (get_language() or "kk").startswith("kk") else "ru"


def _person_name(person: Any) -> str:
    return person.full_name(_language()) if person is not None else ""


# -- schemas ---------------------------------------------------------------------------------


class YearIn(Schema):
    organization_id: UUID
    name: str = Field(..., min_length=1, max_length=20, examples=["2025-2026"])
    start_date: dt.date
    end_date: dt.date


class YearOut(Schema):
    id: UUID
    organization_id: UUID
    name: str
    start_date: dt.date
    end_date: dt.date


class PeriodIn(Schema):
    kind: Literal["quarter", "half_year"]
    number: int = Field(..., ge=1, le=4)
    start_date: dt.date
    end_date: dt.date


class PeriodOut(Schema):
    id: UUID
    kind: str
    number: int
    start_date: dt.date
    end_date: dt.date
    working_days: int

    @staticmethod
    def resolve_working_days(obj: Any) -> int:
        return selectors.working_days(obj)


class VacationIn(Schema):
    name_kk: str = Field(..., min_length=1, max_length=100)
    name_ru: str = Field(..., min_length=1, max_length=100)
    start_date: dt.date
    end_date: dt.date


class VacationOut(Schema):
    id: UUID
    name_kk: str
    name_ru: str
    start_date: dt.date
    end_date: dt.date


class YearDetailOut(YearOut):
    periods: list[PeriodOut]
    vacations: list[VacationOut]


class SubjectIn(Schema):
    organization_id: UUID
    code: str = Field(..., min_length=1, max_length=30)
    name_kk: str = Field(..., min_length=1, max_length=150)
    name_ru: str = Field(..., min_length=1, max_length=150)
    standard_code: str = Field("", max_length=30, description="The standard curriculum's subject.")
    level: Literal["preschool", "school", "college", "additional"] = "school"


class SubjectOut(Schema):
    id: UUID
    organization_id: UUID
    code: str
    name_kk: str
    name_ru: str
    standard_code: str
    level: str
    room_kind: str


class CurriculumLineIn(Schema):
    subject_id: UUID
    grade: int = Field(..., ge=0, le=12)
    part: Literal["invariant", "variant"]
    hours_per_week: Decimal = Field(..., ge=0, le=40, max_digits=4, decimal_places=1)


class CurriculumRowOut(Schema):
    subject_id: UUID
    subject_code: str
    subject_name: str
    part: str
    hours: list[Decimal | None] = Field(..., description="Hours a week, one per grade in `grades`.")


class CurriculumOut(Schema):
    year_id: UUID
    grades: list[int]
    rows: list[CurriculumRowOut]
    total_invariant: list[Decimal]
    total_variant: list[Decimal]
    total: list[Decimal]


class ClassIn(Schema):
    year_id: UUID
    grade: int = Field(..., ge=0, le=12)
    letter: str = Field(..., min_length=1, max_length=4)
    language: Literal["kk", "ru", "en", "uz", "ug", "tg"]
    shift: int = Field(1, ge=1, le=3)
    capacity: int = Field(25, ge=1, le=40)
    homeroom_teacher_id: UUID | None = None


class ClassPatch(Schema):
    language: Literal["kk", "ru", "en", "uz", "ug", "tg"] = Field(None)
    shift: int = Field(None, ge=1, le=3)
    capacity: int = Field(None, ge=1, le=40)
    homeroom_teacher_id: UUID | None = Field(None)


class ClassOut(Schema):
    id: UUID
    organization_id: UUID
    year_id: UUID
    name: str
    grade: int
    letter: str
    language: str
    shift: int
    capacity: int
    homeroom_teacher_id: UUID | None
    homeroom_teacher_name: str
    learner_count: int

    @staticmethod
    def resolve_name(obj: SchoolClass) -> str:
        return str(obj)

    @staticmethod
    def resolve_homeroom_teacher_name(obj: SchoolClass) -> str:
        return _person_name(obj.homeroom_teacher)

    @staticmethod
    def resolve_learner_count(obj: Any) -> int:
        return getattr(obj, "learner_count", 0)


class MembershipOut(Schema):
    id: UUID
    person_id: UUID
    person_name: str
    class_id: UUID
    class_name: str
    start_date: dt.date
    start_move: str
    end_date: dt.date | None
    end_move: str
    end_reason: str

    @staticmethod
    def resolve_person_name(obj: Any) -> str:
        return _person_name(obj.person)

    @staticmethod
    def resolve_class_id(obj: Any) -> UUID:
        return obj.school_class_id

    @staticmethod
    def resolve_class_name(obj: Any) -> str:
        return str(obj.school_class)


class EnrolIn(Schema):
    person_id: UUID | None = None
    iin: str | None = Field(None, min_length=12, max_length=12, pattern=r"^[0-9]{12}$")
    date: dt.date


class TransferIn(Schema):
    to_class_id: UUID
    date: dt.date


class TransferOutIn(Schema):
    to_organization: str = Field(..., min_length=1, max_length=150)
    date: dt.date


class ExpelIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200)
    date: dt.date


class GraduateIn(Schema):
    date: dt.date


class MembershipFilter(Schema):
    person: UUID | None = None


class SubgroupIn(Schema):
    name: str = Field(..., min_length=1, max_length=60)


class SubgroupLearnersIn(Schema):
    learner_ids: list[UUID] = Field(..., max_length=40)


class SubgroupOut(Schema):
    id: UUID
    class_id: UUID
    name: str
    learner_ids: list[UUID]

    @staticmethod
    def resolve_class_id(obj: Any) -> UUID:
        return obj.school_class_id

    @staticmethod
    def resolve_learner_ids(obj: Any) -> list[UUID]:
        return [p.pk for p in obj.learners.all()]


class AssignmentIn(Schema):
    class_id: UUID
    subject_id: UUID
    teacher_id: UUID
    subgroup_id: UUID | None = None
    hours_per_week: Decimal = Field(..., gt=0, le=40, max_digits=4, decimal_places=1)


class AssignmentOut(Schema):
    id: UUID
    organization_id: UUID
    year_id: UUID
    class_id: UUID
    class_name: str
    subject_id: UUID
    subject_code: str
    subgroup_id: UUID | None
    teacher_id: UUID
    teacher_name: str
    hours_per_week: Decimal

    @staticmethod
    def resolve_class_id(obj: Any) -> UUID:
        return obj.school_class_id

    @staticmethod
    def resolve_class_name(obj: Any) -> str:
        return str(obj.school_class)

    @staticmethod
    def resolve_subject_code(obj: Any) -> str:
        return obj.subject.code

    @staticmethod
    def resolve_teacher_name(obj: Any) -> str:
        return _person_name(obj.teacher)


class OrganizationFilter(Schema):
    organization: UUID | None = None


class ClassFilter(Schema):
    organization: UUID | None = None
    year: UUID | None = None


class AssignmentFilter(Schema):
    organization: UUID | None = None
    class_id: UUID | None = Field(None, alias="class")
    teacher: UUID | None = None


def _organization(request: HttpRequest, organization_id: UUID | None) -> Any:
    return unit_get(actor(request), organization_id) if organization_id else None


def _staff(request: HttpRequest, organization: Any, person_id: UUID | None) -> Any:
    if person_id is None:
        return None
    return person_to_relate(actor(request), CLASS_MANAGE, unit=organization, person_id=person_id)


def _year_detail(year: AcademicYear) -> dict[str, Any]:
    return {
        **YearOut.from_orm(year).model_dump(),
        "periods": selectors.period_list(year),
        "vacations": selectors.vacation_list(year),
    }


# -- years, periods, vacations -----------------------------------------------------------------


@router.get("/school/years", response={200: page_of(YearOut), **LIST_ERRORS})
def year_list(
    request: HttpRequest, filters: Query[OrganizationFilter], page: Query[PageQuery]
) -> Any:
    qs = selectors.year_list(
        actor(request), organization=_organization(request, filters.organization)
    )
    return paginate(qs, cursor=page.cursor, limit=page.limit, order_field="start_date")


@router.post("/school/years", response={201: YearOut, **WRITE_ERRORS})
def year_create(request: HttpRequest, payload: YearIn) -> Any:
    """An academic year of one school (years of a school never overlap)."""
    who = actor(request)
    organization = unit_get(who, payload.organization_id)
    return 201, services.year_create(
        actor=who,
        organization=organization,
        name=payload.name,
        start_date=payload.start_date,
        end_date=payload.end_date,
    )


@router.get("/school/years/{year_id}", response={200: YearDetailOut, **READ_ERRORS})
def year_get(request: HttpRequest, year_id: UUID) -> Any:
    """The year with its quarters, half-years (with working days) and vacations."""
    return _year_detail(selectors.year_get(actor(request), year_id))


@router.post("/school/years/{year_id}/periods", response={201: PeriodOut, **WRITE_ERRORS})
def period_create(request: HttpRequest, year_id: UUID, payload: PeriodIn) -> Any:
    """A quarter or a half-year: inside the year, not overlapping, starting on a working day."""
    who = actor(request)
    year = selectors.year_get(who, year_id)
    return 201, services.period_create(actor=who, year=year, **payload.model_dump())


@router.post("/school/years/{year_id}/vacations", response={201: VacationOut, **WRITE_ERRORS})
def vacation_create(request: HttpRequest, year_id: UUID, payload: VacationIn) -> Any:
    who = actor(request)
    year = selectors.year_get(who, year_id)
    return 201, services.vacation_create(actor=who, year=year, **payload.model_dump())


# -- subjects and curriculum -------------------------------------------------------------------


@router.get("/school/subjects", response={200: page_of(SubjectOut), **LIST_ERRORS})
def subject_list(
    request: HttpRequest, filters: Query[OrganizationFilter], page: Query[PageQuery]
) -> Any:
    qs = selectors.subject_list(
        actor(request), organization=_organization(request, filters.organization)
    )
    return paginate(qs, cursor=page.cursor, limit=page.limit, order_field="code")


@router.post("/school/subjects", response={201: SubjectOut, **WRITE_ERRORS})
def subject_create(request: HttpRequest, payload: SubjectIn) -> Any:
    who = actor(request)
    organization = unit_get(who, payload.organization_id)
    data = payload.model_dump(exclude={"organization_id"})
    return 201, services.subject_create(actor=who, organization=organization, **data)


def _curriculum(year: AcademicYear) -> dict[str, Any]:
    grid = selectors.curriculum_grid(year, _language())
    return {
        "year_id": year.pk,
        "grades": grid["grades"],
        "rows": [
            {
                "subject_id": row["subject"].pk,
                "subject_code": row["subject"].code,
                "subject_name": row["subject_name"],
                "part": row["part"],
                "hours": row["cells"],
            }
            for row in grid["rows"]
        ],
        "total_invariant": grid["totals"]["invariant"],
        "total_variant": grid["totals"]["variant"],
        "total": grid["totals"]["all"],
    }


@router.get("/school/years/{year_id}/curriculum", response={200: CurriculumOut, **READ_ERRORS})
def curriculum_get(request: HttpRequest, year_id: UUID) -> Any:
    """The curriculum of the year: hours a week per subject and grade, invariant and variant
    parts, with the totals per grade (SEC-27.6/7)."""
    return _curriculum(selectors.year_get(actor(request), year_id))


@router.put("/school/years/{year_id}/curriculum", response={200: CurriculumOut, **WRITE_ERRORS})
def curriculum_set(request: HttpRequest, year_id: UUID, payload: CurriculumLineIn) -> Any:
    """Set one cell of the curriculum (0 hours removes it); answers the whole grid."""
    who = actor(request)
    year = selectors.year_get(who, year_id)
    subject = selectors.subject_get(who, payload.subject_id)
    services.curriculum_set(
        actor=who,
        year=year,
        subject=subject,
        grade=payload.grade,
        part=payload.part,
        hours_per_week=payload.hours_per_week,
    )
    return _curriculum(year)


# -- classes -----------------------------------------------------------------------------------


@router.get("/school/classes", response={200: page_of(ClassOut), **LIST_ERRORS})
def class_list(request: HttpRequest, filters: Query[ClassFilter], page: Query[PageQuery]) -> Any:
    who = actor(request)
    year = selectors.year_get(who, filters.year) if filters.year else None
    qs = selectors.class_list(
        who, organization=_organization(request, filters.organization), year=year
    )
    return paginate(qs, cursor=page.cursor, limit=page.limit)


@router.post("/school/classes", response={201: ClassOut, **WRITE_ERRORS})
def class_create(request: HttpRequest, payload: ClassIn) -> Any:
    who = actor(request)
    year = selectors.year_get(who, payload.year_id)
    school_class = services.class_create(
        actor=who,
        year=year,
        grade=payload.grade,
        letter=payload.letter,
        language=payload.language,
        shift=payload.shift,
        capacity=payload.capacity,
        homeroom_teacher=_staff(request, year.organization, payload.homeroom_teacher_id),
    )
    return 201, selectors.class_get(who, school_class.pk)


@router.get("/school/classes/{class_id}", response={200: ClassOut, **READ_ERRORS})
def class_get(request: HttpRequest, class_id: UUID) -> Any:
    return selectors.class_get(actor(request), class_id)


@router.patch("/school/classes/{class_id}", response={200: ClassOut, **WRITE_ERRORS})
def class_change(request: HttpRequest, class_id: UUID, payload: ClassPatch) -> Any:
    who = actor(request)
    school_class = selectors.class_get(who, class_id)
    changes = payload.model_dump(exclude_unset=True)
    if "homeroom_teacher_id" in changes:
        changes["homeroom_teacher"] = _staff(
            request, school_class.organization, changes.pop("homeroom_teacher_id")
        )
    services.class_change(actor=who, school_class=school_class, **changes)
    return selectors.class_get(who, class_id)


@router.get(
    "/school/classes/{class_id}/learners", response={200: page_of(MembershipOut), **LIST_ERRORS}
)
def class_learners(request: HttpRequest, class_id: UUID, page: Query[PageQuery]) -> Any:
    """The learners now in the class."""
    school_class = selectors.class_get(actor(request), class_id)
    qs = selectors.class_members(school_class).select_related("school_class")
    return paginate(qs, cursor=page.cursor, limit=page.limit)


@router.post("/school/classes/{class_id}/learners", response={201: MembershipOut, **WRITE_ERRORS})
def class_enrol(request: HttpRequest, class_id: UUID, payload: EnrolIn) -> Any:
    """Enrol a learner (by id or IIN) into the class; the school enrolment follows."""
    who = actor(request)
    school_class = selectors.class_get(who, class_id)
    person = person_to_relate(
        who,
        CLASS_MANAGE,
        unit=school_class.organization,
        person_id=payload.person_id,
        iin=payload.iin or "",
    )
    return 201, services.learner_enrol(
        actor=who, school_class=school_class, person=person, on=payload.date
    )


@router.get("/school/memberships", response={200: page_of(MembershipOut), **LIST_ERRORS})
def membership_list(
    request: HttpRequest, filters: Query[MembershipFilter], page: Query[PageQuery]
) -> Any:
    """Class stays in scope, current and past: with `person`, that learner's class history."""
    qs = selectors.membership_list(actor(request), person=filters.person)
    return paginate(qs, cursor=page.cursor, limit=page.limit)


@router.get("/school/memberships/{membership_id}", response={200: MembershipOut, **READ_ERRORS})
def membership_get(request: HttpRequest, membership_id: UUID) -> Any:
    return selectors.membership_get(actor(request), membership_id)


@router.post(
    "/school/memberships/{membership_id}/transfer", response={201: MembershipOut, **WRITE_ERRORS}
)
def membership_transfer(request: HttpRequest, membership_id: UUID, payload: TransferIn) -> Any:
    """Move the learner to another class of the school; answers the new stay."""
    who = actor(request)
    membership = selectors.membership_get(who, membership_id)
    to_class = selectors.class_get(who, payload.to_class_id)
    return 201, services.learner_transfer(
        actor=who, membership=membership, to_class=to_class, on=payload.date
    )


@router.post(
    "/school/memberships/{membership_id}/transfer-out",
    response={200: MembershipOut, **WRITE_ERRORS},
)
def membership_transfer_out(
    request: HttpRequest, membership_id: UUID, payload: TransferOutIn
) -> Any:
    who = actor(request)
    membership = selectors.membership_get(who, membership_id)
    return services.learner_transfer_out(
        actor=who,
        membership=membership,
        to_organization_name=payload.to_organization,
        on=payload.date,
    )


@router.post(
    "/school/memberships/{membership_id}/expel", response={200: MembershipOut, **WRITE_ERRORS}
)
def membership_expel(request: HttpRequest, membership_id: UUID, payload: ExpelIn) -> Any:
    who = actor(request)
    membership = selectors.membership_get(who, membership_id)
    return services.learner_expel(
        actor=who, membership=membership, on=payload.date, reason=payload.reason
    )


@router.post(
    "/school/memberships/{membership_id}/graduate", response={200: MembershipOut, **WRITE_ERRORS}
)
def membership_graduate(request: HttpRequest, membership_id: UUID, payload: GraduateIn) -> Any:
    who = actor(request)
    membership = selectors.membership_get(who, membership_id)
    return services.learner_graduate(actor=who, membership=membership, on=payload.date)


# -- subgroups ---------------------------------------------------------------------------------


@router.get(
    "/school/classes/{class_id}/subgroups", response={200: list[SubgroupOut], **READ_ERRORS}
)
def subgroup_list(request: HttpRequest, class_id: UUID) -> Any:
    return selectors.subgroup_list(selectors.class_get(actor(request), class_id))


@router.post("/school/classes/{class_id}/subgroups", response={201: SubgroupOut, **WRITE_ERRORS})
def subgroup_create(request: HttpRequest, class_id: UUID, payload: SubgroupIn) -> Any:
    who = actor(request)
    school_class = selectors.class_get(who, class_id)
    return 201, services.subgroup_create(actor=who, school_class=school_class, name=payload.name)


@router.put("/school/subgroups/{subgroup_id}/learners", response={200: SubgroupOut, **WRITE_ERRORS})
def subgroup_learners(request: HttpRequest, subgroup_id: UUID, payload: SubgroupLearnersIn) -> Any:
    """Replace the learners of a subgroup (each an active learner of the class)."""
    who = actor(request)
    subgroup = selectors.subgroup_get(who, subgroup_id)
    return services.subgroup_set_learners(
        actor=who, subgroup=subgroup, learner_ids=payload.learner_ids
    )


# -- teaching assignments ----------------------------------------------------------------------


@router.get("/school/assignments", response={200: page_of(AssignmentOut), **LIST_ERRORS})
def assignment_list(
    request: HttpRequest, filters: Query[AssignmentFilter], page: Query[PageQuery]
) -> Any:
    who = actor(request)
    school_class = selectors.class_get(who, filters.class_id) if filters.class_id else None
    qs = selectors.assignment_list(
        who,
        organization=_organization(request, filters.organization),
        school_class=school_class,
        teacher=filters.teacher,
    )
    return paginate(qs, cursor=page.cursor, limit=page.limit)


@router.post("/school/assignments", response={201: AssignmentOut, **WRITE_ERRORS})
def assignment_create(request: HttpRequest, payload: AssignmentIn) -> Any:
    """Assign an employed teacher to a class-subject (optionally one subgroup) for the year."""
    who = actor(request)
    school_class = selectors.class_get(who, payload.class_id)
    subject = selectors.subject_get(who, payload.subject_id)
    subgroup = selectors.subgroup_get(who, payload.subgroup_id) if payload.subgroup_id else None
    teacher = _staff(request, school_class.organization, payload.teacher_id)
    return 201, services.assignment_create(
        actor=who,
        school_class=school_class,
        subject=subject,
        teacher=teacher,
        subgroup=subgroup,
        hours_per_week=payload.hours_per_week,
    )


@router.get("/school/assignments/{assignment_id}", response={200: AssignmentOut, **READ_ERRORS})
def assignment_get(request: HttpRequest, assignment_id: UUID) -> Any:
    return selectors.assignment_get(actor(request), assignment_id)


@router.delete("/school/assignments/{assignment_id}", response={204: None, **WRITE_ERRORS})
def assignment_delete(request: HttpRequest, assignment_id: UUID) -> Any:
    who = actor(request)
    services.assignment_delete(actor=who, assignment=selectors.assignment_get(who, assignment_id))
    return 204, None
