"""Reads of documents, all starting from `scope.visible` (EDMS-23: search, monitoring)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from oqu.access import scope
from oqu.access.scope import Actor

from .models import (
    Attachment,
    Document,
    DocumentKind,
    DocumentStatus,
    RouteStep,
    Signature,
    StepStatus,
)
from .text import normalize

VIEW = "edms.document.view"
MONITOR = "edms.monitor.view"
MAX_SEARCH_WORDS = 8


def kinds() -> QuerySet[DocumentKind]:
    return DocumentKind.objects.filter(is_active=True).order_by("group", "code")


def _documents(actor: Actor) -> QuerySet[Document]:
    """In a subtree where the actor sees documents, or given to the actor to execute."""
    if actor.is_anonymous:
        return Document.objects.none()
    allowed = scope.path_filter(actor, VIEW, "organization__path") | Q(executor=actor.user)
    return Document.objects.filter(allowed).select_related(
        "kind", "organization", "executor", "author", "recipient"
    )


def document_get(actor: Actor, document_id: Any) -> Document:
    return scope.get_in(_documents(actor), document_id, actor, VIEW)


def _words(query: str) -> list[str]:
    return [w for w in normalize(query).lower().split(" ") if w][:MAX_SEARCH_WORDS]


def _text_filter(qs: QuerySet[Document], query: str) -> QuerySet[Document]:
    """Whole words by full-text search, parts of words by substring (trigram index on PostgreSQL).

    On PostgreSQL a document matches when the `simple` full-text query matches or every word
    occurs as a part of a word (LIKE, served by the pg_trgm GIN index); it is ranked by the
    full-text rank. Elsewhere (SQLite) every word must occur. The column and the words are
    lower-cased, so case never matters.
    """
    words = _words(query)
    if not words:
        return qs
    partial = Q()
    for word in words:
        partial &= Q(search_text__contains=word)  # both sides lower-cased
    if connection.vendor != "postgresql":
        return qs.filter(partial)
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = SearchVector("search_text", config="simple")
    fts = SearchQuery(" ".join(words), config="simple", search_type="plain")
    return (
        qs.annotate(search=vector, rank=SearchRank(vector, fts))
        .filter(Q(search=fts) | partial)
        .order_by("-rank", "-created_at")
    )


def document_list(
    actor: Actor,
    *,
    organization: Any = None,
    kind: str = "",
    status: str = "",
    number: str = "",
    query: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Document]:
    """Documents in the actor's scope, by attributes and by words of the text and attachments."""
    qs = _documents(actor)
    if organization is not None:
        qs = qs.filter(organization=organization)
    if kind:
        qs = qs.filter(kind__code=kind)
    if status:
        qs = qs.filter(status=status)
    if number:
        qs = qs.filter(number__icontains=number.strip())
    if date_from:
        qs = qs.filter(registered_on__gte=date_from)
    if date_to:
        qs = qs.filter(registered_on__lte=date_to)
    return _text_filter(qs, query)


def steps_of(document: Document) -> list[RouteStep]:
    return list(
        document.steps.select_related("assignee", "version").order_by(
            "version__number", "stage", "created_at"
        )
    )


def signatures_of(document: Document, *, version: Any = None) -> list[Signature]:
    """The document's signatures (of one version when given) with their checks, in two
    queries whatever their number."""
    qs = document.signatures.select_related("verification", "latest_verification", "version")
    if version is not None:
        qs = qs.filter(version=version)
    return list(qs.order_by("version__number", "created_at"))


def signers(signatures: list[Signature]) -> list[dict[str, Any]]:
    """What a verification page and a stamp say of each signature: the name, IIN-free, and
    organization from the certificate, when it was signed and what its latest check found."""
    rows = []
    for signature in signatures:
        first, current = signature.verification, signature.current_check
        rows.append(
            {
                "name": first.signer_name,
                "organization": first.signer_organization,
                "bin": first.signer_bin,
                "signed_at": first.signed_at or first.checked_at,
                "checked_at": current.checked_at,
                "valid": current.is_valid,
                "outcome": current.get_outcome_display(),
                "origin": signature.get_origin_display(),
            }
        )
    return rows


def attachments_of(document: Document) -> list[Attachment]:
    return list(document.attachments.order_by("created_at"))


def attachment_get(actor: Actor, attachment_id: Any) -> Attachment:
    qs = scope.visible(actor, VIEW, Attachment.objects.select_related("document"))
    return scope.get_in(qs, attachment_id, actor, VIEW)


def step_get(actor: Actor, step_id: Any) -> RouteStep:
    qs = scope.visible(actor, VIEW, RouteStep.objects.select_related("document", "version"))
    return scope.get_in(qs, step_id, actor, VIEW)


def my_steps(actor: Actor) -> QuerySet[RouteStep]:
    """The steps awaiting the actor's action, oldest deadline first."""
    if actor.is_anonymous:
        return RouteStep.objects.none()
    return (
        RouteStep.objects.filter(assignee=actor.user, status=StepStatus.PENDING)
        .select_related("document", "document__kind", "document__organization")
        .order_by("due_date", "created_at")
    )


def my_executions(actor: Actor) -> QuerySet[Document]:
    if actor.is_anonymous:
        return Document.objects.none()
    return (
        Document.objects.filter(executor=actor.user, status=DocumentStatus.EXECUTING)
        .select_related("kind", "organization")
        .order_by("due_date")
    )


def overdue_steps(
    actor: Actor, *, organization: Any = None, today: dt.date | None = None
) -> QuerySet[RouteStep]:
    today = today or timezone.localdate()
    qs = scope.visible(actor, MONITOR, RouteStep.objects.all()).filter(
        status=StepStatus.PENDING, due_date__lt=today
    )
    if organization is not None:
        qs = qs.filter(organization=organization)
    return qs.select_related("document", "document__kind", "assignee", "organization").order_by(
        "due_date"
    )


def overdue_executions(
    actor: Actor, *, organization: Any = None, today: dt.date | None = None
) -> QuerySet[Document]:
    """Execution monitoring for the head: documents in execution past their deadline."""
    today = today or timezone.localdate()
    qs = scope.visible(actor, MONITOR, Document.objects.all()).filter(
        status=DocumentStatus.EXECUTING, due_date__lt=today
    )
    if organization is not None:
        qs = qs.filter(organization=organization)
    return qs.select_related("kind", "executor", "organization").order_by("due_date")


def verification(token: str) -> dict[str, Any] | None:
    """What the public verification page shows for a registered document's QR token."""
    if not token or len(token) > 40:
        return None
    document = (
        Document.objects.filter(public_token=token, sequence__isnull=False)
        .select_related("kind", "organization")
        .first()
    )
    if document is None:
        return None
    version = document.versions.filter(approved_at__isnull=False).order_by("-number").first()
    approvals = [
        {"name": public_name(s.assignee), "at": s.acted_at, "signature": s.requires_signature}
        for s in (
            version.steps.select_related("assignee__person").filter(status=StepStatus.APPROVED)
            if version
            else []
        )
    ]
    signed = signers(signatures_of(document, version=version)) if version else []
    return {
        "document": document,
        "version": version,
        "approvals": approvals,
        "signers": signed,
    }


def public_name(user: Any) -> str:
    """A name fit for a public page: the person's or the account's full name, never the login
    (which may be an IIN or an e-mail address)."""
    person = getattr(user, "person", None)
    if person is not None:
        from django.utils.translation import get_language

        return person.full_name("kk" if (get_language() or "kk").startswith("kk") else "ru")
    return user.get_full_name() or "—"


def _user_name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def user_name(user: Any) -> str:
    return _user_name(user)


def executors(organization: Any) -> list[Any]:
    """Who may be given a document to execute: everyone with an active grant on the organization."""
    from oqu.access.models import Grant

    now = timezone.now()
    grants = (
        Grant.objects.filter(unit=organization, valid_from__lte=now)
        .exclude(valid_to__lte=now)
        .select_related("user")
        .order_by("user__username")
    )
    seen: dict[Any, Any] = {}
    for grant in grants:
        if grant.user.is_active:
            seen.setdefault(grant.user_id, grant.user)
    return list(seen.values())
