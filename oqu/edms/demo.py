"""Demo documents of the demo school: a registered incoming letter in execution, an order and a
memo on their routes awaiting the director. Made through the services (journaled like any
change); a school that already has documents is left as it is."""

from __future__ import annotations

from typing import Any

from oqu.access.scope import actor_for

from . import services
from .models import Document, DocumentKind


def ensure_demo_documents(school: Any, director: Any) -> int:
    """Create the demo documents once; returns how many were created."""
    if Document.objects.filter(organization=school).exists():
        return 0
    actor = actor_for(director)
    kinds = {k.code: k for k in DocumentKind.objects.all()}
    letter = services.document_create(
        actor=actor,
        organization=school,
        kind=kinds["incoming"],
        title="Оқу жылының қорытындысы туралы ақпарат беру",
        body="Білім бөлімі 2025-2026 оқу жылының қорытындысы бойынша ақпаратты сұратады.",
        correspondent="Аудандық білім бөлімі",
        fields={"correspondent_number": "02-14/318", "correspondent_date": "2026-11-16"},
    )
    services.document_register(actor=actor, document=letter)
    services.document_assign(actor=actor, document=letter, executor_id=director.pk)
    order = services.document_create(
        actor=actor,
        organization=school,
        kind=kinds["order"],
        title="Мектепішілік бақылау жоспарын бекіту туралы",
        body="Мектепішілік бақылаудың 2026-2027 оқу жылына арналған жоспары бекітілсін.",
        fields={"effective_date": "2026-12-01"},
    )
    services.route_start(actor=actor, document=order)
    memo = services.document_create(
        actor=actor,
        organization=school,
        kind=kinds["hr-memo"],
        title="Оқулықтар қорын толықтыру туралы",
        body="Кітапхана қорына 8-сыныпқа арналған оқулықтар қажет.",
        fields={"addressee": "Директорға"},
    )
    services.route_start(actor=actor, document=memo)
    return 3
