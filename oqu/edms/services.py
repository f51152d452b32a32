"""Documents: validate → `scope.require` → change → journal, in one transaction (EDMS-20…23).

Registration numbers come from a counter row per organization, kind and year, locked with
SELECT … FOR UPDATE in the registering transaction: concurrent registrations queue on that row,
so numbers have no gaps and no duplicates (a rolled-back registration gives its number back).

A route is a list of stages run one after another; the steps of a stage run in parallel, and the
next stage starts only when every step of the current one approved. A rejection stops the route;
a return sends the document back to its author for revision, and a new round starts from a new
version. Every action on a route step locks the document row, so two parallel approvers cannot
both believe they were the last one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from oqu.access import scope
from oqu.access.models import Grant
from oqu.access.scope import Actor
from oqu.audit import journal
from oqu.kernel import calendar
from oqu.kernel.errors import Conflict, Forbidden, ValidationError
from oqu.notifications.services import notification_send

from . import text
from .models import (
    EDITABLE_STATUSES,
    Attachment,
    Document,
    DocumentKind,
    DocumentStatus,
    DocumentVersion,
    KindGroup,
    RegistrationCounter,
    RouteStep,
    StepStatus,
)

VIEW = "edms.document.view"
MANAGE = "edms.document.manage"
APPROVE = "edms.document.approve"
SIGN = "edms.document.sign"
MONITOR = "edms.monitor.view"
EXPORT = "edms.archive.export"

DOCUMENT_FIELDS = [
    "kind_id",
    "title",
    "body",
    "fields",
    "status",
    "number",
    "registered_on",
    "executor_id",
    "due_date",
    "correspondent",
    "recipient_id",
    "sent_at",
    "archived_at",
    "retention_until",
]
MAX_STAGES = 10
MAX_STEPS_PER_STAGE = 20
MAX_DAYS = 60
MAX_ATTACHMENTS = 20


# -- fields of a kind ---------------------------------------------------------------------------


def _field_error(name: str, code: str) -> ValidationError:
    return ValidationError(
        _("Some fields of the document are not valid."),
        code="document_fields",
        fields={f"fields.{name}": [code]},
    )


def _clean_value(spec: dict[str, Any], raw: Any) -> Any:
    name, kind = spec["name"], spec.get("type", "text")
    value = raw.strip() if isinstance(raw, str) else raw
    if kind == "text":
        if not isinstance(value, str) or len(value) > 500:
            raise _field_error(name, "invalid")
        return value
    if kind == "date":
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise _field_error(name, "date") from None
    if kind == "number":
        try:
            number = Decimal(str(value).replace(" ", "").replace(",", "."))
        except InvalidOperation:
            raise _field_error(name, "number") from None
        if not number.is_finite() or number < 0 or number > Decimal("1e15"):
            raise _field_error(name, "number")
        return str(number)
    if kind == "choice":
        if value not in spec.get("choices", []):
            raise _field_error(name, "choice")
        return value
    raise _field_error(name, "invalid")


def clean_fields(kind: DocumentKind, raw: dict[str, Any] | None) -> dict[str, Any]:
    """The values of the kind's fields, checked against its schema; unknown names refused."""
    raw = dict(raw or {})
    known = {spec["name"] for spec in kind.field_schema}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise _field_error(unknown[0], "unknown")
    cleaned: dict[str, Any] = {}
    for spec in kind.field_schema:
        value = raw.get(spec["name"])
        if value is None or (isinstance(value, str) and not value.strip()):
            if spec.get("required"):
                raise _field_error(spec["name"], "required")
            continue
        cleaned[spec["name"]] = _clean_value(spec, value)
    return cleaned


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title or len(title) > 300:
        raise ValidationError(
            _("Give the document a title (up to 300 characters)."),
            code="document_title",
            fields={"title": ["required"]},
        )
    return title


# -- documents -----------------------------------------------------------------------------------


def _snapshot(document: Document) -> dict[str, Any]:
    return journal.snapshot(document, DOCUMENT_FIELDS)


def refresh_search_text(document: Document) -> None:
    """What search looks through: title, number, correspondent, text, fields, attachments' text."""
    parts = [document.title, document.number, document.correspondent, document.body]
    parts += [str(v) for v in (document.fields or {}).values()]
    parts += list(document.attachments.values_list("text", flat=True))
    # lower-cased here, so that a plain substring match is case-insensitive on every database
    # (SQLite folds only ASCII letters; Kazakh and Russian letters would not match otherwise)
    document.search_text = text.normalize(" ".join(p for p in parts if p)).lower()
    Document.objects.filter(pk=document.pk).update(search_text=document.search_text)


@transaction.atomic
def document_create(
    *,
    actor: Actor,
    organization: Any,
    kind: DocumentKind,
    title: str,
    body: str = "",
    fields: dict[str, Any] | None = None,
    correspondent: str = "",
    recipient: Any = None,
) -> Document:
    """A draft of any pre-configured kind; an outgoing letter may name a platform recipient."""
    scope.require(actor, MANAGE, organization)
    if not kind.is_active:
        raise ValidationError(code="document_kind", fields={"kind": ["inactive"]})
    if recipient is not None and (
        kind.group != KindGroup.OUTGOING or recipient.kind != "organization"
    ):
        raise ValidationError(
            _("Only an outgoing letter is sent, and only to an organization."),
            code="document_recipient",
            fields={"recipient_id": ["invalid"]},
        )
    document = Document.objects.create(
        organization=organization,
        kind=kind,
        title=_clean_title(title),
        body=(body or "").strip(),
        fields=clean_fields(kind, fields),
        correspondent=(correspondent or "").strip()[:300],
        recipient=recipient,
        author=actor.user,
    )
    refresh_search_text(document)
    journal.record(
        actor=actor, action="edms.document.create", target=document, after=_snapshot(document)
    )
    return document


def _require_editable(document: Document) -> None:
    if document.status not in EDITABLE_STATUSES:
        raise Conflict(
            _("Only a draft or a document returned for revision can be changed."),
            code="document_not_editable",
        )


@transaction.atomic
def document_change(
    *,
    actor: Actor,
    document: Document,
    title: str | None = None,
    body: str | None = None,
    fields: dict[str, Any] | None = None,
    correspondent: str | None = None,
) -> Document:
    scope.require(actor, MANAGE, document.organization, target=document)
    document = Document.objects.select_for_update().get(pk=document.pk)
    _require_editable(document)
    before = _snapshot(document)
    if title is not None:
        document.title = _clean_title(title)
    if body is not None:
        document.body = body.strip()
    if fields is not None:
        document.fields = clean_fields(document.kind, fields)
    if correspondent is not None:
        document.correspondent = correspondent.strip()[:300]
    document.save()
    refresh_search_text(document)
    old, new = journal.changed(before, _snapshot(document))
    journal.record(
        actor=actor, action="edms.document.change", target=document, before=old, after=new
    )
    return document


@transaction.atomic
def attachment_add(*, actor: Actor, document: Document, upload: Any) -> Attachment:
    """A file checked by its content; the text of a PDF or a text file is kept for search."""
    from django.core.files.base import ContentFile

    from oqu.lms.files import check_upload

    scope.require(actor, MANAGE, document.organization, target=document)
    document = Document.objects.select_for_update().get(pk=document.pk)
    _require_editable(document)
    if document.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(
            _("A document has at most 20 attachments."),
            code="attachments_too_many",
            fields={"file": ["too_many"]},
        )
    checked = check_upload(upload)
    attachment = Attachment(
        organization=document.organization,
        document=document,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        text=text.extract(checked.content, checked.content_type),
        uploaded_by=actor.user,
    )
    attachment.file.save(checked.name, ContentFile(checked.content), save=False)
    attachment.save()
    refresh_search_text(document)
    journal.record(
        actor=actor,
        action="edms.attachment.add",
        target=document,
        after={"attachment": str(attachment.pk), "name": checked.name, "sha256": checked.sha256},
    )
    return attachment


@transaction.atomic
def attachment_remove(*, actor: Actor, attachment: Attachment) -> None:
    document = attachment.document
    scope.require(actor, MANAGE, document.organization, target=document)
    document = Document.objects.select_for_update().get(pk=document.pk)
    _require_editable(document)
    before = {"attachment": str(attachment.pk), "name": attachment.original_name}
    attachment.file.delete(save=False)
    attachment.delete()
    refresh_search_text(document)
    journal.record(actor=actor, action="edms.attachment.remove", target=document, before=before)


# -- versions ------------------------------------------------------------------------------------


def canonical_content(
    kind_code: str, title: str, body: str, fields: dict[str, Any], attachments: list[dict[str, str]]
) -> bytes:
    """The canonical JSON of a version's content: the exact bytes an approval covers and an EDS
    signs (attachments by name and SHA-256, so a signature covers their bytes too)."""
    return json.dumps(
        {
            "kind": kind_code,
            "title": title,
            "body": body,
            "fields": fields,
            "attachments": [{"name": a["name"], "sha256": a["sha256"]} for a in attachments],
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    ).encode("utf-8")


def content_hash(
    kind_code: str, title: str, body: str, fields: dict[str, Any], attachments: list[dict[str, str]]
) -> str:
    """SHA-256 of the canonical content: what an approval (and a signature) covers."""
    return hashlib.sha256(
        canonical_content(kind_code, title, body, fields, attachments)
    ).hexdigest()


def version_content(version: DocumentVersion) -> bytes:
    """The bytes a signer of `version` signs; refuses a version whose stored hash disagrees."""
    content = canonical_content(
        version.document.kind.code, version.title, version.body, version.fields, version.attachments
    )
    if hashlib.sha256(content).hexdigest() != version.content_sha256:
        raise Conflict(
            _("The version's content does not match its stored hash."), code="version_corrupted"
        )
    return content


def _freeze_version(actor: Actor, document: Document) -> DocumentVersion:
    attachments = [
        {"id": str(a.pk), "name": a.original_name, "sha256": a.sha256}
        for a in document.attachments.order_by("created_at")
    ]
    number = (
        document.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    return DocumentVersion.objects.create(
        organization=document.organization,
        document=document,
        number=number,
        title=document.title,
        body=document.body,
        fields=document.fields,
        attachments=attachments,
        content_sha256=content_hash(
            document.kind.code, document.title, document.body, document.fields, attachments
        ),
        created_by=actor.user,
    )


def latest_version(document: Document) -> DocumentVersion | None:
    return document.versions.order_by("-number").first()


def approved_version(document: Document) -> DocumentVersion | None:
    """The version the route approved (what was registered, signed and sent)."""
    return document.versions.filter(approved_at__isnull=False).order_by("-number").first()


# -- routes --------------------------------------------------------------------------------------


def _holders(organization: Any, capability: str) -> list[Any]:
    """Users with an active grant on the organization itself whose role holds `capability`."""
    now = timezone.now()
    grants = (
        Grant.objects.filter(unit=organization, valid_from__lte=now, role__is_active=True)
        .exclude(valid_to__lte=now)
        .select_related("user", "role")
        .order_by("user__username")
    )
    users: dict[Any, Any] = {}
    for grant in grants:
        if capability in grant.role.capabilities and grant.user.is_active:
            users.setdefault(grant.user_id, grant.user)
    return list(users.values())


def default_stages(document: Document) -> list[list[dict[str, Any]]]:
    """The kind's default route resolved to people: every holder of a step's capability."""
    stages = []
    for stage in document.kind.default_route:
        steps = []
        for spec in stage:
            holders = _holders(document.organization, spec["capability"])
            if spec["capability"] == APPROVE and len(holders) > 1:
                holders = [u for u in holders if u.pk != document.author_id] or holders
            if not holders:
                raise ValidationError(
                    _(
                        "Nobody in the organization can take a step of this route: give the role first."
                    ),
                    code="route_no_assignee",
                    fields={"stages": [spec["capability"]]},
                )
            steps += [
                {
                    "assignee": u,
                    "days": spec.get("days", 2),
                    "signature": spec.get("signature", False),
                }
                for u in holders
            ]
        stages.append(steps)
    return stages


def _route_error(code: str, message: str) -> ValidationError:
    return ValidationError(message, code=code, fields={"stages": [code]})


def clean_stages(document: Document, raw: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    """A route given by the author: assignees must act for the organization (approve or sign)."""
    user_model = get_user_model()
    if not raw or len(raw) > MAX_STAGES or any(not s or len(s) > MAX_STEPS_PER_STAGE for s in raw):
        raise _route_error("route_shape", _("A route has 1–10 stages of 1–20 steps each."))
    ids = {str(step.get("assignee_id")) for stage in raw for step in stage}
    users = {str(u.pk): u for u in user_model.objects.filter(pk__in=ids, is_active=True)}
    stages = []
    for stage in raw:
        steps, seen = [], set()
        for step in stage:
            user = users.get(str(step.get("assignee_id")))
            days = int(step.get("days") or 2)
            signature = bool(step.get("signature"))
            needed = SIGN if signature else APPROVE
            if user is None or not scope.actor_for(user).can_at(needed, document.organization.path):
                raise _route_error(
                    "route_assignee",
                    _(
                        "Every step must go to someone who may approve (or sign) for the organization."
                    ),
                )
            if not 1 <= days <= MAX_DAYS or user.pk in seen:
                raise _route_error(
                    "route_step", _("Each step needs 1–60 working days and one person.")
                )
            seen.add(user.pk)
            steps.append({"assignee": user, "days": days, "signature": signature})
        stages.append(steps)
    return stages


def _link(document: Document) -> str:
    return reverse("edms:document", args=[document.pk])


def _notify(user: Any, document: Document, subject: str, body: str = "") -> None:
    notification_send(
        user=user, topic="edms", subject=subject[:300], body=body, link=_link(document)
    )


def _activate_stage(document: Document, version: DocumentVersion, stage: int) -> list[RouteStep]:
    today = timezone.localdate()
    steps = list(version.steps.filter(stage=stage, status=StepStatus.WAITING))
    for step in steps:
        step.status = StepStatus.PENDING
        step.due_date = calendar.add_working_days(today, step.days)
        step.save(update_fields=["status", "due_date", "updated_at"])
        subject = (
            _("Sign the document: %(title)s")
            if step.requires_signature
            else _("Approve the document: %(title)s")
        ) % {"title": document.title}
        _notify(step.assignee, document, subject, _("Deadline: %(date)s") % {"date": step.due_date})
    return steps


@transaction.atomic
def route_start(
    *, actor: Actor, document: Document, stages: list[list[dict[str, Any]]] | None = None
) -> DocumentVersion:
    """Freeze the content into a new version and send it along the route (the kind's default
    route unless the author gives one); the first stage's approvers are notified."""
    scope.require(actor, MANAGE, document.organization, target=document)
    document = (
        Document.objects.select_for_update()
        .select_related("kind", "organization")
        .get(pk=document.pk)
    )
    _require_editable(document)
    if not document.kind.default_route and not stages:
        raise Conflict(
            _("This kind of document is registered without a route."), code="route_not_used"
        )
    resolved = clean_stages(document, stages) if stages else default_stages(document)
    before = _snapshot(document)
    version = _freeze_version(actor, document)
    for number, stage in enumerate(resolved, start=1):
        for step in stage:
            RouteStep.objects.create(
                organization=document.organization,
                document=document,
                version=version,
                stage=number,
                assignee=step["assignee"],
                days=step["days"],
                requires_signature=step["signature"],
            )
    document.status = DocumentStatus.ON_ROUTE
    document.save(update_fields=["status", "updated_at"])
    _activate_stage(document, version, 1)
    after = {
        **_snapshot(document),
        "version": version.number,
        "content_sha256": version.content_sha256,
        "stages": [[str(s["assignee"].pk) for s in stage] for stage in resolved],
    }
    journal.record(
        actor=actor, action="edms.route.start", target=document, before=before, after=after
    )
    return version


def lock_step(actor: Actor, step: RouteStep) -> tuple[Document, RouteStep]:
    document = (
        Document.objects.select_for_update()
        .select_related("kind", "organization")
        .get(pk=step.document_id)
    )
    step = RouteStep.objects.select_related("version").get(pk=step.pk)
    needed = SIGN if step.requires_signature else APPROVE
    scope.require(actor, needed, document.organization, target=document)
    if step.assignee_id != getattr(actor.user, "pk", None):
        raise Forbidden(_("This step is assigned to someone else."), code="step_not_yours")
    if step.status != StepStatus.PENDING or document.status != DocumentStatus.ON_ROUTE:
        raise Conflict(_("This step is not awaiting action."), code="step_not_pending")
    return document, step


def mark_step(step: RouteStep, status: str, comment: str) -> None:
    step.status = status
    step.comment = comment
    step.acted_at = timezone.now()
    step.save(update_fields=["status", "comment", "acted_at", "updated_at"])


def journal_step(
    actor: Actor, action: str, document: Document, step: RouteStep, **extra: Any
) -> None:
    journal.record(
        actor=actor,
        action=action,
        target=document,
        after={
            "step": str(step.pk),
            "stage": step.stage,
            "status": step.status,
            "comment": step.comment,
            "version": step.version.number,
            "content_sha256": step.version.content_sha256,
            **extra,
        },
    )


@transaction.atomic
def step_approve(*, actor: Actor, step: RouteStep, comment: str = "") -> RouteStep:
    """Approve the pending step. A step that needs an EDS is approved only by signing it
    (`signing.step_sign`). When the whole stage approved, the next one starts; after the last
    stage the version is approved and the document registered."""
    document, step = lock_step(actor, step)
    if step.requires_signature:
        raise Conflict(
            _("This step is approved by signing the document with your EDS."),
            code="signature_required",
        )
    mark_step(step, StepStatus.APPROVED, (comment or "").strip()[:2000])
    journal_step(actor, "edms.step.approve", document, step)
    advance_route(actor, document, step)
    return step


def advance_route(actor: Actor, document: Document, step: RouteStep) -> None:
    """After an approval: parallel steps wait for all; then the next stage, or registration."""
    version = step.version
    if version.steps.filter(stage=step.stage).exclude(status=StepStatus.APPROVED).exists():
        return
    next_stage = (
        version.steps.filter(stage__gt=step.stage)
        .order_by("stage")
        .values_list("stage", flat=True)
        .first()
    )
    if next_stage is not None:
        _activate_stage(document, version, next_stage)
    else:
        _register(actor, document, version)


def _stop_route(document: Document, step: RouteStep, status: str) -> None:
    step.version.steps.filter(status__in=[StepStatus.WAITING, StepStatus.PENDING]).update(
        status=StepStatus.CANCELLED, updated_at=timezone.now()
    )
    document.status = status
    document.save(update_fields=["status", "updated_at"])


def _require_comment(comment: str) -> str:
    comment = (comment or "").strip()[:2000]
    if not comment:
        raise ValidationError(
            _("Say why in a comment."), code="comment_required", fields={"comment": ["required"]}
        )
    return comment


@transaction.atomic
def step_reject(*, actor: Actor, step: RouteStep, comment: str) -> RouteStep:
    """Reject with a comment: the route stops and the author is told why."""
    comment = _require_comment(comment)
    document, step = lock_step(actor, step)
    mark_step(step, StepStatus.REJECTED, comment)
    _stop_route(document, step, DocumentStatus.REJECTED)
    journal_step(actor, "edms.step.reject", document, step)
    if document.author:
        _notify(
            document.author,
            document,
            _("The document was rejected: %(title)s") % {"title": document.title},
            comment,
        )
    return step


@transaction.atomic
def step_return(*, actor: Actor, step: RouteStep, comment: str) -> RouteStep:
    """Return for revision with a comment: the author edits and sends a new version."""
    comment = _require_comment(comment)
    document, step = lock_step(actor, step)
    mark_step(step, StepStatus.RETURNED, comment)
    _stop_route(document, step, DocumentStatus.RETURNED)
    journal_step(actor, "edms.step.return", document, step)
    if document.author:
        _notify(
            document.author,
            document,
            _("The document was returned for revision: %(title)s") % {"title": document.title},
            comment,
        )
    return step


# -- registration --------------------------------------------------------------------------------


def format_number(kind: DocumentKind, sequence: int, year: int) -> str:
    return kind.number_pattern.format(prefix=kind.prefix, seq=sequence, year=year)


def next_number(organization: Any, kind: DocumentKind, year: int) -> int:
    """Take the next number of (organization, kind, year) under a row lock held until commit."""
    RegistrationCounter.objects.bulk_create(
        [RegistrationCounter(organization=organization, kind=kind, year=year)],
        ignore_conflicts=True,
    )
    counter = RegistrationCounter.objects.select_for_update().get(
        organization=organization, kind=kind, year=year
    )
    counter.last_number += 1
    counter.save(update_fields=["last_number", "updated_at"])
    return counter.last_number


def _register(actor: Actor, document: Document, version: DocumentVersion) -> None:
    before = _snapshot(document)
    today = timezone.localdate()
    sequence = next_number(document.organization, document.kind, today.year)
    version.approved_at = timezone.now()
    version.save(update_fields=["approved_at", "updated_at"])
    document.sequence = sequence
    document.year = today.year
    document.number = format_number(document.kind, sequence, today.year)
    document.registered_on = today
    document.public_token = secrets.token_urlsafe(18)
    document.status = DocumentStatus.REGISTERED
    document.save()
    refresh_search_text(document)
    after = {
        **_snapshot(document),
        "version": version.number,
        "content_sha256": version.content_sha256,
    }
    journal.record(
        actor=actor, action="edms.document.register", target=document, before=before, after=after
    )
    if document.author and document.author_id != getattr(actor.user, "pk", None):
        _notify(
            document.author,
            document,
            _("The document was approved and registered under number %(number)s")
            % {"number": document.number},
        )


@transaction.atomic
def document_register(*, actor: Actor, document: Document) -> Document:
    """Register a document whose kind has no route (an incoming letter on receipt)."""
    scope.require(actor, MANAGE, document.organization, target=document)
    document = (
        Document.objects.select_for_update()
        .select_related("kind", "organization")
        .get(pk=document.pk)
    )
    _require_editable(document)
    if document.kind.default_route:
        raise Conflict(
            _("This document is registered when its route approves it."), code="register_by_route"
        )
    version = _freeze_version(actor, document)
    _register(actor, document, version)
    return document


# -- execution, sending, archive -----------------------------------------------------------------


def _org_member(organization: Any, user_id: Any) -> Any:
    now = timezone.now()
    grant = (
        Grant.objects.filter(unit=organization, user_id=user_id, valid_from__lte=now)
        .exclude(valid_to__lte=now)
        .select_related("user")
        .first()
    )
    if grant is None or not grant.user.is_active:
        raise ValidationError(
            _("The executor must work in the organization."),
            code="executor_invalid",
            fields={"executor_id": ["invalid"]},
        )
    return grant.user


@transaction.atomic
def document_assign(
    *, actor: Actor, document: Document, executor_id: Any, due_date: dt.date | None = None
) -> Document:
    """Send a registered document to an executor with a deadline (the kind's working days)."""
    scope.require(actor, MANAGE, document.organization, target=document)
    document = Document.objects.select_for_update().select_related("kind").get(pk=document.pk)
    if document.status not in (DocumentStatus.REGISTERED, DocumentStatus.EXECUTING):
        raise Conflict(
            _("Only a registered document is sent for execution."), code="document_not_registered"
        )
    executor = _org_member(document.organization, executor_id)
    today = timezone.localdate()
    if due_date is None:
        due_date = calendar.add_working_days(today, document.kind.execution_days or 5)
    if due_date < today:
        raise ValidationError(
            _("The deadline cannot be in the past."),
            code="due_date_past",
            fields={"due_date": ["past"]},
        )
    before = _snapshot(document)
    document.executor = executor
    document.due_date = due_date
    document.status = DocumentStatus.EXECUTING
    document.save()
    old, new = journal.changed(before, _snapshot(document))
    journal.record(
        actor=actor, action="edms.document.assign", target=document, before=old, after=new
    )
    _notify(
        executor,
        document,
        _("Execute the document %(number)s by %(date)s")
        % {"number": document.number, "date": due_date},
    )
    return document


@transaction.atomic
def document_execute(*, actor: Actor, document: Document, comment: str = "") -> Document:
    """Mark as executed: the executor, or whoever keeps the organization's documents."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.executor_id != getattr(actor.user, "pk", None):
        # the executor closes their own task by relation; anyone else must keep the office
        scope.require(actor, MANAGE, document.organization, target=document)
    if document.status != DocumentStatus.EXECUTING:
        raise Conflict(_("The document is not in execution."), code="document_not_executing")
    before = _snapshot(document)
    document.status = DocumentStatus.DONE
    document.executed_at = timezone.now()
    document.save()
    journal.record(
        actor=actor,
        action="edms.document.execute",
        target=document,
        before=journal.changed(before, _snapshot(document))[0],
        after={"status": document.status, "comment": (comment or "").strip()[:2000]},
    )
    return document


@transaction.atomic
def document_archive(
    *, actor: Actor, document: Document, retention_years: int | None = None
) -> Document:
    """Transfer to the organization's archive, kept for the kind's (or the given) period."""
    scope.require(actor, MANAGE, document.organization, target=document)
    document = Document.objects.select_for_update().select_related("kind").get(pk=document.pk)
    if document.status not in (DocumentStatus.REGISTERED, DocumentStatus.DONE):
        raise Conflict(
            _("Only a registered or executed document goes to the archive."),
            code="document_not_archivable",
        )
    years = retention_years or document.kind.retention_years
    if not 1 <= years <= 100:
        raise ValidationError(
            _("The retention period is 1–100 years."),
            code="retention_invalid",
            fields={"retention_years": ["range"]},
        )
    before = _snapshot(document)
    today = timezone.localdate()
    document.status = DocumentStatus.ARCHIVED
    document.archived_at = timezone.now()
    try:
        document.retention_until = today.replace(year=today.year + years)
    except ValueError:  # 29 February
        document.retention_until = today.replace(year=today.year + years, day=28)
    document.save()
    old, new = journal.changed(before, _snapshot(document))
    journal.record(
        actor=actor, action="edms.document.archive", target=document, before=old, after=new
    )
    return document


@transaction.atomic
def document_send(*, actor: Actor, document: Document) -> Document:
    """Deliver a registered outgoing letter to its recipient on the platform: it becomes an
    incoming letter of the recipient, registered there with the recipient's own number."""
    scope.require(actor, MANAGE, document.organization, target=document)
    document = (
        Document.objects.select_for_update(of=("self",))
        .select_related("kind", "recipient", "organization")
        .get(pk=document.pk)
    )
    if document.kind.group != KindGroup.OUTGOING or document.recipient is None:
        raise Conflict(
            _("Only an outgoing letter with a recipient is sent."), code="send_no_recipient"
        )
    if document.status not in (DocumentStatus.REGISTERED, DocumentStatus.DONE) or document.sent_at:
        raise Conflict(_("The letter is sent once, after registration."), code="send_not_ready")
    from .signing import signed_copies

    incoming = receive(
        actor=actor,
        organization=document.recipient,
        title=document.title,
        body=document.body,
        correspondent=document.organization.name,
        sender_number=document.number,
        sender_date=document.registered_on,
        files=[(a.original_name, a.file.open("rb").read()) for a in document.attachments.all()],
        source=document,
        signatures=signed_copies(approved_version(document)),
        sender=document.organization,
    )
    before = _snapshot(document)
    document.sent_at = timezone.now()
    document.save(update_fields=["sent_at", "updated_at"])
    journal.record(
        actor=actor,
        action="edms.document.send",
        target=document,
        before={"sent_at": before["sent_at"]},
        after={
            "sent_at": document.sent_at,
            "delivered_as": str(incoming.pk),
            "recipient": str(document.recipient_id),
        },
    )
    return document


class _Upload:
    """A stored file handed to `check_upload` again, so a received file is checked like any."""

    def __init__(self, name: str, content: bytes) -> None:
        self.name, self._content, self.size = name, content, len(content)

    def read(self, limit: int = -1) -> bytes:
        return self._content if limit < 0 else self._content[:limit]


def receive(
    *,
    actor: Actor,
    organization: Any,
    title: str,
    body: str,
    correspondent: str,
    sender_number: str,
    sender_date: dt.date | None,
    files: list[tuple[str, bytes]],
    source: Document | None = None,
    signatures: list[Any] | None = None,
    sender: Any = None,
) -> Document:
    """An incoming letter of `organization`, registered at once (the system acts for it). The
    signatures that came with it (`signing.SignedCopy`) are each checked and kept with their
    result — from `sender` (an organization on the platform) the key must be that sender's."""
    from django.core.files.base import ContentFile

    from oqu.lms.files import check_upload

    from .signing import attach_received

    kind = DocumentKind.objects.get(code="incoming")
    document = Document.objects.create(
        organization=organization,
        kind=kind,
        title=_clean_title(title),
        body=body,
        fields=clean_fields(
            kind,
            {
                "correspondent_number": sender_number,
                "correspondent_date": sender_date.isoformat() if sender_date else "",
            },
        ),
        correspondent=correspondent[:300],
        source_document=source,
    )
    for name, content in files:
        checked = check_upload(_Upload(name, content))
        attachment = Attachment(
            organization=organization,
            document=document,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            text=text.extract(checked.content, checked.content_type),
        )
        attachment.file.save(checked.name, ContentFile(checked.content), save=False)
        attachment.save()
    journal.record(
        actor=actor, action="edms.document.receive", target=document, after=_snapshot(document)
    )
    version = _freeze_version(actor, document)
    _register(actor, document, version)
    attach_received(
        actor=actor, document=document, version=version, copies=signatures or [], sender=sender
    )
    for user in _holders(organization, MANAGE):
        _notify(user, document, _("A letter has arrived: %(title)s") % {"title": document.title})
    return document


# -- exports -------------------------------------------------------------------------------------


def document_pdf_export(*, actor: Actor, document: Document, verify_url: str) -> bytes:
    """The registered document as PDF with its stamp and QR code; the export is journaled."""
    from . import export

    if document.sequence is None:
        raise Conflict(_("Only a registered document is exported."), code="document_not_registered")
    content = export.document_pdf(document, verify_url)
    journal.record(
        actor=actor,
        action="edms.document.export",
        target=document,
        after={"format": "pdf", "sha256": hashlib.sha256(content).hexdigest()},
    )
    return content


def archive_export(*, actor: Actor, organization: Any) -> Any:
    """The organization's full archive in open form, streamed; journaled before the first byte."""
    from . import export

    scope.require(actor, EXPORT, organization)
    documents = export.archive_documents(organization)
    journal.record(
        actor=actor,
        action="edms.archive.export",
        target=organization,
        after={"documents": documents.count()},
    )
    return export.stream_archive(organization, documents)


# -- the state bodies' unified EDMS (ЕСЭДО) --------------------------------------------------------


def _esedo_client() -> Any:
    from oqu.exchange.esedo.client import EsedoClient

    return EsedoClient.from_settings()


def esedo_send(*, actor: Actor, document: Document, recipient_bin: str) -> Any:
    """Send a registered outgoing letter to a state body through ЕСЭДО; the outcome is recorded
    (an unreachable peer is a 409 the user can retry, never a server error)."""
    from oqu.exchange.esedo.client import (
        EsedoFile,
        EsedoSignature,
        EsedoUnavailable,
        build_message,
    )

    from .models import ExchangeMessage
    from .signing import signed_copies

    scope.require(actor, MANAGE, document.organization, target=document)
    recipient_bin = (recipient_bin or "").strip()
    if not (recipient_bin.isdigit() and len(recipient_bin) == 12):
        raise ValidationError(
            _("A BIN has 12 digits."), code="bin_invalid", fields={"recipient_bin": ["invalid"]}
        )
    if document.kind.group != KindGroup.OUTGOING or document.sequence is None:
        raise Conflict(_("Only a registered outgoing letter is sent."), code="send_not_ready")
    version = approved_version(document)
    message = build_message(
        sender_bin=document.organization.bin,
        sender_name=document.organization.name,
        recipient_bin=recipient_bin,
        number=document.number,
        date=document.registered_on.isoformat(),
        title=document.title,
        body=document.body,
        content_sha256=version.content_sha256 if version else "",
        files=[
            EsedoFile(a.original_name, a.file.open("rb").read()) for a in document.attachments.all()
        ],
        signatures=[EsedoSignature(c.content, c.cms) for c in signed_copies(version)],
    )
    try:
        peer_id, status, error = _esedo_client().send(message), "accepted", ""
    except EsedoUnavailable as failure:
        peer_id, status, error = "", "failed", failure.reason
    with transaction.atomic():
        row = ExchangeMessage.objects.create(
            organization=document.organization,
            document=document,
            direction=ExchangeMessage.Direction.OUT,
            peer_message_id=peer_id,
            recipient_bin=recipient_bin,
            sender_bin=document.organization.bin,
            status=status,
            error=error,
        )
        if status == "accepted" and not document.sent_at:
            Document.objects.filter(pk=document.pk).update(sent_at=timezone.now())
        journal.record(
            actor=actor,
            action="edms.esedo.send",
            target=document,
            after={
                "message": str(row.pk),
                "peer_message_id": peer_id,
                "status": status,
                "error": error,
            },
        )
    if status != "accepted":
        raise Conflict(
            _("The unified EDMS of state bodies did not accept the letter now: try again later."),
            code="esedo_unavailable",
        )
    return row


def esedo_receive(*, actor: Actor, organization: Any) -> list[Document]:
    """Fetch the letters ЕСЭДО holds for the organization's BIN, register each as incoming, then
    acknowledge it (a letter is acknowledged only after it is stored)."""
    from oqu.exchange.esedo.client import EsedoUnavailable

    from .models import ExchangeMessage
    from .signing import SignedCopy

    scope.require(actor, MANAGE, organization)
    if not organization.bin:
        raise Conflict(_("The organization has no BIN."), code="organization_no_bin")
    client = _esedo_client()
    try:
        messages = client.inbox(organization.bin)
    except EsedoUnavailable:
        raise Conflict(
            _("The unified EDMS of state bodies does not answer now: try again later."),
            code="esedo_unavailable",
        ) from None
    received = []
    for message in messages:
        with transaction.atomic():
            if ExchangeMessage.objects.filter(
                organization=organization, direction="in", peer_message_id=message.message_id
            ).exists():
                continue
            document = receive(
                actor=actor,
                organization=organization,
                title=message.title,
                body=message.body,
                correspondent=f"{message.sender_name} ({message.sender_bin})",
                sender_number=message.number,
                sender_date=_iso_date(message.date),
                files=[(f.name, f.content) for f in message.files],
                signatures=[SignedCopy(s.content, s.cms) for s in message.signatures],
            )
            ExchangeMessage.objects.create(
                organization=organization,
                document=document,
                direction=ExchangeMessage.Direction.IN,
                peer_message_id=message.message_id,
                sender_bin=message.sender_bin,
                recipient_bin=message.recipient_bin,
                status="received",
            )
        received.append(document)
        # stored already: if the acknowledgement is lost, the duplicate check skips it next time
        with contextlib.suppress(EsedoUnavailable):
            client.acknowledge(message.message_id)
    return received


def _iso_date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


# -- reminders (a scheduled job) -----------------------------------------------------------------


def overdue_reminders(*, today: dt.date | None = None) -> int:
    """Remind approvers and executors past their deadline, once a day each (EDMS-23 p.7, p.9)."""
    from oqu.notifications.models import Notification

    today = today or timezone.localdate()
    started = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    late_steps = RouteStep.objects.filter(
        status=StepStatus.PENDING, due_date__lt=today
    ).select_related("document", "assignee")
    late_documents = Document.objects.filter(
        status=DocumentStatus.EXECUTING, due_date__lt=today
    ).select_related("executor")
    targets = [(s.assignee, s.document, s.due_date) for s in late_steps]
    targets += [(d.executor, d, d.due_date) for d in late_documents if d.executor]
    sent = 0
    for user, document, due in targets:
        link = _link(document)
        if Notification.objects.filter(
            user=user, topic="edms.overdue", link=link, created_at__gte=started
        ).exists():
            continue
        with transaction.atomic():
            notification_send(
                user=user,
                topic="edms.overdue",
                subject=(
                    _("Overdue since %(date)s: %(title)s") % {"date": due, "title": document.title}
                )[:300],
                link=link,
            )
        sent += 1
    return sent
