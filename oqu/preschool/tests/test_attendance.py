"""Schedule of organized activities (PRE-25.4), the daily attendance journal filled for the whole
group at once and the monthly table with the days to pay, exported to XLSX (PRE-25.5)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oqu.access.scope import actor_for
from oqu.audit.models import ActionRecord
from oqu.kernel.errors import Conflict, Forbidden, NotFound, ValidationError
from oqu.preschool import selectors, services

from .conftest import enrol_child

DAY = dt.date(2026, 10, 5)


def test_pre25_4_weekly_grid_without_overlaps(kg: Any) -> None:
    educator = actor_for(kg.educator)
    services.activity_add(
        actor=educator,
        group=kg.group,
        weekday=1,
        starts_at=dt.time(9),
        ends_at=dt.time(9, 25),
        title="Сөйлеуді дамыту",
        area="Коммуникация",
    )
    with pytest.raises(Conflict):
        services.activity_add(
            actor=educator,
            group=kg.group,
            weekday=1,
            starts_at=dt.time(9, 20),
            ends_at=dt.time(9, 45),
            title="Музыка",
        )
    with pytest.raises(ValidationError):
        services.activity_add(
            actor=educator,
            group=kg.group,
            weekday=6,
            starts_at=dt.time(9),
            ends_at=dt.time(10),
            title="Сенбі",
        )
    grid = dict(selectors.week_grid(kg.group))
    assert [a.title for a in grid[1]] == ["Сөйлеуді дамыту"]
    assert grid[2] == []


def test_pre25_10_educator_plans_and_marks_only_their_own_group(kg: Any) -> None:
    educator = actor_for(kg.other_educator)
    with pytest.raises(Forbidden):
        services.activity_add(
            actor=educator,
            group=kg.group,
            weekday=2,
            starts_at=dt.time(10),
            ends_at=dt.time(10, 20),
            title="Сурет",
        )
    with pytest.raises(Forbidden):
        services.attendance_mark(
            actor=educator, group=kg.group, day=DAY, marks={str(kg.child.pk): ("present", "")}
        )


def test_pre25_5_whole_group_marked_in_one_action(kg: Any) -> None:
    second = enrol_child(kg.head, kg.group, "Екінші")
    educator = actor_for(kg.educator)
    with pytest.raises(ValidationError) as incomplete:
        services.attendance_mark(
            actor=educator, group=kg.group, day=DAY, marks={str(kg.child.pk): ("present", "")}
        )
    assert incomplete.value.code == "marks_incomplete"
    services.attendance_mark(
        actor=educator,
        group=kg.group,
        day=DAY,
        marks={str(kg.child.pk): ("present", ""), str(second.pk): ("sick", "справка")},
    )
    services.attendance_mark(
        actor=educator,
        group=kg.group,
        day=DAY,
        marks={str(kg.child.pk): ("absent", ""), str(second.pk): ("sick", "справка")},
    )
    marks = selectors.day_marks(kg.group, DAY)
    assert (marks[kg.child.pk].status, marks[second.pk].note) == ("absent", "справка")
    record = ActionRecord.objects.filter(action="preschool.attendance.mark").order_by("-at").first()
    assert record.before["marks"][str(kg.child.pk)] == "present"
    with pytest.raises(ValidationError):
        services.attendance_mark(
            actor=educator,
            group=kg.group,
            day=dt.date.today() + dt.timedelta(days=2),
            marks={str(kg.child.pk): ("present", ""), str(second.pk): ("present", "")},
        )


def _fill_month(kg: Any, second: Any) -> None:
    educator = actor_for(kg.educator)
    plan = {
        dt.date(2026, 10, 1): ("present", "present"),
        dt.date(2026, 10, 2): ("present", "sick"),
        dt.date(2026, 10, 5): ("absent", "vacation"),
        dt.date(2026, 10, 6): ("other", "present"),
    }
    for day, (first_mark, second_mark) in plan.items():
        services.attendance_mark(
            actor=educator,
            group=kg.group,
            day=day,
            marks={str(kg.child.pk): (first_mark, ""), str(second.pk): (second_mark, "")},
        )


def test_pre25_5_month_table_totals_and_days_to_pay(kg: Any) -> None:
    second = enrol_child(kg.head, kg.group, "Екінші")
    _fill_month(kg, second)
    table = selectors.month_table(kg.group, 2026, 10)
    assert len(table.days) == 31
    rows = {row.child.pk: row for row in table.rows}
    first = rows[kg.child.pk]
    assert first.totals == {"present": 2, "sick": 0, "vacation": 0, "other": 1, "absent": 1}
    # days to pay are the marks the rule in force names: present and no reason
    assert (first.to_pay, rows[second.pk].to_pay, table.to_pay) == (3, 2, 5)
    assert table.totals["present"] == 4


def test_pre25_5_month_table_queries_do_not_grow_with_children(kg: Any) -> None:
    with CaptureQueriesContext(connection) as few:
        selectors.month_table(kg.group, 2026, 10)
    for number in range(4):
        enrol_child(kg.head, kg.group, f"Бала {number}")
    with CaptureQueriesContext(connection) as many:
        table = selectors.month_table(kg.group, 2026, 10)
    assert len(table.rows) == 5
    assert len(many) == len(few)


def test_pre25_5_month_table_exported_to_xlsx_and_journaled(kg: Any) -> None:
    second = enrol_child(kg.head, kg.group, "Екінші")
    _fill_month(kg, second)
    content = services.attendance_export(
        actor=actor_for(kg.head), group=kg.group, year=2026, month=10
    )
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    child_row = next(r for r in rows if r[2] == kg.child.iin)
    assert child_row[3:7] == ["+", "+", None, None]
    assert child_row[-1] == 3
    assert rows[-1][-1] == 5
    assert ActionRecord.objects.filter(action="preschool.attendance.export").count() == 1
    # a parent sees their child's marks, never the group's table
    with pytest.raises(NotFound):
        services.attendance_export(actor=actor_for(kg.parent), group=kg.group, year=2026, month=10)
