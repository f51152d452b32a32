"""Learning analytics over HTTP, under /api/v1/analytics/learning/ (O456 p.27 sub.5, 15; R503-5).

A class or any unit of the hierarchy: quality of knowledge, success and attendance by subject and
period, and by the units below; the same as an XLSX workbook (the export is journaled). Named
`learning` so that the ministry's monitoring indicators can take their own paths beside it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema

from oqu.apikit import READ_ERRORS, actor
from oqu.audit.xlsx import XLSX_CONTENT_TYPE, xlsx_response

from . import selectors, services

router = Router(tags=["analytics"])

XLSX_RESPONSE = {
    "description": "An XLSX workbook.",
    "content": {XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
}
PeriodCode = Literal["q1", "q2", "h1", "q3", "q4", "h2", "year"]


class ReportQuery(Schema):
    year: str | None = Field(
        None, max_length=20, description="Academic year name; default: the latest."
    )
    period: PeriodCode | None = Field(
        None,
        description="The period the `subjects` and `units` rows speak of; default: the latest with data.",
    )


class MarksOut(Schema):
    learners: int
    assessed: int
    not_assessed: int
    quality: int = Field(..., description="Learners with 4 or 5.")
    success: int = Field(..., description="Learners with 3 or above.")
    quality_percent: Decimal | None
    success_percent: Decimal | None


class AttendanceOut(Schema):
    recorded: int
    attended: int = Field(..., description="Present + late.")
    present: int
    late: int
    absent_excused: int
    absent_unexcused: int
    sick: int
    percent: Decimal | None


class PeriodOut(Schema):
    period: PeriodCode
    marks: MarksOut | None
    attendance: AttendanceOut | None


class LineOut(Schema):
    key: str = Field(..., description="Subject code, or the id of the unit or class below.")
    name: str
    periods: list[PeriodOut]


class TargetOut(Schema):
    kind: Literal["class", "unit"]
    id: UUID
    name: str
    unit_id: UUID
    unit_kind: str
    own_only: bool = Field(..., description="Only the actor's own class-subjects are counted.")


class ReportOut(Schema):
    target: TargetOut
    year: str
    years: list[str]
    period: PeriodCode
    mark_source: str = Field(..., description="Which mark is counted.")
    ungraded_grades: list[int]
    breakdown_kind: str = Field(..., description="class, organization, district, region or empty.")
    subjects: list[LineOut]
    units: list[LineOut]
    total: LineOut


MARK_SOURCE = "final_mark when confirmed, else computed_mark"


def _language() -> str:
    return "kk" if (get_language() or "kk").startswith("kk") else "ru"


def _marks(rate: selectors.MarkRate) -> dict[str, Any]:
    return {
        "learners": rate.learners,
        "assessed": rate.assessed,
        "not_assessed": rate.not_assessed,
        "quality": rate.quality,
        "success": rate.success,
        "quality_percent": rate.quality_percent,
        "success_percent": rate.success_percent,
    }


def _attendance(rate: selectors.AttendanceRate) -> dict[str, Any]:
    return {
        "recorded": rate.recorded,
        "attended": rate.attended,
        "present": rate.present,
        "late": rate.late,
        "absent_excused": rate.absent_excused,
        "absent_unexcused": rate.absent_unexcused,
        "sick": rate.sick,
        "percent": rate.percent,
    }


def _line(line: selectors.Line, language: str) -> dict[str, Any]:
    return {
        "key": line.key,
        "name": line.name_kk if language == "kk" and line.name_kk else line.name,
        "periods": [
            {
                "period": code,
                "marks": _marks(line.marks[code]) if code in line.marks else None,
                "attendance": _attendance(line.attendance[code])
                if code in line.attendance
                else None,
            }
            for code in selectors.PERIODS
            if line.has_data(code)
        ],
    }


def _report(report: selectors.LearningReport) -> dict[str, Any]:
    language = _language()
    target = report.target
    scoped = target.scoped_object
    return {
        "target": {
            "kind": "class" if target.school_class is not None else "unit",
            "id": scoped.pk,
            "name": target.name,
            "unit_id": target.unit.pk,
            "unit_kind": target.unit.kind,
            "own_only": target.own_only,
        },
        "year": report.year,
        "years": report.years,
        "period": report.period,
        "mark_source": MARK_SOURCE,
        "ungraded_grades": report.ungraded_grades,
        "breakdown_kind": report.breakdown_kind,
        "subjects": [_line(line, language) for line in report.subjects],
        "units": [_line(line, language) for line in report.breakdown],
        "total": _line(report.total, language),
    }


@router.get("/analytics/learning/units/{unit_id}", response={200: ReportOut, **READ_ERRORS})
def unit_report(request: HttpRequest, unit_id: UUID, query: Query[ReportQuery]) -> Any:
    """A unit (school, district, region, the Republic): by subject and period, and by the units below."""
    who = actor(request)
    target = selectors.target_for_unit(who, unit_id)
    return _report(selectors.learning_report(who, target, year=query.year, period=query.period))


@router.get("/analytics/learning/classes/{class_id}", response={200: ReportOut, **READ_ERRORS})
def class_report(request: HttpRequest, class_id: UUID, query: Query[ReportQuery]) -> Any:
    """A class: by subject and period (a teacher: only the class-subjects they teach or lead)."""
    who = actor(request)
    target = selectors.target_for_class(who, class_id)
    return _report(selectors.learning_report(who, target, year=query.year, period=query.period))


@router.get(
    "/analytics/learning/units/{unit_id}/xlsx",
    response={200: Any, **READ_ERRORS},
    openapi_extra={"responses": {"200": XLSX_RESPONSE}},
)
def unit_report_xlsx(request: HttpRequest, unit_id: UUID, query: Query[ReportQuery]) -> Any:
    """The unit's report as an XLSX workbook (every period; the export is journaled)."""
    who = actor(request)
    report = selectors.learning_report(
        who, selectors.target_for_unit(who, unit_id), year=query.year
    )
    content = services.report_export(actor=who, report=report, language=_language())
    return xlsx_response(content, f"analytics-unit-{report.year or 'empty'}.xlsx")


@router.get(
    "/analytics/learning/classes/{class_id}/xlsx",
    response={200: Any, **READ_ERRORS},
    openapi_extra={"responses": {"200": XLSX_RESPONSE}},
)
def class_report_xlsx(request: HttpRequest, class_id: UUID, query: Query[ReportQuery]) -> Any:
    """The class's report as an XLSX workbook (every period; the export is journaled)."""
    who = actor(request)
    report = selectors.learning_report(
        who, selectors.target_for_class(who, class_id), year=query.year
    )
    content = services.report_export(actor=who, report=report, language=_language())
    return xlsx_response(content, f"analytics-class-{report.year or 'empty'}.xlsx")
