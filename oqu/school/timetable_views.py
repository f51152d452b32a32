"""Timetable pages (SEC-27.8): the year's rooms, bells and lesson generation; a class's weekly
grid edited with HTMX and checked live; the automatic draft to review and apply; lessons of a
date with substitutions; a class's and a teacher's week.

Thin views: selectors read, `timetable` services change. A refused change shows its kk/ru
message in place (the API answers the same refusal with its 4xx code); 403/404 pass through.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from oqu.access import scope
from oqu.kernel.errors import DomainError, ValidationError
from oqu.orgs.selectors import unit_get
from oqu.people.selectors import person_to_relate
from oqu.web.actions import apply_change
from oqu.web.actor import actor_of
from oqu.web.views import login_required

from . import selectors
from . import timetable as services
from . import timetable_plan as plan
from . import timetable_selectors as tt
from .models import RoomKind, Weekday
from .views import _staff

DEFAULT_ROWS = 7


def _language() -> str:
    return "kk" if (get_language() or "kk").startswith("kk") else "ru"


def _post_int(request: HttpRequest, name: str) -> int:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        raise ValidationError(
            _("Enter a whole number."), code="number_invalid", fields={name: ["invalid"]}
        ) from None


def _post_date(request: HttpRequest, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(request.POST.get(name, ""))
    except ValueError:
        raise ValidationError(
            _("Enter a valid date."), code="date_invalid", fields={name: ["invalid"]}
        ) from None


def _post_time(request: HttpRequest, name: str) -> dt.time:
    try:
        return dt.time.fromisoformat(request.POST.get(name, ""))
    except ValueError:
        raise ValidationError(
            _("Enter a valid time."), code="time_invalid", fields={name: ["invalid"]}
        ) from None


def _query_date(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return timezone.localdate()


def _try(change: Callable[[], Any]) -> tuple[Any, str]:
    """Run a change for an HTMX fragment: the result, or the refusal's message (403/404 raise)."""
    try:
        return change(), ""
    except DomainError as error:
        if error.status in (403, 404):
            raise
        return None, str(error.message)


def _problems(problems: list[plan.Problem], names: dict[Any, str]) -> list[dict[str, Any]]:
    return [
        {
            "code": p.code,
            "hard": p.hard,
            "message": services.problem_message(p.code),
            "where": names.get(p.subject_id) or names.get(p.class_id) or "",
            "weekday": Weekday(p.weekday).label if p.weekday else "",
            "number": p.number,
            "placed": p.placed,
            "required": p.required,
        }
        for p in problems
    ]


# -- the year's timetable page ---------------------------------------------------------------------


def _year_url(year: Any) -> str:
    return reverse("school:timetable_year", args=[year.pk])


@require_GET
@login_required
def year_timetable(request: HttpRequest, year_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    year = selectors.year_get(actor, year_id)
    organization = year.organization
    if not actor.can_at(services.TIMETABLE_VIEW, organization.path):
        raise scope.not_found(actor, services.TIMETABLE_VIEW, "school.academicyear", year.pk)
    today = timezone.localdate()
    context = {
        "section": "home",
        "unit": organization,
        "year": year,
        "rooms": list(tt.room_list(actor, organization=organization).order_by("name")),
        "bells": tt.bell_list(year),
        "classes": list(selectors.class_list(actor, year=year).order_by("grade", "letter")),
        "staff": _staff(organization),
        "can_manage": actor.can_at(services.TIMETABLE_MANAGE, organization.path),
        "room_kinds": RoomKind.choices,
        "subjects": list(selectors.subject_list(actor, organization=organization).order_by("code")),
        "language": _language(),
        "today": today.isoformat(),
        "in_three_weeks": (today + dt.timedelta(weeks=3)).isoformat(),
    }
    return render(request, "school/timetable_year.html", context)


@require_POST
@login_required
def room_add(request: HttpRequest, year_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    year = selectors.year_get(actor, year_id)

    def create() -> Any:
        capacity = request.POST.get("capacity") or None
        return services.room_create(
            actor=actor,
            organization=year.organization,
            name=request.POST.get("name", ""),
            capacity=_post_int(request, "capacity") if capacity else None,
            kind=request.POST.get("kind") or RoomKind.CLASSROOM,
        )

    return apply_change(request, create, _("The room has been added."), _year_url(year))


@require_POST
@login_required
def room_edit(request: HttpRequest, room_id: UUID) -> HttpResponse:
    """Rename a room, change its seats, or delete it (`delete` in the form)."""
    actor = actor_of(request)
    room = tt.room_get(actor, room_id)
    year = selectors.year_get(actor, request.POST.get("year", "") or UUID(int=0))
    if request.POST.get("delete"):
        return apply_change(
            request,
            lambda: services.room_delete(actor=actor, room=room),
            _("The room has been deleted."),
            _year_url(year),
        )

    def change() -> Any:
        capacity = request.POST.get("capacity") or None
        return services.room_change(
            actor=actor,
            room=room,
            name=request.POST.get("name", room.name),
            capacity=_post_int(request, "capacity") if capacity else None,
            kind=request.POST.get("kind") or None,
        )

    return apply_change(request, change, _("The room has been saved."), _year_url(year))


@require_POST
@login_required
def subject_room_kind(request: HttpRequest, subject_id: UUID) -> HttpResponse:
    """Which room type a subject's lessons need (from the year's timetable page)."""
    actor = actor_of(request)
    subject = selectors.subject_get(actor, subject_id)
    year = selectors.year_get(actor, request.POST.get("year", "") or UUID(int=0))
    return apply_change(
        request,
        lambda: services.subject_room_kind_set(
            actor=actor, subject=subject, room_kind=request.POST.get("room_kind", "")
        ),
        _("The subject's room type has been saved."),
        _year_url(year),
    )


@require_POST
@login_required
def bell_set(request: HttpRequest, year_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    year = selectors.year_get(actor, year_id)
    return apply_change(
        request,
        lambda: services.bell_set(
            actor=actor,
            year=year,
            shift=_post_int(request, "shift"),
            number=_post_int(request, "number"),
            starts_at=_post_time(request, "starts_at"),
            ends_at=_post_time(request, "ends_at"),
        ),
        _("The bell schedule has been saved."),
        _year_url(year),
    )


@require_POST
@login_required
def bell_remove(request: HttpRequest, bell_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    bell = tt.bell_get(actor, bell_id)
    year = bell.year
    return apply_change(
        request,
        lambda: services.bell_delete(actor=actor, bell=bell),
        _("The lesson has been removed from the bell schedule."),
        _year_url(year),
    )


@require_POST
@login_required
def lessons_generate(request: HttpRequest, year_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    year = selectors.year_get(actor, year_id)
    try:
        result = services.lessons_generate(
            actor=actor,
            year=year,
            date_from=_post_date(request, "date_from"),
            date_to=_post_date(request, "date_to"),
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _(
                "Lessons generated: %(created)s new, %(updated)s changed, %(removed)s removed, "
                "%(kept)s kept with their journal data, over %(days)s school days."
            )
            % result.as_dict(),
        )
    return redirect(_year_url(year))


# -- a class's grid --------------------------------------------------------------------------------


def _grid_context(actor: Any, school_class: Any, days: int) -> dict[str, Any]:
    entries = tt.class_entries(actor, school_class)
    grid = services.load_grid(school_class.year)
    bells = [b for b in tt.bell_list(school_class.year) if b.shift == school_class.shift]
    numbers = [b.number for b in bells] or list(range(1, DEFAULT_ROWS + 1))
    numbers = sorted(set(numbers) | {e.lesson_number for e in entries})
    if any(e.weekday == 6 for e in entries):
        days = 6
    weekdays = [(value, label) for value, label in Weekday.choices if value <= days]
    cells: dict[tuple[int, int], list[Any]] = {}
    for entry in entries:
        cells.setdefault((entry.lesson_number, entry.weekday), []).append(entry)
    bell_times = {b.number: b for b in bells}
    rows = [
        {
            "number": number,
            "bell": bell_times.get(number),
            "cells": [{"weekday": w, "entries": cells.get((number, w), [])} for w, _l in weekdays],
        }
        for number in numbers
    ]
    assignments = list(
        selectors.assignment_list(actor, school_class=school_class).order_by("subject__code")
    )
    names = {a.subject_id: a.subject.name(_language()) for a in assignments}
    return {
        "school_class": school_class,
        "weekdays": weekdays,
        "rows": rows,
        "days": days,
        "assignments": assignments,
        "rooms": list(tt.room_list(actor, organization=school_class.organization).order_by("name")),
        "warnings": _problems(services.class_warnings(grid, school_class.pk), names),
        "can_manage": actor.can_at(services.TIMETABLE_MANAGE, school_class.organization.path),
        "language": _language(),
    }


def _days(request: HttpRequest) -> int:
    return 6 if (request.GET.get("days") or request.POST.get("days")) == "6" else 5


@require_GET
@login_required
def class_timetable(request: HttpRequest, class_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    school_class = selectors.class_get(actor, class_id)
    context = {
        "section": "home",
        "unit": school_class.organization,
        **_grid_context(actor, school_class, _days(request)),
    }
    return render(request, "school/timetable_class.html", context)


def _cell_input(actor: Any, request: HttpRequest) -> tuple[Any, int, int, Any]:
    assignment = selectors.assignment_get(actor, request.POST.get("assignment", "") or UUID(int=0))
    room_id = request.POST.get("room") or None
    room = tt.room_get(actor, room_id) if room_id else None
    return assignment, _post_int(request, "weekday"), _post_int(request, "lesson_number"), room


@require_POST
@login_required
def cell_check(request: HttpRequest, class_id: UUID) -> HttpResponse:
    """The live check while the deputy picks a cell: conflicts and warnings, nothing saved."""
    actor = actor_of(request)
    school_class = selectors.class_get(actor, class_id)

    def check() -> Any:
        assignment, weekday, number, room = _cell_input(actor, request)
        if assignment.school_class_id != school_class.pk:
            raise ValidationError(code="assignment_other_class")
        grid = services.load_grid(school_class.year)
        return services.check_cell(grid, assignment, weekday, number, room)

    result, error = _try(check)
    names = {
        a.subject_id: a.subject.name(_language())
        for a in school_class.assignments.select_related("subject")
    }
    context = {
        "error": error,
        "conflicts": _problems(result.conflicts, names) if result else [],
        "warnings": _problems(result.warnings, names) if result else [],
        "checked": result is not None,
    }
    return render(request, "school/_timetable_check.html", context)


def _grid_response(
    request: HttpRequest, actor: Any, school_class: Any, error: str, done: str
) -> HttpResponse:
    if not request.htmx:  # type: ignore[attr-defined]
        if error:
            messages.error(request, error)
        else:
            messages.success(request, done)
        return redirect(reverse("school:timetable_class", args=[school_class.pk]))
    context = {
        **_grid_context(actor, school_class, _days(request)),
        "error": error,
        "done": "" if error else done,
    }
    return render(request, "school/_timetable_grid.html", context)


@require_POST
@login_required
def cell_place(request: HttpRequest, class_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    school_class = selectors.class_get(actor, class_id)

    def place() -> Any:
        assignment, weekday, number, room = _cell_input(actor, request)
        if assignment.school_class_id != school_class.pk:
            raise ValidationError(code="assignment_other_class")
        return services.entry_place(
            actor=actor, assignment=assignment, weekday=weekday, lesson_number=number, room=room
        )

    _result, error = _try(place)
    return _grid_response(request, actor, school_class, error, _("The lesson has been placed."))


@require_POST
@login_required
def cell_remove(request: HttpRequest, entry_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    entry = tt.entry_get(actor, entry_id)
    school_class = entry.assignment.school_class
    _result, error = _try(lambda: services.entry_remove(actor=actor, entry=entry))
    return _grid_response(request, actor, school_class, error, _("The lesson has been removed."))


def _move_input(actor: Any, request: HttpRequest, entry: Any) -> tuple[int, int, Any]:
    """Where the deputy moves a cell: the weekday, lesson number and room posted (by the move
    form or a drag and drop); the room stays the cell's own unless another is chosen."""
    room_id = request.POST.get("room", str(entry.room_id or ""))
    room = tt.room_get(actor, room_id) if room_id else None
    return _post_int(request, "weekday"), _post_int(request, "lesson_number"), room


@require_GET
@login_required
def move_form(request: HttpRequest, entry_id: UUID) -> HttpResponse:
    """The form that moves a cell to another day, lesson number or room (an HTMX fragment)."""
    actor = actor_of(request)
    entry = tt.entry_get(actor, entry_id)
    scope.require(actor, services.TIMETABLE_MANAGE, entry.organization, target=entry)
    context = {
        "entry": entry,
        "school_class": entry.assignment.school_class,
        "weekdays": list(Weekday.choices),
        "rooms": list(tt.room_list(actor, organization=entry.organization).order_by("name")),
        "days": _days(request),
        "language": _language(),
    }
    return render(request, "school/_timetable_move.html", context)


@require_POST
@login_required
def move_check(request: HttpRequest, entry_id: UUID) -> HttpResponse:
    """The live check of a move: the same conflicts and warnings as placing, nothing saved."""
    actor = actor_of(request)
    entry = tt.entry_get(actor, entry_id)

    def check() -> Any:
        weekday, number, room = _move_input(actor, request, entry)
        grid = services.load_grid(entry.assignment.year)
        return services.check_cell(grid, entry.assignment, weekday, number, room, replacing=entry)

    result, error = _try(check)
    names = {
        a.subject_id: a.subject.name(_language())
        for a in entry.assignment.school_class.assignments.select_related("subject")
    }
    context = {
        "error": error,
        "conflicts": _problems(result.conflicts, names) if result else [],
        "warnings": _problems(result.warnings, names) if result else [],
        "checked": result is not None,
    }
    return render(request, "school/_timetable_check.html", context)


@require_POST
@login_required
def cell_move(request: HttpRequest, entry_id: UUID) -> HttpResponse:
    """Move a cell (form or drag and drop): refused in place on a conflict, journaled when done."""
    actor = actor_of(request)
    entry = tt.entry_get(actor, entry_id)
    school_class = entry.assignment.school_class

    def move() -> Any:
        weekday, number, room = _move_input(actor, request, entry)
        return services.entry_move(
            actor=actor, entry=entry, weekday=weekday, lesson_number=number, room=room
        )

    _result, error = _try(move)
    return _grid_response(request, actor, school_class, error, _("The lesson has been moved."))


# -- the automatic draft ---------------------------------------------------------------------------


def _draft_context(
    actor: Any, year: Any, report: services.DraftReport, days: int
) -> dict[str, Any]:
    language = _language()
    subjects = {s.pk: s for s in selectors.subject_list(actor, organization=year.organization)}
    rooms = {r.pk: r.name for r in tt.room_list(actor, organization=year.organization)}
    assignments = {
        a.pk: a
        for a in selectors.assignment_list(actor, organization=year.organization).filter(year=year)
    }
    names = {
        **{pk: s.name(language) for pk, s in subjects.items()},
        **{c.pk: str(c) for c in report.classes},
    }
    class_names = {c.pk: str(c) for c in report.classes}
    placed = [
        {
            "class": class_names.get(c.teaching.class_id, ""),
            "weekday": Weekday(c.weekday).label,
            "number": c.number,
            "subject": names.get(c.teaching.subject_id, ""),
            "subgroup": assignments[c.teaching.assignment_id].subgroup.name
            if assignments[c.teaching.assignment_id].subgroup_id
            else "",
            "teacher": assignments[c.teaching.assignment_id].teacher.full_name(language),
            "room": rooms.get(c.room_id, ""),
        }
        for c in report.draft.cells
    ]
    unplaced = [
        {
            "class": class_names.get(u.teaching.class_id, ""),
            "subject": names.get(u.teaching.subject_id, ""),
            "missing": u.missing,
            "message": services.problem_message(u.reason),
        }
        for u in report.draft.unplaced
    ] + [
        {
            "class": str(c),
            "subject": names.get(subject_id, ""),
            "missing": hours,
            "message": services.problem_message("no_assignment"),
        }
        for c, subject_id, hours in report.missing_assignments
    ]
    warnings = [
        {**w, "class": class_names.get(class_id, "")}
        for class_id, problems in report.warnings.items()
        for w in _problems(problems, names)
    ]
    return {
        "section": "home",
        "unit": year.organization,
        "year": year,
        "classes": report.classes,
        "placed": placed,
        "unplaced": unplaced,
        "warnings": warnings,
        "fingerprint": report.draft.fingerprint(),
        "days": days,
    }


def _draft_classes(actor: Any, request: HttpRequest, source: Any) -> list[Any]:
    return [selectors.class_get(actor, pk) for pk in source.getlist("class") if pk]


@require_GET
@login_required
def draft_review(request: HttpRequest, year_id: UUID) -> HttpResponse:
    """The automatic draft of the named classes (`?class=…`, all when none), for review."""
    actor = actor_of(request)
    year = selectors.year_get(actor, year_id)
    days = _days(request)
    classes = _draft_classes(actor, request, request.GET)
    report = services.draft_build(actor=actor, year=year, classes=classes, days=days)
    return render(request, "school/timetable_draft.html", _draft_context(actor, year, report, days))


@require_POST
@login_required
def draft_apply(request: HttpRequest, year_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    year = selectors.year_get(actor, year_id)
    classes = _draft_classes(actor, request, request.POST)
    back = (
        reverse("school:timetable_class", args=[classes[0].pk])
        if len(classes) == 1
        else _year_url(year)
    )
    return apply_change(
        request,
        lambda: services.draft_apply(
            actor=actor,
            year=year,
            classes=classes,
            days=_days(request),
            fingerprint=request.POST.get("fingerprint", ""),
        ),
        _("The draft has been applied to the timetable."),
        back,
    )


# -- lessons: weeks, a date, substitutions ---------------------------------------------------------


def _week_context(lessons: list[Any], day: dt.date) -> dict[str, Any]:
    start, _end = tt.week_of(day)
    dates = [start + dt.timedelta(days=i) for i in range(6)]
    if not any(lesson.date == dates[5] for lesson in lessons):
        dates = dates[:5]
    numbers = sorted({lesson.lesson_number for lesson in lessons}) or list(
        range(1, DEFAULT_ROWS + 1)
    )
    by_slot: dict[tuple[int, dt.date], list[Any]] = {}
    for lesson in lessons:
        by_slot.setdefault((lesson.lesson_number, lesson.date), []).append(lesson)
    return {
        "dates": dates,
        "rows": [{"number": n, "cells": [by_slot.get((n, d), []) for d in dates]} for n in numbers],
        "previous": (start - dt.timedelta(days=7)).isoformat(),
        "next": (start + dt.timedelta(days=7)).isoformat(),
        "language": _language(),
    }


@require_GET
@login_required
def class_week(request: HttpRequest, class_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    school_class = selectors.class_get(actor, class_id)
    day = _query_date(request)
    lessons = tt.class_week(actor, school_class, day)
    context = {
        "section": "home",
        "unit": school_class.organization,
        "title": _("Week of class %(name)s") % {"name": school_class},
        "school_class": school_class,
        "show": "teacher",
        **_week_context(lessons, day),
    }
    return render(request, "school/timetable_week.html", context)


@require_GET
@login_required
def teacher_week(request: HttpRequest, unit_id: UUID, person_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    unit = unit_get(actor, unit_id)
    teacher = tt.teacher_of_school(actor, unit, person_id)
    day = _query_date(request)
    lessons = tt.teacher_week(actor, unit, teacher, day)
    context = {
        "section": "home",
        "unit": unit,
        "title": _("Week of %(name)s") % {"name": teacher.full_name(_language())},
        "show": "class",
        **_week_context(lessons, day),
    }
    return render(request, "school/timetable_week.html", context)


def _date_url(unit_id: Any, day: dt.date) -> str:
    return f"{reverse('school:timetable_date', args=[unit_id])}?date={day.isoformat()}"


@require_GET
@login_required
def date_lessons(request: HttpRequest, unit_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    unit = unit_get(actor, unit_id)
    if not actor.can_at(services.TIMETABLE_VIEW, unit.path):
        raise scope.not_found(actor, services.TIMETABLE_VIEW, "orgs.unit", unit.pk)
    day = _query_date(request)
    context = {
        "section": "home",
        "unit": unit,
        "day": day,
        "previous": (day - dt.timedelta(days=1)).isoformat(),
        "next": (day + dt.timedelta(days=1)).isoformat(),
        "lessons": tt.date_lessons(actor, unit, day),
        "can_manage": actor.can_at(services.TIMETABLE_MANAGE, unit.path),
        "language": _language(),
    }
    return render(request, "school/timetable_date.html", context)


@require_GET
@login_required
def substitute_form(request: HttpRequest, lesson_id: UUID) -> HttpResponse:
    """The substitution form of one lesson, offering the teachers free at its time (HTMX)."""
    actor = actor_of(request)
    lesson = tt.lesson_get(actor, lesson_id)
    scope.require(actor, services.TIMETABLE_MANAGE, lesson.organization, target=lesson)
    context = {"lesson": lesson, "free": services.free_teachers(lesson), "language": _language()}
    return render(request, "school/_timetable_substitute.html", context)


@require_POST
@login_required
def substitute_set(request: HttpRequest, lesson_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    lesson = tt.lesson_get(actor, lesson_id)

    def substitute() -> Any:
        person = person_to_relate(
            actor,
            services.TIMETABLE_MANAGE,
            unit=lesson.organization,
            person_id=request.POST.get("substitute", "") or UUID(int=0),
        )
        return services.substitution_create(
            actor=actor, lesson=lesson, substitute=person, reason=request.POST.get("reason", "")
        )

    return apply_change(
        request,
        substitute,
        _("The substitute has been recorded."),
        _date_url(lesson.organization_id, lesson.date),
    )


@require_POST
@login_required
def substitute_undo(request: HttpRequest, lesson_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    lesson = tt.lesson_get(actor, lesson_id)
    return apply_change(
        request,
        lambda: services.substitution_undo(actor=actor, lesson=lesson),
        _("The substitution has been undone."),
        _date_url(lesson.organization_id, lesson.date),
    )
