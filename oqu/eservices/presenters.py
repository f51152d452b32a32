"""Plain dictionaries of services and applications for the API and the pages (in one language)."""

from __future__ import annotations

from typing import Any

from . import definitions, selectors
from .models import Service, ServiceApplication


def service_summary(service: Service, language: str) -> dict[str, Any]:
    definition = service.definition
    return {
        "code": service.code,
        "name": service.name(language),
        "map_ref": service.map_ref,
        "description": definitions.text(definition.get("description"), language),
        "applicant": definition["applicant"],
        "org_types": definition["decided_by"]["org_types"],
        "subject_age": definition.get("subject_age"),
        "statuses": [
            {
                "code": s["code"],
                "name": definitions.text(s["name"], language),
                "final": bool(s.get("final")),
                "deadline_working_days": s.get("deadline_working_days"),
            }
            for s in definition["statuses"]
        ],
        "transitions": [
            {
                "code": t["code"],
                "name": definitions.text(t["name"], language),
                "from_statuses": t["from"],
                "to": t["to"],
                "by": t["by"],
                "reason_required": bool(t.get("reason_required")),
            }
            for t in definition["transitions"]
        ],
        "documents": [
            {
                "code": d["code"],
                "name": definitions.text(d["name"], language),
                "required": bool(d.get("required")),
            }
            for d in definition.get("documents", [])
        ],
        "fields": [
            {
                "code": f["code"],
                "type": f["type"],
                "label": definitions.text(f["label"], language),
                "required": bool(f.get("required")),
                "choices": [
                    {"value": c["value"], "label": definitions.text(c["label"], language)}
                    for c in f.get("choices", [])
                ],
                "min": f.get("min"),
                "max": f.get("max"),
            }
            for f in definition.get("fields", [])
        ],
    }


def status_name(application: ServiceApplication, code: str, language: str) -> str:
    if not code:
        return ""
    status = definitions.status_of(application.service.definition, code)
    return definitions.text(status["name"], language)


def application_summary(application: ServiceApplication, language: str) -> dict[str, Any]:
    return {
        "id": application.pk,
        "service": application.service.code,
        "service_name": application.service.name(language),
        "organization_id": application.organization_id,
        "organization_name": application.organization.name,
        "applicant_id": application.applicant_id,
        "subject_id": application.subject_id,
        "subject_name": application.subject.full_name(language),
        "status": application.status,
        "status_name": status_name(application, application.status, language),
        "is_final": application.is_final,
        "submitted_at": application.submitted_at,
        "status_since": application.status_since,
        "deadline": application.deadline,
        "overdue": selectors.deadline_passed(application),
        "reason": application.reason,
    }


def application_detail(
    application: ServiceApplication, actor: Any, language: str
) -> dict[str, Any]:
    definition = application.service.definition
    labels = {
        f["code"]: definitions.text(f["label"], language) for f in definition.get("fields", [])
    }
    kinds = {
        d["code"]: definitions.text(d["name"], language) for d in definition.get("documents", [])
    }
    return {
        **application_summary(application, language),
        "data": application.data,
        "data_labels": labels,
        "history": [
            {
                "from_status": change.from_status,
                "to_status": change.to_status,
                "to_status_name": status_name(application, change.to_status, language),
                "transition": change.transition,
                "reason": change.reason,
                "by": change.by_name,
                "at": change.at,
                "deadline": change.deadline,
            }
            for change in selectors.history(application)
        ],
        "documents": [
            {
                "id": document.pk,
                "kind": document.kind,
                "kind_name": kinds.get(document.kind, document.kind),
                "name": document.original_name,
                "size": document.size,
                "sha256": document.sha256,
            }
            for document in selectors.documents(application)
        ],
        "transitions": [
            {
                "code": t["code"],
                "name": definitions.text(t["name"], language),
                "reason_required": bool(t.get("reason_required")),
                "by": t["by"],
            }
            for t in selectors.available_transitions(actor, application)
        ],
    }


def application_summary_light(application: ServiceApplication, language: str) -> dict[str, Any]:
    """Without the people: for pages that are about the person already (the child's passport)."""
    return {
        "id": application.pk,
        "service": application.service.code,
        "service_name": application.service.name(language),
        "organization_name": application.organization.name,
        "status": application.status,
        "status_name": status_name(application, application.status, language),
        "is_final": application.is_final,
        "submitted_at": application.submitted_at,
        "deadline": application.deadline,
    }
