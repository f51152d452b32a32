"""Exports of learning analytics: an XLSX workbook of a report, journaled as an export (G-5.12)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import WriteOnlyCell
from openpyxl.styles import Font

from oqu.access.scope import Actor
from oqu.audit import journal

from .selectors import PERIOD_LABELS, PERIODS, LearningReport, Line

EXPORT_ACTION = "analytics.learning.export"
SHEET_TITLE_MAX = 31


def _number(value: Any) -> Any:
    return float(value) if value is not None else None


def _sheet(workbook: Workbook, title: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]):  # type: ignore[no-untyped-def]
    sheet = workbook.create_sheet(title=title[:SHEET_TITLE_MAX])
    bold = Font(bold=True)
    cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=str(name))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        sheet.append(list(row))


def _line_name(line: Line, language: str) -> str:
    return line.name_kk if language == "kk" and line.name_kk else line.name


def _mark_rows(lines: list[Line], language: str) -> Iterable[list[Any]]:
    for line in lines:
        for code in PERIODS:
            if code not in line.marks:
                continue
            rate = line.marks[code]
            yield [
                _line_name(line, language),
                str(PERIOD_LABELS[code]),
                rate.learners,
                rate.quality,
                rate.success,
                rate.not_assessed,
                _number(rate.quality_percent),
                _number(rate.success_percent),
            ]


def _attendance_rows(lines: list[Line], language: str) -> Iterable[list[Any]]:
    for line in lines:
        for code in PERIODS:
            if code not in line.attendance:
                continue
            rate = line.attendance[code]
            yield [
                _line_name(line, language),
                str(PERIOD_LABELS[code]),
                rate.recorded,
                rate.attended,
                rate.present,
                rate.late,
                rate.absent_excused,
                rate.absent_unexcused,
                rate.sick,
                _number(rate.percent),
            ]


def report_workbook(report: LearningReport, language: str = "ru") -> bytes:
    """Sheets: marks by subject, attendance by subject, and both for the units below and overall."""
    workbook = Workbook(write_only=True)
    mark_header = [
        _("Subject or unit"),
        _("Period"),
        _("Learners"),
        _("With 4 or 5"),
        _("With 3 or above"),
        _("Not assessed"),
        _("Quality of knowledge, %"),
        _("Success, %"),
    ]
    attendance_header = [
        _("Subject or unit"),
        _("Period"),
        _("Records"),
        _("Attended"),
        _("Present"),
        _("Late"),
        _("Absent with a reason"),
        _("Absent without a reason"),
        _("Sick"),
        _("Attendance, %"),
    ]
    total = Line(key="total", name=str(_("All subjects")), marks=report.total.marks)
    total.attendance = report.total.attendance
    _sheet(
        workbook,
        _("Marks by subject"),
        mark_header,
        _mark_rows([*report.subjects, total], language),
    )
    _sheet(
        workbook,
        _("Attendance by subject"),
        attendance_header,
        _attendance_rows([*report.subjects, total], language),
    )
    if report.breakdown:
        _sheet(workbook, _("Marks by unit"), mark_header, _mark_rows(report.breakdown, language))
        _sheet(
            workbook,
            _("Attendance by unit"),
            attendance_header,
            _attendance_rows(report.breakdown, language),
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_export(*, actor: Actor, report: LearningReport, language: str = "ru") -> bytes:
    """The report as XLSX; the export of learners' results is journaled (who, what, which year)."""
    content = report_workbook(report, language)
    target = report.target.scoped_object
    journal.record(
        actor=actor,
        action=EXPORT_ACTION,
        target=target,
        after={
            "year": report.year,
            "own_only": report.target.own_only,
            "subjects": len(report.subjects),
            "format": "xlsx",
        },
        organization_id=report.target.unit.pk,
    )
    return content
