"""Fixtures of the document tests: a school's office (head, deputy, clerk) and a helper to route."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest

from oqu.access.scope import actor_for
from oqu.edms import services
from oqu.edms.models import DocumentKind


@dataclass
class Office:
    school: Any
    head: Any
    deputy: Any
    deputy2: Any
    kinds: dict[str, DocumentKind]

    def actor(self, user: Any) -> Any:
        return actor_for(user)


@pytest.fixture
def office(org_tree: Any, user_with_role: Any) -> Office:
    school = org_tree.school_a1
    return Office(
        school=school,
        head=user_with_role("school_director", school),
        deputy=user_with_role("school_deputy_director", school),
        deputy2=user_with_role("school_deputy_director", school),
        kinds={k.code: k for k in DocumentKind.objects.all()},
    )


def draft(office: Office, kind: str = "internal", author: Any = None, **extra: Any) -> Any:
    fields = {
        "internal": {"addressee": "Мұғалімдерге"},
        "outgoing": {"addressee": "Алмалы аудандық білім бөлімі"},
        "order": {"effective_date": "2026-09-01"},
        "incoming": {},
        "finance-contract": {"counterparty": "ЖШС Кітап", "amount": "150000"},
    }[kind]
    return services.document_create(
        actor=actor_for(author or office.deputy),
        organization=office.school,
        kind=office.kinds[kind],
        title=extra.pop("title", "Оқу жылының басталуы туралы"),
        body=extra.pop("body", "Мәтін"),
        fields=extra.pop("fields", fields),
        **extra,
    )


class NamedBytes(io.BytesIO):
    def __init__(self, content: bytes, name: str) -> None:
        super().__init__(content)
        self.name = name
        self.size = len(content)


def pdf_with_text(words: str) -> bytes:
    """A one-page PDF whose text layer holds `words` (made by WeasyPrint, as a user's scan would not)."""
    from weasyprint import HTML

    return HTML(string=f"<p>{words}</p>").write_pdf()
