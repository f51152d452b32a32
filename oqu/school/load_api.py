"""The teaching load over HTTP (SEC-27.13), under /api/v1/school/years/{year_id}/load."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Query, Router, Schema

from oqu.apikit import READ_ERRORS, actor
from oqu.audit.xlsx import XLSX_CONTENT_TYPE, xlsx_response

from . import load

router = Router(tags=["school"])

XLSX_RESPONSE = {
    "description": "The teaching load as an XLSX workbook.",
    "content": {XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
}


def _language() -> str:
    return "kk" if (get_language() or "kk").startswith("kk") else "ru"


class LoadLineOut(Schema):
    assignment_id: UUID
    class_name: str
    subject_code: str
    subject_name: str
    subgroup_name: str
    hours_per_week: Decimal
    hours_per_year: Decimal


class TeacherLoadOut(Schema):
    teacher_id: UUID
    teacher_name: str
    hours_per_week: Decimal
    rate: Decimal
    difference: Decimal
    status: str
    hours_per_year: Decimal
    substitutions_held: int
    lessons_held_by_others: int
    lines: list[LoadLineOut]


class SchoolLoadOut(Schema):
    year_id: UUID
    rate: Decimal
    study_weeks: Decimal
    whole_school: bool
    overloaded: int
    underloaded: int
    teachers: list[TeacherLoadOut]


class LoadFilter(Schema):
    teacher: UUID | None = None


def _out(result: load.SchoolLoad, language: str) -> dict[str, Any]:
    return {
        "year_id": result.year.pk,
        "rate": result.rate,
        "study_weeks": result.study_weeks,
        "whole_school": result.whole_school,
        "overloaded": result.overloaded,
        "underloaded": result.underloaded,
        "teachers": [
            {
                "teacher_id": row.teacher.pk,
                "teacher_name": row.teacher.full_name(language),
                "hours_per_week": row.load.hours,
                "rate": row.load.rate,
                "difference": row.load.difference,
                "status": row.status,
                "hours_per_year": row.hours_per_year,
                "substitutions_held": row.substitutions_held,
                "lessons_held_by_others": row.lessons_given_away,
                "lines": [line.__dict__ for line in row.lines],
            }
            for row in result.rows
        ],
    }


@router.get("/school/years/{year_id}/load", response={200: SchoolLoadOut, **READ_ERRORS})
def school_load(request: HttpRequest, year_id: UUID, filters: Query[LoadFilter]) -> Any:
    """Each teacher's weekly hours against the rate in force, by class-subject and for the year.

    With `profiles.load.view` every teacher (or the one named by `teacher`); a teacher without it
    gets their own load only.
    """
    who = actor(request)
    year = load.load_year_get(who, year_id)
    language = _language()
    return _out(
        load.school_load(who, year, teacher_id=filters.teacher, language=language), language
    )


@router.get(
    "/school/years/{year_id}/load/xlsx",
    response={200: Any, **READ_ERRORS},
    openapi_extra={"responses": {"200": XLSX_RESPONSE}},
)
def school_load_xlsx(request: HttpRequest, year_id: UUID) -> Any:
    """The whole school's load as XLSX (journaled as an export)."""
    who = actor(request)
    year = load.load_year_get(who, year_id)
    return xlsx_response(load.load_export(who, year, language=_language()), "teaching-load.xlsx")
