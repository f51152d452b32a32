"""Fixtures of the document tests: a school's office (head, deputies, each a person employed
there), the test certification authority, and helpers to route and to sign."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pytest

from oqu.access.scope import actor_for
from oqu.edms import services, signing
from oqu.edms.models import DocumentKind, StepStatus
from oqu.pki.testing_ca import issue_for
from oqu.pki.tests.conftest import ca, foreign_ca, test_ca  # noqa: F401 (fixtures)
from oqu.tests import factories as f


@dataclass
class Office:
    school: Any
    head: Any
    deputy: Any
    deputy2: Any
    kinds: dict[str, DocumentKind]

    def actor(self, user: Any) -> Any:
        return actor_for(user)


def _employee(school: Any, role: str, name: tuple[str, str], birth: dt.date) -> Any:
    """A staff member with a person (IIN) employed at the school, so their EDS can be checked."""
    person = f.make_person(*name, birth, "F")
    f.employ(person, school, position=role)
    user = f.make_user(f"{role}-{name[0]}", person=person)
    f.grant(user, role, school)
    return user


@pytest.fixture
def office(org_tree: Any) -> Office:
    school = org_tree.school_a1
    return Office(
        school=school,
        head=_employee(school, "school_director", ("Ахметова", "Гүлнар"), dt.date(1975, 3, 1)),
        deputy=_employee(
            school, "school_deputy_director", ("Серікова", "Дана"), dt.date(1983, 6, 2)
        ),
        deputy2=_employee(
            school, "school_deputy_director", ("Омарова", "Айгүл"), dt.date(1986, 9, 3)
        ),
        kinds={k.code: k for k in DocumentKind.objects.all()},
    )


_holders: dict[tuple[int, str, str], Any] = {}


def holder_of(authority: Any, user: Any, organization: Any) -> Any:
    """The user's signing certificate of `organization` from the test CA (one per person)."""
    key = (id(authority), user.person.iin, organization.bin)
    if key not in _holders:
        _holders[key] = issue_for(authority, user.person, organization)
    return _holders[key]


def sign_step(authority: Any, step: Any, holder: Any = None, **options: Any) -> Any:
    """The assignee signs the step's content with their own key (or `holder`'s) and submits it."""
    step.refresh_from_db()
    organization = step.document.organization
    holder = holder or holder_of(authority, step.assignee, organization)
    cms = authority.sign(holder, signing.step_content(step), **options)
    return signing.step_sign(actor=actor_for(step.assignee), step=step, cms=cms)


def pass_route(document: Any, authority: Any = None) -> Any:
    """Every pending step approves — or, at a signature step, signs — until the route ends."""
    while step := document.steps.filter(status=StepStatus.PENDING).first():
        if step.requires_signature:
            sign_step(authority, step)
        else:
            services.step_approve(actor=actor_for(step.assignee), step=step)
    document.refresh_from_db()
    return document


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
