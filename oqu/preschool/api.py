"""Preschool over HTTP under /api/v1/preschool/ (PRE-25.1, 25.3–25.5, 25.10, 25.11, PRE-26).

Thin: selectors read, services change; scope decides what is seen (404) and done (403).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from oqu.apikit import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, PageQuery, actor, page_of, paginate
from oqu.kernel.errors import ValidationError
from oqu.orgs.selectors import unit_get
from oqu.people.selectors import person_to_relate

from . import selectors, services
from .download import file_response
from .models import AgeGroup, GroupMembership

router = Router(tags=["preschool"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_RESPONSE = {
    "description": "The file, sent only after the access check.",
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}
AttendanceMark = Literal["present", "sick", "vacation", "other", "absent"]


def _language() -> str:
    return "kk" if (get_language() or "kk").startswith("kk") else "ru"


def _name(person: Any) -> str:
    return person.full_name(_language()) if person is not None else ""


# -- schemas ---------------------------------------------------------------------------------


class AgeGroupIn(Schema):
    organization_id: UUID
    school_year: str = Field(..., examples=["2026-2027"])
    name: str = Field(..., min_length=1, max_length=100)
    kind: Literal["nursery", "junior", "middle", "senior", "pre_school"]
    capacity: int = Field(..., ge=1, le=60, description="The norm of places.")
    language: str = Field("kk", max_length=2)
    educator_id: UUID | None = None


class AgeGroupPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    capacity: int | None = Field(None, ge=1, le=60)
    language: str | None = Field(None, max_length=2)
    educator_id: UUID | None = None
    is_active: bool | None = None


class AgeGroupOut(Schema):
    id: UUID
    organization_id: UUID
    school_year: str
    name: str
    kind: str
    language: str
    capacity: int
    children: int = Field(..., description="Children in the group now.")
    free_places: int = Field(..., description="The norm minus the children, computed live.")
    educator_id: UUID | None
    is_active: bool


class GroupMemberOut(Schema):
    id: UUID
    child_id: UUID
    child_name: str
    start_date: dt.date
    start_move: str

    @staticmethod
    def resolve_child_name(obj: Any) -> str:
        return _name(obj.child)


class AgeGroupDetailOut(AgeGroupOut):
    members: list[GroupMemberOut]


class PreschoolEnrolIn(Schema):
    person_id: UUID | None = None
    iin: str | None = Field(None, min_length=12, max_length=12, pattern=r"^[0-9]{12}$")
    date: dt.date


class GroupMoveIn(Schema):
    to_group_id: UUID
    date: dt.date
    reason: str = Field("", max_length=200)


class GroupLeaveIn(Schema):
    date: dt.date
    reason: str = Field(..., min_length=1, max_length=200)


class GroupStayOut(Schema):
    id: UUID
    group_id: UUID
    child_id: UUID
    start_date: dt.date
    start_move: str
    end_date: dt.date | None
    end_move: str
    end_reason: str


class GroupActivityIn(Schema):
    weekday: int = Field(..., ge=1, le=5, description="1 = Monday … 5 = Friday.")
    starts_at: dt.time
    ends_at: dt.time
    title: str = Field(..., min_length=1, max_length=150)
    area: str = Field("", max_length=100)


class GroupActivityOut(Schema):
    id: UUID
    group_id: UUID
    weekday: int
    starts_at: dt.time
    ends_at: dt.time
    title: str
    area: str


class DayMarkIn(Schema):
    child_id: UUID
    status: AttendanceMark
    note: str = Field("", max_length=200)


class AttendanceDayIn(Schema):
    date: dt.date
    marks: list[DayMarkIn] = Field(..., max_length=100)


class AttendanceMarkOut(Schema):
    child_id: UUID
    child_name: str
    status: str | None
    note: str


class GroupDayOut(Schema):
    group_id: UUID
    date: dt.date
    marks: list[AttendanceMarkOut]


class AttendanceDayQuery(Schema):
    date: dt.date | None = None


class AttendanceMonthQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="The current year by default.")
    month: int | None = Field(None, ge=1, le=12, description="The current month by default.")

    def resolved(self) -> tuple[int, int]:
        today = timezone.localdate()
        return self.year or today.year, self.month or today.month


class AttendanceMonthRowOut(Schema):
    child_id: UUID
    child_name: str
    days: list[str | None]
    totals: dict[str, int]
    days_to_pay: int


class AttendanceMonthOut(Schema):
    group_id: UUID
    year: int
    month: int
    working_days: int
    paid_statuses: list[str]
    rows: list[AttendanceMonthRowOut]
    totals: dict[str, int]
    days_to_pay: int


class ChildStatusIn(Schema):
    kind: Literal["social", "educational"]
    code: str = Field(..., max_length=30)
    since: dt.date
    note: str = Field("", max_length=300)


class ChildStatusOut(Schema):
    id: UUID
    kind: str
    code: str
    label: str
    note: str
    since: dt.date
    until: dt.date | None


class StatusCloseIn(Schema):
    date: dt.date


class ChildGuardianOut(Schema):
    person_id: UUID
    name: str
    kind: str


class CreativeWorkOut(Schema):
    id: UUID
    child_id: UUID
    title: str
    original_name: str
    content_type: str
    size: int
    uploaded_on: dt.date
    delete_on: dt.date = Field(..., description="Deleted automatically on this day (PRE-25.11).")


class ChildProfileOut(Schema):
    id: UUID
    name: str
    birth_date: dt.date
    group: GroupStayOut | None
    statuses: list[ChildStatusOut]
    guardians: list[ChildGuardianOut]
    works: list[CreativeWorkOut]


class ChildMedicalIn(Schema):
    health_group: Literal["I", "II", "III", "IV", "V"]
    allergies: str = Field("", max_length=2000)
    restrictions: str = Field("", max_length=2000)


class ChildMedicalOut(Schema):
    health_group: str
    allergies: str
    restrictions: str


class ChildAttendanceOut(Schema):
    date: dt.date
    status: str | None


class CatalogueItemOut(Schema):
    id: UUID
    organization_id: UUID
    kind: str
    title: str
    authors: str
    year: int | None
    language: str
    age_group: str
    description: str
    original_name: str
    size: int
    sha256: str
    is_active: bool


class CatalogueIn(Schema):
    organization_id: UUID
    kind: Literal[
        "standard_program",
        "variable_program",
        "standard_curriculum",
        "manual",
        "collection",
        "teaching_kit",
    ]
    title: str = Field(..., min_length=1, max_length=250)
    authors: str = Field("", max_length=250)
    year: int | None = Field(None, ge=1991, le=2100)
    language: str = Field("kk", max_length=2)
    age_group: str = Field("", max_length=12)
    description: str = Field("", max_length=5000)


class CatalogueItemPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=250)
    authors: str | None = Field(None, max_length=250)
    description: str | None = Field(None, max_length=5000)
    is_active: bool | None = None


class CatalogueItemFilter(Schema):
    kind: str = ""


class AgeGroupFilter(Schema):
    organization: UUID | None = None
    school_year: str | None = None


class TransitionPrepareIn(Schema):
    organization_id: UUID
    from_year: str = Field(..., examples=["2026-2027"])


class TransitionLineOut(Schema):
    id: UUID
    child_id: UUID
    child_name: str
    from_group_id: UUID
    to_group_id: UUID | None = Field(..., description="Null: the child leaves (to school).")

    @staticmethod
    def resolve_child_name(obj: Any) -> str:
        return _name(obj.child)

    @staticmethod
    def resolve_from_group_id(obj: Any) -> UUID:
        return obj.membership.group_id


class TransitionOut(Schema):
    id: UUID
    organization_id: UUID
    from_year: str
    to_year: str
    status: str
    move_date: dt.date
    applied_at: dt.datetime | None
    lines: list[TransitionLineOut]


class TransitionLinePatch(Schema):
    to_group_id: UUID | None


# -- helpers ---------------------------------------------------------------------------------


def _group_out(group: AgeGroup) -> dict[str, Any]:
    return {
        **{f: getattr(group, f) for f in ("id", "organization_id", "school_year", "name")},
        **{f: getattr(group, f) for f in ("kind", "language", "capacity", "educator_id")},
        "children": group.children,
        "free_places": group.free_places,
        "is_active": group.is_active,
    }


def _group_detail(request: HttpRequest, group_id: UUID) -> dict[str, Any]:
    group = selectors.group_get(actor(request), group_id)
    return {**_group_out(group), "members": selectors.members(group)}


def _educator(request: HttpRequest, organization: Any, person_id: UUID | None) -> Any:
    if person_id is None:
        return None
    return person_to_relate(
        actor(request), services.GROUP_MANAGE, unit=organization, person_id=person_id
    )


def _batch_out(batch: Any) -> dict[str, Any]:
    return {
        **{f: getattr(batch, f) for f in ("id", "organization_id", "from_year", "to_year")},
        **{f: getattr(batch, f) for f in ("status", "move_date", "applied_at")},
        "lines": selectors.batch_lines(batch),
    }


def _month_out(group: AgeGroup, table: Any) -> dict[str, Any]:
    return {
        "group_id": group.pk,
        "year": table.year,
        "month": table.month,
        "working_days": table.working_days,
        "paid_statuses": table.paid_statuses,
        "rows": [
            {
                "child_id": row.child.pk,
                "child_name": _name(row.child),
                "days": row.cells,
                "totals": row.totals,
                "days_to_pay": row.to_pay,
            }
            for row in table.rows
        ],
        "totals": table.totals,
        "days_to_pay": table.to_pay,
    }


def _child_out(child: Any) -> dict[str, Any]:
    membership = services.current_membership(child)
    return {
        "id": child.pk,
        "name": _name(child),
        "birth_date": child.birth_date,
        "group": membership,
        "statuses": selectors.child_statuses(child),
        "guardians": [
            {"person_id": g.guardian_id, "name": _name(g.guardian), "kind": g.kind}
            for g in selectors.child_guardians(child)
        ],
        "works": selectors.child_works(child),
    }


# -- groups and children in them (PRE-25.3) ------------------------------------------------------


@router.get("/preschool/groups", response={200: page_of(AgeGroupOut), **LIST_ERRORS})
def group_list(request: HttpRequest, filters: Query[AgeGroupFilter], page: Query[PageQuery]) -> Any:
    """Age groups with the norm, the children in them and the free places, computed live."""
    who = actor(request)
    qs = selectors.group_list(who, school_year=filters.school_year)
    if filters.organization:
        qs = qs.filter(organization=unit_get(who, filters.organization))
    return paginate(qs, cursor=page.cursor, limit=page.limit, serialize=_group_out)


@router.post("/preschool/groups", response={201: AgeGroupOut, **WRITE_ERRORS})
def group_create(request: HttpRequest, payload: AgeGroupIn) -> Any:
    who = actor(request)
    organization = unit_get(who, payload.organization_id)
    group = services.group_create(
        actor=who,
        organization=organization,
        school_year=payload.school_year,
        name=payload.name,
        kind=payload.kind,
        capacity=payload.capacity,
        language=payload.language,
        educator=_educator(request, organization, payload.educator_id),
    )
    return 201, _group_out(selectors.group_get(who, group.pk))


@router.get("/preschool/groups/{group_id}", response={200: AgeGroupDetailOut, **READ_ERRORS})
def group_get(request: HttpRequest, group_id: UUID) -> Any:
    """The group with its children now."""
    return _group_detail(request, group_id)


@router.patch("/preschool/groups/{group_id}", response={200: AgeGroupOut, **WRITE_ERRORS})
def group_update(request: HttpRequest, group_id: UUID, payload: AgeGroupPatch) -> Any:
    who = actor(request)
    group = selectors.group_get(who, group_id)
    changes = payload.model_dump(exclude_unset=True)
    if "educator_id" in changes:
        changes["educator"] = _educator(request, group.organization, changes.pop("educator_id"))
    services.group_update(actor=who, group=group, **changes)
    return _group_out(selectors.group_get(who, group_id))


@router.post("/preschool/groups/{group_id}/children", response={201: GroupStayOut, **WRITE_ERRORS})
def child_enrol(request: HttpRequest, group_id: UUID, payload: PreschoolEnrolIn) -> Any:
    """Enrol a child into the group (within the norm; one group at a time)."""
    who = actor(request)
    group = selectors.group_get(who, group_id)
    if not (payload.person_id or payload.iin):
        raise ValidationError(code="person_required", fields={"person_id": ["required"]})
    child = person_to_relate(
        who,
        services.GROUP_MANAGE,
        unit=group.organization,
        person_id=payload.person_id,
        iin=payload.iin or "",
    )
    return 201, services.child_enrol(actor=who, group=group, child=child, on=payload.date)


@router.post(
    "/preschool/memberships/{membership_id}/move", response={201: GroupStayOut, **WRITE_ERRORS}
)
def child_move(request: HttpRequest, membership_id: UUID, payload: GroupMoveIn) -> Any:
    who = actor(request)
    membership = selectors.membership_get(who, membership_id)
    to_group = selectors.group_get(who, payload.to_group_id)
    return 201, services.child_move(
        actor=who, membership=membership, to_group=to_group, on=payload.date, reason=payload.reason
    )


@router.post(
    "/preschool/memberships/{membership_id}/leave", response={200: GroupStayOut, **WRITE_ERRORS}
)
def child_leave(request: HttpRequest, membership_id: UUID, payload: GroupLeaveIn) -> Any:
    who = actor(request)
    membership: GroupMembership = selectors.membership_get(who, membership_id)
    return services.child_leave(
        actor=who, membership=membership, on=payload.date, reason=payload.reason
    )


# -- the yearly move ------------------------------------------------------------------------------


@router.post("/preschool/transitions", response={201: TransitionOut, **WRITE_ERRORS})
def transition_prepare(request: HttpRequest, payload: TransitionPrepareIn) -> Any:
    """Prepare the August move of the year's children to next year's groups, for review."""
    who = actor(request)
    organization = unit_get(who, payload.organization_id)
    batch = services.transition_prepare(
        actor=who, organization=organization, from_year=payload.from_year, on=timezone.localdate()
    )
    return 201, _batch_out(batch)


@router.get("/preschool/transitions/{batch_id}", response={200: TransitionOut, **READ_ERRORS})
def transition_get(request: HttpRequest, batch_id: UUID) -> Any:
    return _batch_out(selectors.batch_get(actor(request), batch_id))


@router.patch(
    "/preschool/transition-lines/{line_id}", response={200: TransitionLineOut, **WRITE_ERRORS}
)
def transition_line_set(request: HttpRequest, line_id: UUID, payload: TransitionLinePatch) -> Any:
    who = actor(request)
    line = selectors.line_get(who, line_id)
    to_group = selectors.group_get(who, payload.to_group_id) if payload.to_group_id else None
    return services.transition_line_set(actor=who, line=line, to_group=to_group)


@router.post(
    "/preschool/transitions/{batch_id}/apply", response={200: TransitionOut, **WRITE_ERRORS}
)
def transition_apply(request: HttpRequest, batch_id: UUID) -> Any:
    """Apply the reviewed move in one transaction (1–31 August)."""
    who = actor(request)
    batch = selectors.batch_get(who, batch_id)
    return _batch_out(services.transition_apply(actor=who, batch=batch, on=timezone.localdate()))


# -- schedule (PRE-25.4) ---------------------------------------------------------------------------


@router.get(
    "/preschool/groups/{group_id}/activities", response={200: list[GroupActivityOut], **READ_ERRORS}
)
def activity_list(request: HttpRequest, group_id: UUID) -> Any:
    """The weekly grid of organized activities, by weekday and time."""
    return selectors.activities(selectors.group_get(actor(request), group_id))


@router.post(
    "/preschool/groups/{group_id}/activities", response={201: GroupActivityOut, **WRITE_ERRORS}
)
def activity_add(request: HttpRequest, group_id: UUID, payload: GroupActivityIn) -> Any:
    who = actor(request)
    group = selectors.group_get(who, group_id)
    return 201, services.activity_add(actor=who, group=group, **payload.model_dump())


@router.delete("/preschool/activities/{activity_id}", response={204: None, **WRITE_ERRORS})
def activity_remove(request: HttpRequest, activity_id: UUID) -> Any:
    who = actor(request)
    services.activity_remove(actor=who, activity=selectors.activity_get(who, activity_id))
    return 204, None


# -- attendance (PRE-25.5) -------------------------------------------------------------------------


def _day_out(group: AgeGroup, day: dt.date) -> dict[str, Any]:
    marks = selectors.day_marks(group, day)
    return {
        "group_id": group.pk,
        "date": day,
        "marks": [
            {
                "child_id": m.child_id,
                "child_name": _name(m.child),
                "status": marks[m.child_id].status if m.child_id in marks else None,
                "note": marks[m.child_id].note if m.child_id in marks else "",
            }
            for m in services.members_on(group, day)
        ],
    }


def _attendance_group(request: HttpRequest, group_id: UUID) -> AgeGroup:
    who = actor(request)
    group = selectors.group_get(who, group_id)
    from oqu.access import scope

    scope.require(who, services.ATTENDANCE_VIEW, group.organization, target=group)
    return group


@router.get("/preschool/groups/{group_id}/attendance", response={200: GroupDayOut, **READ_ERRORS})
def attendance_day(request: HttpRequest, group_id: UUID, query: Query[AttendanceDayQuery]) -> Any:
    """The day's marks of every child of the group (today by default)."""
    group = _attendance_group(request, group_id)
    return _day_out(group, query.date or timezone.localdate())


@router.put("/preschool/groups/{group_id}/attendance", response={200: GroupDayOut, **WRITE_ERRORS})
def attendance_mark(request: HttpRequest, group_id: UUID, payload: AttendanceDayIn) -> Any:
    """Mark the whole group for a day in one action (every child, one mark each)."""
    who = actor(request)
    group = selectors.group_get(who, group_id)
    services.attendance_mark(
        actor=who,
        group=group,
        day=payload.date,
        marks={str(m.child_id): (m.status, m.note) for m in payload.marks},
    )
    return _day_out(group, payload.date)


@router.get(
    "/preschool/groups/{group_id}/attendance/month",
    response={200: AttendanceMonthOut, **READ_ERRORS},
)
def attendance_month(
    request: HttpRequest, group_id: UUID, query: Query[AttendanceMonthQuery]
) -> Any:
    """The monthly table: children × days, totals per mark and the days to pay."""
    group = _attendance_group(request, group_id)
    return _month_out(group, selectors.month_table(group, *query.resolved()))


@router.get(
    "/preschool/groups/{group_id}/attendance/month.xlsx",
    response={200: None, **READ_ERRORS},
    openapi_extra={
        "responses": {"200": {"description": "The XLSX workbook.", "content": {XLSX: {}}}}
    },
)
def attendance_month_xlsx(
    request: HttpRequest, group_id: UUID, query: Query[AttendanceMonthQuery]
) -> Any:
    """The monthly table as XLSX, the form handed to accounting (the export is journaled)."""
    who = actor(request)
    group = selectors.group_get(who, group_id)
    year, month = query.resolved()
    content = services.attendance_export(actor=who, group=group, year=year, month=month)
    response = HttpResponse(content, content_type=XLSX)
    filename = f"attendance-{year}-{month:02d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# -- the child's profile (PRE-25.1, PRE-25.11) -----------------------------------------------------


@router.get("/preschool/children/{child_id}", response={200: ChildProfileOut, **READ_ERRORS})
def child_get(request: HttpRequest, child_id: UUID) -> Any:
    """The child's profile: group, social and educational statuses, guardians, photos."""
    return _child_out(selectors.child_get(actor(request), child_id))


@router.post(
    "/preschool/children/{child_id}/statuses", response={201: ChildStatusOut, **WRITE_ERRORS}
)
def status_add(request: HttpRequest, child_id: UUID, payload: ChildStatusIn) -> Any:
    who = actor(request)
    child = selectors.child_get(who, child_id)
    return 201, services.status_add(actor=who, child=child, **payload.model_dump())


@router.post(
    "/preschool/statuses/{status_id}/close", response={200: ChildStatusOut, **WRITE_ERRORS}
)
def status_close(request: HttpRequest, status_id: UUID, payload: StatusCloseIn) -> Any:
    who = actor(request)
    status = selectors.status_get(who, status_id)
    return services.status_close(actor=who, status=status, on=payload.date)


@router.get(
    "/preschool/children/{child_id}/medical", response={200: ChildMedicalOut, **READ_ERRORS}
)
def medical_get(request: HttpRequest, child_id: UUID) -> Any:
    """Medical statuses (restricted personal data): every read is journaled."""
    who = actor(request)
    return services.medical_read(actor=who, child=selectors.child_get(who, child_id))


@router.put(
    "/preschool/children/{child_id}/medical", response={200: ChildMedicalOut, **WRITE_ERRORS}
)
def medical_set(request: HttpRequest, child_id: UUID, payload: ChildMedicalIn) -> Any:
    who = actor(request)
    child = selectors.child_get(who, child_id)
    return services.medical_set(actor=who, child=child, **payload.model_dump())


@router.get(
    "/preschool/children/{child_id}/attendance",
    response={200: list[ChildAttendanceOut], **READ_ERRORS},
)
def child_attendance(
    request: HttpRequest, child_id: UUID, query: Query[AttendanceMonthQuery]
) -> Any:
    """The child's marks on each day of the month (for the parent)."""
    who = actor(request)
    child = selectors.child_get(who, child_id, services.ATTENDANCE_VIEW)
    return [
        {"date": day, "status": status}
        for day, status in selectors.child_month(child, *query.resolved())
    ]


@router.post(
    "/preschool/children/{child_id}/works", response={201: CreativeWorkOut, **WRITE_ERRORS}
)
def work_add(
    request: HttpRequest, child_id: UUID, title: Form[str], file: File[UploadedFile]
) -> Any:
    """A photo of a creative work (PNG or JPEG, checked by content), kept one calendar month."""
    who = actor(request)
    child = selectors.child_get(who, child_id)
    return 201, services.work_add(actor=who, child=child, title=title, upload=file)


@router.get(
    "/preschool/works/{work_id}/file",
    response={200: None, **READ_ERRORS},
    openapi_extra={"responses": {"200": FILE_RESPONSE}},
)
def work_file(request: HttpRequest, work_id: UUID) -> Any:
    return file_response(selectors.work_get(actor(request), work_id), inline=True)


@router.delete("/preschool/works/{work_id}", response={204: None, **WRITE_ERRORS})
def work_remove(request: HttpRequest, work_id: UUID) -> Any:
    who = actor(request)
    services.work_remove(actor=who, work=selectors.work_get(who, work_id))
    return 204, None


# -- the catalogue (PRE-26) ------------------------------------------------------------------------


@router.get("/preschool/catalogue", response={200: page_of(CatalogueItemOut), **LIST_ERRORS})
def catalogue_list(
    request: HttpRequest, filters: Query[CatalogueItemFilter], page: Query[PageQuery]
) -> Any:
    """Programs, curricula and methodological materials published for the caller's units."""
    qs = selectors.catalogue_list(actor(request), kind=filters.kind)
    return paginate(qs, cursor=page.cursor, limit=page.limit)


@router.post("/preschool/catalogue", response={201: CatalogueItemOut, **WRITE_ERRORS})
def catalogue_add(
    request: HttpRequest, payload: Form[CatalogueIn], file: File[UploadedFile]
) -> Any:
    who = actor(request)
    organization = unit_get(who, payload.organization_id)
    data = payload.model_dump(exclude={"organization_id"})
    return 201, services.catalogue_add(actor=who, organization=organization, upload=file, **data)


@router.get("/preschool/catalogue/{item_id}", response={200: CatalogueItemOut, **READ_ERRORS})
def catalogue_get(request: HttpRequest, item_id: UUID) -> Any:
    return selectors.catalogue_get(actor(request), item_id)


@router.patch("/preschool/catalogue/{item_id}", response={200: CatalogueItemOut, **WRITE_ERRORS})
def catalogue_update(request: HttpRequest, item_id: UUID, payload: CatalogueItemPatch) -> Any:
    who = actor(request)
    item = selectors.catalogue_get(who, item_id)
    return services.catalogue_update(actor=who, item=item, **payload.model_dump(exclude_unset=True))


@router.get(
    "/preschool/catalogue/{item_id}/file",
    response={200: None, **READ_ERRORS},
    openapi_extra={"responses": {"200": FILE_RESPONSE}},
)
def catalogue_file(request: HttpRequest, item_id: UUID) -> Any:
    return file_response(selectors.catalogue_get(actor(request), item_id))
