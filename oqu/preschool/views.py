"""Web pages of the preschool under /preschool/ (PRE-25.1, 25.3–25.5, 25.10, 25.11, PRE-26).

Thin views: selectors read, services change; a refused change shows its kk/ru message and the page
again, 403/404 pass through to the error pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from oqu.access import scope
from oqu.kernel.errors import DomainError, NotFound, ValidationError
from oqu.orgs.models import Unit
from oqu.orgs.selectors import unit_get
from oqu.people.models import Employment, Guardianship
from oqu.people.selectors import person_to_relate
from oqu.web.actions import apply_change
from oqu.web.actor import actor_of
from oqu.web.views import login_required

from . import rules, selectors, services
from .download import file_response
from .models import (
    AgeGroup,
    AgeGroupKind,
    AttendanceStatus,
    CatalogueKind,
    EducationalStatus,
    GroupMembership,
    SocialStatus,
    TransitionBatch,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WEEKDAY_NAMES = {
    1: _("Monday"),
    2: _("Tuesday"),
    3: _("Wednesday"),
    4: _("Thursday"),
    5: _("Friday"),
}


def _date(request: HttpRequest, name: str = "date") -> dt.date:
    try:
        return dt.date.fromisoformat(request.POST.get(name, "") or request.GET.get(name, ""))
    except ValueError:
        raise ValidationError(
            _("Enter a valid date."), code="date_invalid", fields={name: ["invalid"]}
        ) from None


def _time(request: HttpRequest, name: str) -> dt.time:
    try:
        return dt.time.fromisoformat(request.POST.get(name, ""))
    except ValueError:
        raise ValidationError(
            _("Enter a valid time."), code="time_invalid", fields={name: ["invalid"]}
        ) from None


def _int(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError(
            _("Enter a whole number."), code="number_invalid", fields={name: ["invalid"]}
        ) from None


def _month(request: HttpRequest) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        month = int(request.GET.get("month", today.month))
    except ValueError:
        return today.year, today.month
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return today.year, today.month
    return year, month


def _staff(organization: Any) -> list[Any]:
    rows = (
        Employment.objects.filter(organization=organization, end_date__isnull=True)
        .select_related("person")
        .order_by("person__last_name_ru", "person__first_name_ru")
    )
    seen: dict[Any, Any] = {}
    for row in rows:
        seen.setdefault(row.person_id, row.person)
    return list(seen.values())


def _can(actor: Any, action: str, unit: Any) -> bool:
    return actor.can_at(action, unit.path)


# -- the start page ------------------------------------------------------------------------------


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Preschools the user works in, and the user's own children in a preschool."""
    actor = actor_of(request)
    organizations = scope.visible(
        actor,
        selectors.GROUP_VIEW,
        Unit.objects.filter(kind=Unit.Kind.ORGANIZATION, org_type__code="preschool"),
        via="path",
    ).order_by("name")[:100]
    children = []
    if actor.person_id:
        wards = Guardianship.objects.filter(
            guardian_id=actor.person_id, end_date__isnull=True
        ).values("child_id")
        children = list(
            GroupMembership.objects.filter(child_id__in=wards, end_date__isnull=True)
            .select_related("child", "group", "group__organization")
            .order_by("child__last_name_ru")
        )
    context = {
        "section": "preschool",
        "organizations": organizations,
        "children": children,
        "show_catalogue": bool(actor.paths_for(services.CATALOGUE_VIEW)) or actor.is_platform_admin,
    }
    return render(request, "preschool/index.html", context)


# -- the organization: its groups, the yearly move ------------------------------------------------


@require_GET
@login_required
def organization(request: HttpRequest, unit_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    unit = unit_get(actor, unit_id)
    if not _can(actor, selectors.GROUP_VIEW, unit):
        raise scope.not_found(actor, selectors.GROUP_VIEW, "orgs.unit", unit.pk)
    groups = list(selectors.group_list(actor).filter(organization=unit))
    years = sorted({g.school_year for g in groups}, reverse=True)
    current = rules.school_year_of(timezone.localdate())
    year = request.GET.get("year", "")
    if not services.YEAR_PATTERN.match(year):
        year = current if current in years or not years else years[0]
    batches = list(
        selectors.batch_list(actor).filter(organization=unit).order_by("-created_at")[:10]
    )
    context = {
        "section": "preschool",
        "unit": unit,
        "groups": [g for g in groups if g.school_year == year],
        "years": years,
        "year": year,
        "next_year": rules.next_school_year(year),
        "kinds": AgeGroupKind.choices,
        "staff": _staff(unit),
        "batches": batches,
        "can_manage": _can(actor, services.GROUP_MANAGE, unit),
        "move_window": rules.is_move_window(timezone.localdate()),
    }
    return render(request, "preschool/organization.html", context)


@require_POST
@login_required
def group_add(request: HttpRequest, unit_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    unit = unit_get(actor, unit_id)
    year = request.POST.get("school_year", "")

    def change() -> None:
        educator_id = request.POST.get("educator") or None
        educator = (
            person_to_relate(actor, services.GROUP_MANAGE, unit=unit, person_id=educator_id)
            if educator_id
            else None
        )
        services.group_create(
            actor=actor,
            organization=unit,
            school_year=year,
            name=request.POST.get("name", ""),
            kind=request.POST.get("kind", ""),
            capacity=_int(request.POST.get("capacity"), "capacity"),
            language=request.POST.get("language", "kk"),
            educator=educator,
        )

    back = reverse("preschool:organization", args=[unit.pk]) + f"?year={year}"
    return apply_change(request, change, _("The group has been created."), back)


@require_POST
@login_required
def transition_prepare(request: HttpRequest, unit_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    unit = unit_get(actor, unit_id)
    made: list[TransitionBatch] = []

    def change() -> None:
        made.append(
            services.transition_prepare(
                actor=actor,
                organization=unit,
                from_year=request.POST.get("from_year", ""),
                on=timezone.localdate(),
            )
        )

    response = apply_change(
        request,
        change,
        _("The move has been prepared: review it and apply."),
        reverse("preschool:organization", args=[unit.pk]),
    )
    return redirect("preschool:transition", made[0].pk) if made else response


@require_GET
@login_required
def transition(request: HttpRequest, batch_id: UUID) -> HttpResponse:
    """The head reviews the proposed group of every child and corrects it before applying."""
    actor = actor_of(request)
    batch = selectors.batch_get(actor, batch_id)
    targets = list(
        AgeGroup.objects.filter(
            organization=batch.organization, school_year=batch.to_year, is_active=True
        ).order_by("kind", "name")
    )
    context = {
        "section": "preschool",
        "batch": batch,
        "lines": selectors.batch_lines(batch),
        "targets": targets,
        "can_manage": _can(actor, services.GROUP_MANAGE, batch.organization)
        and batch.status == TransitionBatch.Status.DRAFT,
        "move_window": rules.is_move_window(timezone.localdate()),
    }
    return render(request, "preschool/transition.html", context)


@require_POST
@login_required
def transition_line(request: HttpRequest, line_id: UUID) -> HttpResponse:
    """HTMX: the head changes one child's proposed group; the row comes back."""
    actor = actor_of(request)
    line = selectors.line_get(actor, line_id)
    error = ""
    target_id = request.POST.get("to_group") or None
    try:
        to_group = selectors.group_get(actor, target_id) if target_id else None
        line = services.transition_line_set(actor=actor, line=line, to_group=to_group)
    except DomainError as refused:
        if refused.status in (403, 404):
            raise
        error = str(refused.message)
    targets = list(
        AgeGroup.objects.filter(
            organization=line.batch.organization, school_year=line.batch.to_year, is_active=True
        ).order_by("kind", "name")
    )
    line = next(x for x in selectors.batch_lines(line.batch) if x.pk == line.pk)
    context = {"line": line, "targets": targets, "can_manage": True, "error": error}
    if not getattr(request, "htmx", False):
        if error:
            messages.error(request, error)
        return redirect("preschool:transition", line.batch_id)
    return render(request, "preschool/_transition_line.html", context)


@require_POST
@login_required
def transition_apply(request: HttpRequest, batch_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    batch = selectors.batch_get(actor, batch_id)
    return apply_change(
        request,
        lambda: services.transition_apply(actor=actor, batch=batch, on=timezone.localdate()),
        _("The children have moved to next year's groups."),
        reverse("preschool:transition", args=[batch.pk]),
    )


# -- a group: children, schedule, attendance ------------------------------------------------------


@require_GET
@login_required
def group(request: HttpRequest, group_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    grp = selectors.group_get(actor, group_id)
    unit = grp.organization
    day = timezone.localdate()
    if request.GET.get("date"):
        try:
            day = dt.date.fromisoformat(request.GET["date"])
        except ValueError:
            day = timezone.localdate()
    is_own = grp.educator_id is not None and grp.educator_id == actor.person_id
    can_manage = _can(actor, services.GROUP_MANAGE, unit)
    marks = selectors.day_marks(grp, day)
    context = {
        "section": "preschool",
        "group": grp,
        "unit": unit,
        "members": selectors.members(grp),
        "week": [(WEEKDAY_NAMES[d], d, items) for d, items in selectors.week_grid(grp)],
        "weekdays": list(WEEKDAY_NAMES.items()),
        "day": day,
        "day_rows": [(m, marks.get(m.child_id)) for m in services.members_on(grp, day)],
        "statuses": AttendanceStatus.choices,
        "other_groups": [
            g
            for g in AgeGroup.objects.filter(
                organization=unit, school_year=grp.school_year, is_active=True
            ).order_by("kind", "name")
            if g.pk != grp.pk
        ],
        "kinds": AgeGroupKind.choices,
        "staff": _staff(unit),
        "can_manage": can_manage,
        "can_mark": _can(actor, services.ATTENDANCE_MARK, unit) and (can_manage or is_own),
        "can_schedule": _can(actor, services.SCHEDULE_MANAGE, unit) and (can_manage or is_own),
        "can_attendance": _can(actor, services.ATTENDANCE_VIEW, unit),
        "today": timezone.localdate(),
    }
    return render(request, "preschool/group.html", context)


def _group_back(grp: AgeGroup, anchor: str = "") -> str:
    return reverse("preschool:group", args=[grp.pk]) + anchor


@require_POST
@login_required
def group_edit(request: HttpRequest, group_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    grp = selectors.group_get(actor, group_id)

    def change() -> None:
        educator_id = request.POST.get("educator") or None
        services.group_update(
            actor=actor,
            group=grp,
            name=request.POST.get("name", grp.name),
            capacity=_int(request.POST.get("capacity"), "capacity"),
            language=request.POST.get("language", grp.language),
            educator=person_to_relate(
                actor, services.GROUP_MANAGE, unit=grp.organization, person_id=educator_id
            )
            if educator_id
            else None,
        )

    return apply_change(request, change, _("The group has been saved."), _group_back(grp))


@require_POST
@login_required
def enrol(request: HttpRequest, group_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    grp = selectors.group_get(actor, group_id)

    def change() -> None:
        scope.require(actor, services.GROUP_MANAGE, grp.organization, target=grp)
        try:
            child = person_to_relate(
                actor,
                services.GROUP_MANAGE,
                unit=grp.organization,
                iin=request.POST.get("iin", "").strip(),
            )
        except NotFound:
            raise ValidationError(
                _("No person with this IIN is registered: register the child first."),
                code="person_not_found",
                fields={"iin": ["not_found"]},
            ) from None
        services.child_enrol(actor=actor, group=grp, child=child, on=_date(request))

    return apply_change(request, change, _("The child has been enrolled."), _group_back(grp))


@require_POST
@login_required
def move(request: HttpRequest, membership_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    membership = selectors.membership_get(actor, membership_id)

    def change() -> None:
        to_group = selectors.group_get(actor, request.POST.get("to_group", ""))
        services.child_move(
            actor=actor,
            membership=membership,
            to_group=to_group,
            on=_date(request),
            reason=request.POST.get("reason", ""),
        )

    return apply_change(
        request, change, _("The child has been moved."), _group_back(membership.group)
    )


@require_POST
@login_required
def leave(request: HttpRequest, membership_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    membership = selectors.membership_get(actor, membership_id)
    return apply_change(
        request,
        lambda: services.child_leave(
            actor=actor,
            membership=membership,
            on=_date(request),
            reason=request.POST.get("reason", ""),
        ),
        _("The child has left the group."),
        _group_back(membership.group),
    )


@require_POST
@login_required
def activity_add(request: HttpRequest, group_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    grp = selectors.group_get(actor, group_id)
    return apply_change(
        request,
        lambda: services.activity_add(
            actor=actor,
            group=grp,
            weekday=_int(request.POST.get("weekday"), "weekday"),
            starts_at=_time(request, "starts_at"),
            ends_at=_time(request, "ends_at"),
            title=request.POST.get("title", ""),
            area=request.POST.get("area", ""),
        ),
        _("The activity has been added."),
        _group_back(grp, "#schedule"),
    )


@require_POST
@login_required
def activity_remove(request: HttpRequest, activity_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    activity = selectors.activity_get(actor, activity_id)
    grp = activity.group
    return apply_change(
        request,
        lambda: services.activity_remove(actor=actor, activity=activity),
        _("The activity has been removed."),
        _group_back(grp, "#schedule"),
    )


@require_POST
@login_required
def attendance_mark(request: HttpRequest, group_id: UUID) -> HttpResponse:
    """The whole group's marks for one day, sent in one form."""
    actor = actor_of(request)
    grp = selectors.group_get(actor, group_id)
    day_text = request.POST.get("date", "")

    def change() -> None:
        day = _date(request)
        marks = {
            str(m.child_id): (
                request.POST.get(f"status-{m.child_id}", ""),
                request.POST.get(f"note-{m.child_id}", ""),
            )
            for m in services.members_on(grp, day)
        }
        services.attendance_mark(actor=actor, group=grp, day=day, marks=marks)

    back = reverse("preschool:group", args=[grp.pk]) + f"?date={day_text}#attendance"
    return apply_change(request, change, _("The attendance has been saved."), back)


@require_GET
@login_required
def month(request: HttpRequest, group_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    grp = selectors.group_get(actor, group_id)
    scope.require(actor, services.ATTENDANCE_VIEW, grp.organization, target=grp)
    year, month_number = _month(request)
    table = selectors.month_table(grp, year, month_number)
    previous = dt.date(year, month_number, 1) - dt.timedelta(days=1)
    following = dt.date(year, month_number, 28) + dt.timedelta(days=4)
    context = {
        "section": "preschool",
        "group": grp,
        "table": table,
        "statuses": AttendanceStatus.choices,
        "previous": previous,
        "following": following,
    }
    return render(request, "preschool/month.html", context)


@require_GET
@login_required
def month_xlsx(request: HttpRequest, group_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    grp = selectors.group_get(actor, group_id)
    year, month_number = _month(request)
    content = services.attendance_export(actor=actor, group=grp, year=year, month=month_number)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="attendance-{year}-{month_number:02d}.xlsx"'
    )
    return response


# -- the child's profile ------------------------------------------------------------------------


@require_GET
@login_required
def child(request: HttpRequest, child_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    person = selectors.child_get(actor, child_id)
    membership = services.current_membership(person)
    unit = membership.group.organization if membership else None
    can_manage = bool(unit) and _can(actor, services.GROUP_MANAGE, unit)
    is_own = bool(membership) and membership.group.educator_id == actor.person_id
    year, month_number = _month(request)
    context = {
        "section": "preschool",
        "child": person,
        "membership": membership,
        "memberships": selectors.child_memberships(person),
        "statuses": selectors.child_statuses(person),
        "guardians": selectors.child_guardians(person),
        "works": selectors.child_works(person),
        "days": selectors.child_month(person, year, month_number),
        "mark_labels": dict(AttendanceStatus.choices),
        "social": SocialStatus.choices,
        "educational": EducationalStatus.choices,
        "health_groups": services.HEALTH_GROUPS,
        "can_statuses": bool(unit) and _can(actor, services.CHILD_MANAGE, unit),
        "can_medical": bool(unit)
        and _can(actor, services.MEDICAL_VIEW, unit)
        and (can_manage or is_own),
        "can_medical_manage": bool(unit) and _can(actor, services.MEDICAL_MANAGE, unit),
        "can_photos": bool(unit)
        and _can(actor, services.PHOTO_MANAGE, unit)
        and (can_manage or is_own),
        "today": timezone.localdate(),
    }
    return render(request, "preschool/child.html", context)


def _child_back(person_id: Any, anchor: str = "") -> str:
    return reverse("preschool:child", args=[person_id]) + anchor


@require_GET
@login_required
def medical(request: HttpRequest, child_id: UUID) -> HttpResponse:
    """HTMX: open the medical statuses on request; the read is journaled."""
    actor = actor_of(request)
    person = selectors.child_get(actor, child_id)
    data = services.medical_read(actor=actor, child=person)
    membership = services.current_membership(person)
    context = {
        "child": person,
        "medical": data,
        "health_groups": services.HEALTH_GROUPS,
        "can_medical_manage": bool(membership)
        and _can(actor, services.MEDICAL_MANAGE, membership.group.organization),
    }
    return render(request, "preschool/_medical.html", context)


@require_POST
@login_required
def medical_set(request: HttpRequest, child_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    person = selectors.child_get(actor, child_id)
    return apply_change(
        request,
        lambda: services.medical_set(
            actor=actor,
            child=person,
            health_group=request.POST.get("health_group", ""),
            allergies=request.POST.get("allergies", ""),
            restrictions=request.POST.get("restrictions", ""),
        ),
        _("The medical statuses have been saved."),
        _child_back(person.pk, "#medical"),
    )


@require_POST
@login_required
def status_add(request: HttpRequest, child_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    person = selectors.child_get(actor, child_id)
    kind_code = request.POST.get("status", "")
    kind, _sep, code = kind_code.partition(":")
    return apply_change(
        request,
        lambda: services.status_add(
            actor=actor,
            child=person,
            kind=kind,
            code=code,
            since=_date(request, "since"),
            note=request.POST.get("note", ""),
        ),
        _("The status has been recorded."),
        _child_back(person.pk, "#statuses"),
    )


@require_POST
@login_required
def status_close(request: HttpRequest, status_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    status = selectors.status_get(actor, status_id)
    return apply_change(
        request,
        lambda: services.status_close(actor=actor, status=status, on=_date(request)),
        _("The status has ended."),
        _child_back(status.child_id, "#statuses"),
    )


@require_POST
@login_required
def work_add(request: HttpRequest, child_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    person = selectors.child_get(actor, child_id)
    upload = request.FILES.get("file")

    def change() -> None:
        if upload is None:
            raise ValidationError(
                _("Choose a photo."), code="file_required", fields={"file": ["required"]}
            )
        services.work_add(
            actor=actor, child=person, title=request.POST.get("title", ""), upload=upload
        )

    return apply_change(
        request, change, _("The photo has been added."), _child_back(person.pk, "#works")
    )


@require_GET
@login_required
def work_file(request: HttpRequest, work_id: UUID) -> HttpResponse:
    return file_response(selectors.work_get(actor_of(request), work_id), inline=True)


@require_POST
@login_required
def work_remove(request: HttpRequest, work_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    work = selectors.work_get(actor, work_id)
    child_id = work.child_id
    return apply_change(
        request,
        lambda: services.work_remove(actor=actor, work=work),
        _("The photo has been deleted."),
        _child_back(child_id, "#works"),
    )


# -- the catalogue (PRE-26) ----------------------------------------------------------------------


@require_GET
@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    kind = request.GET.get("kind", "")
    items = list(
        selectors.catalogue_list(actor, kind=kind if kind in CatalogueKind.values else "")[:500]
    )
    paths = actor.paths_for(services.CATALOGUE_MANAGE)
    own_units = list(Unit.objects.filter(path__in=paths).order_by("depth", "name")[:20])
    if actor.is_platform_admin and not own_units:
        own_units = list(Unit.objects.filter(parent__isnull=True)[:1])
    context = {
        "section": "preschool",
        "items": items,
        "kinds": CatalogueKind.choices,
        "kind": kind,
        "age_groups": AgeGroupKind.choices,
        "publish_units": own_units,
        "manageable": {
            i.pk for i in items if actor.can_at(services.CATALOGUE_MANAGE, i.organization.path)
        },
    }
    return render(request, "preschool/catalogue.html", context)


@require_POST
@login_required
def catalogue_add(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    unit = unit_get(actor, request.POST.get("organization", ""))
    upload = request.FILES.get("file")

    def change() -> None:
        if upload is None:
            raise ValidationError(
                _("Choose a file."), code="file_required", fields={"file": ["required"]}
            )
        year = request.POST.get("year") or None
        services.catalogue_add(
            actor=actor,
            organization=unit,
            kind=request.POST.get("kind", ""),
            title=request.POST.get("title", ""),
            authors=request.POST.get("authors", ""),
            year=_int(year, "year") if year else None,
            language=request.POST.get("language", "kk"),
            age_group=request.POST.get("age_group", ""),
            description=request.POST.get("description", ""),
            upload=upload,
        )

    return apply_change(
        request, change, _("The material has been published."), reverse("preschool:catalogue")
    )


@require_POST
@login_required
def catalogue_withdraw(request: HttpRequest, item_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.catalogue_get(actor, item_id)
    return apply_change(
        request,
        lambda: services.catalogue_update(actor=actor, item=item, is_active=not item.is_active),
        _("The material has been saved."),
        reverse("preschool:catalogue"),
    )


@require_GET
@login_required
def catalogue_file(request: HttpRequest, item_id: UUID) -> HttpResponse:
    return file_response(selectors.catalogue_get(actor_of(request), item_id))
