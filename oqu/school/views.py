"""The "School" section of an organization card: years and periods, subjects and the curriculum
grid, classes, the class card with learners, history and assignments (SEC-27.3/4, 27.6/7).

Thin views: selectors read, services change; a refused change shows its kk/ru message and the
page again, 403/404 pass through to the error pages.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from oqu.access import scope
from oqu.kernel.errors import DomainError, ValidationError
from oqu.orgs.selectors import unit_get
from oqu.people.models import Employment, Level
from oqu.people.selectors import person_to_relate
from oqu.web.actions import apply_change
from oqu.web.actor import actor_of
from oqu.web.views import login_required

from . import selectors, services
from .models import CurriculumPart, Language, StudyPeriod

STRUCTURE_VIEW = selectors.STRUCTURE_VIEW
CLASS_VIEW = selectors.CLASS_VIEW


def _language() -> str:
    return "kk" if (get_language() or "kk").startswith("kk") else "ru"


def _date(request: HttpRequest, name: str = "date") -> dt.date:
    try:
        return dt.date.fromisoformat(request.POST.get(name, ""))
    except ValueError:
        raise ValidationError(
            _("Enter a valid date."), code="date_invalid", fields={name: ["invalid"]}
        ) from None


def _int(request: HttpRequest, name: str, default: int | None = None) -> int:
    try:
        return int(request.POST.get(name, default if default is not None else ""))
    except (TypeError, ValueError):
        raise ValidationError(
            _("Enter a whole number."), code="number_invalid", fields={name: ["invalid"]}
        ) from None


def _hours(request: HttpRequest) -> Decimal:
    try:
        return Decimal(request.POST.get("hours_per_week", "").replace(",", "."))
    except InvalidOperation:
        raise ValidationError(
            _("Hours a week must be from 0 to 40, in steps of a half hour."),
            code="hours_range",
            fields={"hours_per_week": ["invalid"]},
        ) from None


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


# -- the school overview -----------------------------------------------------------------------


@require_GET
@login_required
def overview(request: HttpRequest, unit_id: UUID) -> HttpResponse:
    """Years with their periods and vacations, subjects and the classes of the chosen year."""
    actor = actor_of(request)
    unit = unit_get(actor, unit_id)
    if not (actor.can_at(STRUCTURE_VIEW, unit.path) or actor.can_at(CLASS_VIEW, unit.path)):
        raise scope.not_found(actor, STRUCTURE_VIEW, "orgs.unit", unit.pk)
    years = list(selectors.year_list(actor, organization=unit).order_by("-start_date"))
    chosen = request.GET.get("year")
    year = next((y for y in years if str(y.pk) == chosen), years[0] if years else None)
    classes = (
        list(selectors.class_list(actor, organization=unit, year=year).order_by("grade", "letter"))
        if year
        else []
    )
    periods = selectors.period_list(year) if year else []
    context = {
        "section": "home",
        "unit": unit,
        "years": years,
        "year": year,
        "periods": [(p, selectors.working_days(p)) for p in periods],
        "vacations": selectors.vacation_list(year) if year else [],
        "subjects": list(selectors.subject_list(actor, organization=unit).order_by("code")),
        "classes": classes,
        "staff": _staff(unit),
        "languages": Language.choices,
        "period_kinds": StudyPeriod.Kind.choices,
        "levels": Level.choices,
        "can_structure": actor.can_at(services.STRUCTURE_MANAGE, unit.path),
        "can_classes": actor.can_at(services.CLASS_MANAGE, unit.path),
        "language": _language(),
    }
    return render(request, "school/overview.html", context)


def _overview_url(unit_id: Any, year: Any = None) -> str:
    url = reverse("school:overview", args=[unit_id])
    return f"{url}?year={year.pk}" if year is not None else url


@require_POST
@login_required
def year_add(request: HttpRequest, unit_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    unit = unit_get(actor, unit_id)
    return apply_change(
        request,
        lambda: services.year_create(
            actor=actor,
            organization=unit,
            name=request.POST.get("name", ""),
            start_date=_date(request, "start_date"),
            end_date=_date(request, "end_date"),
        ),
        _("The academic year has been created."),
        _overview_url(unit.pk),
    )


@require_POST
@login_required
def period_add(request: HttpRequest, year_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    year = selectors.year_get(actor, year_id)
    return apply_change(
        request,
        lambda: services.period_create(
            actor=actor,
            year=year,
            kind=request.POST.get("kind", ""),
            number=_int(request, "number"),
            start_date=_date(request, "start_date"),
            end_date=_date(request, "end_date"),
        ),
        _("The study period has been added."),
        _overview_url(year.organization_id, year),
    )


@require_POST
@login_required
def vacation_add(request: HttpRequest, year_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    year = selectors.year_get(actor, year_id)
    return apply_change(
        request,
        lambda: services.vacation_create(
            actor=actor,
            year=year,
            name_kk=request.POST.get("name_kk", ""),
            name_ru=request.POST.get("name_ru", ""),
            start_date=_date(request, "start_date"),
            end_date=_date(request, "end_date"),
        ),
        _("The vacation has been added."),
        _overview_url(year.organization_id, year),
    )


@require_POST
@login_required
def subject_add(request: HttpRequest, unit_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    unit = unit_get(actor, unit_id)
    return apply_change(
        request,
        lambda: services.subject_create(
            actor=actor,
            organization=unit,
            code=request.POST.get("code", ""),
            name_kk=request.POST.get("name_kk", ""),
            name_ru=request.POST.get("name_ru", ""),
            standard_code=request.POST.get("standard_code", ""),
            level=request.POST.get("level", Level.SCHOOL),
        ),
        _("The subject has been added."),
        _overview_url(unit.pk),
    )


@require_POST
@login_required
def class_add(request: HttpRequest, year_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    year = selectors.year_get(actor, year_id)

    def create() -> Any:
        teacher_id = request.POST.get("homeroom_teacher") or None
        teacher = (
            person_to_relate(
                actor, services.CLASS_MANAGE, unit=year.organization, person_id=teacher_id
            )
            if teacher_id
            else None
        )
        return services.class_create(
            actor=actor,
            year=year,
            grade=_int(request, "grade"),
            letter=request.POST.get("letter", ""),
            language=request.POST.get("language", ""),
            shift=_int(request, "shift", 1),
            capacity=_int(request, "capacity", 25),
            homeroom_teacher=teacher,
        )

    return apply_change(
        request,
        create,
        _("The class has been created."),
        _overview_url(year.organization_id, year),
    )


# -- the curriculum grid -----------------------------------------------------------------------


def _curriculum_context(actor: Any, year: Any) -> dict[str, Any]:
    grid = selectors.curriculum_grid(year, _language())
    return {
        "section": "home",
        "year": year,
        "unit": year.organization,
        "grid": grid,
        "totals": [
            (_("Invariant part"), grid["totals"]["invariant"]),
            (_("Variant part"), grid["totals"]["variant"]),
            (_("Total"), grid["totals"]["all"]),
        ],
        "subjects": list(
            selectors.subject_list(actor, organization=year.organization).order_by("code")
        ),
        "parts": CurriculumPart.choices,
        "grades": range(0, 13),
        "can_manage": actor.can_at(services.STRUCTURE_MANAGE, year.organization.path),
        "language": _language(),
    }


@require_GET
@login_required
def curriculum(request: HttpRequest, year_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    year = selectors.year_get(actor, year_id)
    return render(request, "school/curriculum.html", _curriculum_context(actor, year))


@require_POST
@login_required
def curriculum_set(request: HttpRequest, year_id: UUID) -> HttpResponse:
    """Set one cell; from HTMX the grid with its totals comes back in place of the old one."""
    actor = actor_of(request)
    year = selectors.year_get(actor, year_id)

    def change() -> Any:
        subject = selectors.subject_get(actor, request.POST.get("subject", "") or UUID(int=0))
        return services.curriculum_set(
            actor=actor,
            year=year,
            subject=subject,
            grade=_int(request, "grade"),
            part=request.POST.get("part", ""),
            hours_per_week=_hours(request),
        )

    if not request.htmx:  # type: ignore[attr-defined]
        return apply_change(
            request,
            change,
            _("The curriculum has been saved."),
            reverse("school:curriculum", args=[year.pk]),
        )
    error = ""
    try:
        change()
    except DomainError as refused:
        if refused.status in (403, 404):
            raise
        error = str(refused.message)
    context = {**_curriculum_context(actor, year), "error": error}
    return render(request, "school/_curriculum_grid.html", context)


# -- the class card ----------------------------------------------------------------------------


@require_GET
@login_required
def class_card(request: HttpRequest, class_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    school_class = selectors.class_get(actor, class_id)
    organization = school_class.organization
    context = {
        "section": "home",
        "unit": organization,
        "school_class": school_class,
        "members": list(selectors.class_members(school_class)),
        "history": list(selectors.class_history(school_class)),
        "subgroups": selectors.subgroup_list(school_class),
        "assignments": list(
            selectors.assignment_list(actor, school_class=school_class).order_by("subject__code")
        ),
        "other_classes": list(
            selectors.class_list(actor, year=school_class.year)
            .exclude(pk=school_class.pk)
            .order_by("grade", "letter")
        ),
        "subjects": list(selectors.subject_list(actor, organization=organization).order_by("code")),
        "staff": _staff(organization),
        "can_manage": actor.can_at(services.CLASS_MANAGE, organization.path),
        "graduation": school_class.grade in services.GRADUATION_GRADES,
        "language": _language(),
        "today": timezone.localdate().isoformat(),
    }
    return render(request, "school/class_card.html", context)


def _class_url(class_id: Any) -> str:
    return reverse("school:class", args=[class_id])


@require_POST
@login_required
def learner_enrol(request: HttpRequest, class_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    school_class = selectors.class_get(actor, class_id)

    def enrol() -> Any:
        person = person_to_relate(
            actor,
            services.CLASS_MANAGE,
            unit=school_class.organization,
            iin=request.POST.get("iin", "").strip(),
        )
        return services.learner_enrol(
            actor=actor, school_class=school_class, person=person, on=_date(request)
        )

    return apply_change(request, enrol, _("The learner has been enrolled."), _class_url(class_id))


@require_POST
@login_required
def learner_move(request: HttpRequest, membership_id: UUID) -> HttpResponse:
    """One form for the moves of a learner: transfer, transfer out, expel, graduate."""
    actor = actor_of(request)
    membership = selectors.membership_get(actor, membership_id)
    move = request.POST.get("move", "")

    def run() -> Any:
        on = _date(request)
        if move == "transfer":
            to_class = selectors.class_get(actor, request.POST.get("to_class", "") or UUID(int=0))
            return services.learner_transfer(
                actor=actor, membership=membership, to_class=to_class, on=on
            )
        if move == "transfer_out":
            return services.learner_transfer_out(
                actor=actor,
                membership=membership,
                to_organization_name=request.POST.get("to_organization", ""),
                on=on,
            )
        if move == "expel":
            return services.learner_expel(
                actor=actor, membership=membership, on=on, reason=request.POST.get("reason", "")
            )
        if move == "graduate":
            return services.learner_graduate(actor=actor, membership=membership, on=on)
        raise ValidationError(code="move_unknown", fields={"move": [move]})

    return apply_change(
        request, run, _("The move has been recorded."), _class_url(membership.school_class_id)
    )


@require_POST
@login_required
def subgroup_add(request: HttpRequest, class_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    school_class = selectors.class_get(actor, class_id)
    return apply_change(
        request,
        lambda: services.subgroup_create(
            actor=actor, school_class=school_class, name=request.POST.get("name", "")
        ),
        _("The subgroup has been created."),
        _class_url(class_id),
    )


@require_POST
@login_required
def subgroup_learners(request: HttpRequest, subgroup_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    subgroup = selectors.subgroup_get(actor, subgroup_id)

    def change() -> Any:
        ids = []
        for value in request.POST.getlist("learners"):
            try:
                ids.append(UUID(value))
            except ValueError:
                raise ValidationError(code="not_in_class", fields={"learners": [value]}) from None
        return services.subgroup_set_learners(actor=actor, subgroup=subgroup, learner_ids=ids)

    return apply_change(
        request, change, _("The subgroup has been saved."), _class_url(subgroup.school_class_id)
    )


@require_POST
@login_required
def assignment_add(request: HttpRequest, class_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    school_class = selectors.class_get(actor, class_id)

    def create() -> Any:
        subject = selectors.subject_get(actor, request.POST.get("subject", "") or UUID(int=0))
        subgroup_id = request.POST.get("subgroup") or None
        subgroup = selectors.subgroup_get(actor, subgroup_id) if subgroup_id else None
        teacher = person_to_relate(
            actor,
            services.CLASS_MANAGE,
            unit=school_class.organization,
            person_id=request.POST.get("teacher", "") or UUID(int=0),
        )
        return services.assignment_create(
            actor=actor,
            school_class=school_class,
            subject=subject,
            teacher=teacher,
            subgroup=subgroup,
            hours_per_week=_hours(request),
        )

    return apply_change(request, create, _("The teacher has been assigned."), _class_url(class_id))


@require_POST
@login_required
def assignment_remove(request: HttpRequest, assignment_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    assignment = selectors.assignment_get(actor, assignment_id)
    return apply_change(
        request,
        lambda: services.assignment_delete(actor=actor, assignment=assignment),
        _("The assignment has been removed."),
        _class_url(assignment.school_class_id),
    )
