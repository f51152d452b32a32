"""The passport as plain data (one language), for the API and the page."""

from __future__ import annotations

from typing import Any

from oqu.eservices import presenters as eservice_presenters

from .selectors import Passport, timeline


def passport_data(passport: Passport, language: str) -> dict[str, Any]:
    child = passport.child
    return {
        "child": {
            "id": child.pk,
            "name": child.full_name(language),
            "birth_date": child.birth_date,
            "sex": child.sex,
        },
        "guardians": [
            {
                "name": g.guardian.full_name(language),
                "kind": g.kind,
                "start_date": g.start_date,
                "end_date": g.end_date,
            }
            for g in passport.guardians
        ],
        "enrolments": [
            {
                "organization_id": e.organization_id,
                "organization_name": e.organization.name,
                "level": e.level,
                "is_main": e.is_main,
                "grade": e.grade,
                "group_name": e.group_name,
                "start_date": e.start_date,
                "end_date": e.end_date,
                "end_reason": e.end_reason,
            }
            for e in passport.enrolments
        ],
        "preschool_groups": [
            {
                "organization_id": m.organization_id,
                "organization_name": m.organization.name,
                "group": m.group.name,
                "kind": m.group.kind,
                "school_year": m.group.school_year,
                "start_date": m.start_date,
                "end_date": m.end_date,
                "end_reason": m.end_reason,
            }
            for m in passport.groups
        ],
        "school_classes": [
            {
                "organization_id": c.organization_id,
                "organization_name": c.organization.name,
                "class_name": str(c.school_class),
                "academic_year": c.school_class.year.name,
                "start_date": c.start_date,
                "end_date": c.end_date,
                "end_move": c.end_move,
            }
            for c in passport.classes
        ],
        "queue_applications": [
            {
                "id": a.pk,
                "district_id": a.organization_id,
                "district_name": a.organization.name,
                "status": a.status,
                "category": a.category,
                "desired_date": a.desired_date,
                "submitted_at": a.submitted_at,
                "preferences": [p.preschool.name for p in a.preferences.all()],
            }
            for a in passport.queue
        ],
        "eservice_applications": [
            eservice_presenters.application_summary_light(s, language)
            for s in passport.applications
        ],
        "timeline": timeline(passport, language),
    }
