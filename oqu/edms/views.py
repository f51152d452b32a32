"""Web pages of documents, under /edms/: the register with search (HTMX), my tasks, a document's
card with its route and actions, attachment preview, PDF export, monitoring, the archive export,
and the public verification page a QR code leads to."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from oqu.kernel.errors import DomainError, ValidationError
from oqu.orgs.models import Unit
from oqu.orgs.selectors import unit_get
from oqu.pki import software_signer
from oqu.web.actions import apply_change
from oqu.web.actor import actor_of
from oqu.web.views import login_required

from . import selectors, services, signing
from .models import DocumentKind, DocumentStatus, StepStatus


def _units_with(actor: Any, capability: str) -> list[Unit]:
    """Organizations where the actor holds `capability` on the organization itself."""
    paths = [g.path for g in actor.grants if capability in g.capabilities]
    return list(Unit.objects.filter(path__in=paths, kind="organization").order_by("name"))


def _date(raw: str, name: str) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(
            _("Enter a valid date."), code="date_invalid", fields={name: ["invalid"]}
        ) from None


def _filters(request: HttpRequest) -> dict[str, Any]:
    return {
        "kind": request.GET.get("kind", ""),
        "status": request.GET.get("status", ""),
        "number": request.GET.get("number", "")[:60],
        "query": request.GET.get("q", "")[:200],
    }


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    filters = _filters(request)
    documents = list(selectors.document_list(actor, **filters)[:100])
    if getattr(request, "htmx", False) and request.GET.get("partial"):
        return render(request, "edms/_results.html", {"documents": documents})
    context = {
        "section": "edms",
        "documents": documents,
        "filters": filters,
        "kinds": selectors.kinds(),
        "statuses": DocumentStatus.choices,
        "my_steps": list(selectors.my_steps(actor)[:50]),
        "my_executions": list(selectors.my_executions(actor)[:50]),
        "units": _units_with(actor, services.MANAGE),
        "recipients": Unit.objects.filter(kind="organization")
        .only("pk", "name")
        .order_by("name")[:500],
        "monitor": bool(actor.paths_for(services.MONITOR)) or actor.is_platform_admin,
        "export_units": _units_with(actor, services.EXPORT),
    }
    return render(request, "edms/index.html", context)


@require_GET
@login_required
def kind_fields(request: HttpRequest) -> HttpResponse:
    """The fields of the chosen kind, swapped into the creation form by HTMX."""
    kind = DocumentKind.objects.filter(code=request.GET.get("kind", ""), is_active=True).first()
    return render(request, "edms/_kind_fields.html", {"kind": kind, "values": {}})


def _posted_fields(request: HttpRequest, kind: DocumentKind) -> dict[str, Any]:
    return {
        spec["name"]: request.POST.get(f"field_{spec['name']}", "")
        for spec in kind.field_schema
        if request.POST.get(f"field_{spec['name']}", "")
    }


@require_POST
@login_required
def document_add(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    unit = unit_get(actor, request.POST.get("organization", ""))
    kind = DocumentKind.objects.filter(code=request.POST.get("kind", ""), is_active=True).first()
    if kind is None:
        messages.error(request, _("Choose the kind of document."))
        return redirect("edms:index")
    recipient = None
    if request.POST.get("recipient"):
        recipient = Unit.objects.filter(pk=request.POST["recipient"], kind="organization").first()
    result: dict[str, Any] = {}

    def change() -> None:
        result["document"] = services.document_create(
            actor=actor,
            organization=unit,
            kind=kind,
            title=request.POST.get("title", ""),
            body=request.POST.get("body", ""),
            fields=_posted_fields(request, kind),
            correspondent=request.POST.get("correspondent", ""),
            recipient=recipient,
        )

    response = apply_change(
        request, change, _("The draft has been created."), reverse("edms:index")
    )
    if "document" in result:
        return redirect("edms:document", result["document"].pk)
    return response


@require_GET
@login_required
def document_page(request: HttpRequest, document_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    document = selectors.document_get(actor, document_id)
    path = document.organization.path
    steps = selectors.steps_of(document)
    my_step = next(
        (s for s in steps if s.assignee_id == request.user.pk and s.status == StepStatus.PENDING),
        None,
    )
    manager = actor.can_at(services.MANAGE, path)
    signatures = selectors.signatures_of(document)
    context = {
        "section": "edms",
        "document": document,
        "field_rows": _field_rows(document),
        "attachments": selectors.attachments_of(document),
        "steps": steps,
        "my_step": my_step,
        "manager": manager,
        "executors": selectors.executors(document.organization) if manager else [],
        "approvers": _approvers(document) if manager and document.is_editable else [],
        "is_executor": document.executor_id == request.user.pk,
        "verify_url": _verify_url(request, document),
        "signatures": list(zip(signatures, selectors.signers(signatures), strict=True)),
        "sign_content": _sign_content(my_step),
        "software_signer": software_signer.enabled(),
    }
    return render(request, "edms/document.html", context)


def _sign_content(step: Any) -> str:
    """Base64 of what the signer of `step` signs, for the browser signer (none if no EDS step)."""
    if step is None or not step.requires_signature:
        return ""
    return base64.b64encode(signing.step_content(step)).decode("ascii")


def _field_rows(document: Any) -> list[tuple[str, str, Any]]:
    from .export import field_rows

    names = [
        spec["name"]
        for spec in document.kind.field_schema
        if spec["name"] in (document.fields or {})
    ]
    return [
        (name, label, value)
        for name, (label, value) in zip(names, field_rows(document), strict=True)
    ]


def _approvers(document: Any) -> list[Any]:
    return services._holders(document.organization, services.APPROVE)


def _verify_url(request: HttpRequest, document: Any) -> str:
    if not document.public_token:
        return ""
    return request.build_absolute_uri(reverse("edms:verify", args=[document.public_token]))


def _document_action(name: str, done: Any) -> Callable[[HttpRequest, UUID], HttpResponse]:
    @require_POST
    @login_required
    def view(request: HttpRequest, document_id: UUID) -> HttpResponse:
        actor = actor_of(request)
        document = selectors.document_get(actor, document_id)
        return apply_change(
            request,
            lambda: ACTIONS[name](request, actor, document),
            str(done),
            reverse("edms:document", args=[document.pk]),
        )

    view.__name__ = f"document_{name}"
    return view


def _route_stages(request: HttpRequest) -> list[list[dict[str, Any]]] | None:
    """A route typed in the form: one line per stage, assignees of a stage in parallel."""
    stages = []
    for number in range(1, 6):
        ids = [i for i in request.POST.getlist(f"stage_{number}") if i]
        if ids:
            signature = request.POST.get(f"stage_{number}_signature") == "on"
            stages.append([{"assignee_id": i, "days": 2, "signature": signature} for i in ids])
    return stages or None


ACTIONS: dict[str, Callable[[HttpRequest, Any, Any], Any]] = {
    "change": lambda r, a, d: services.document_change(
        actor=a,
        document=d,
        title=r.POST.get("title", ""),
        body=r.POST.get("body", ""),
        fields=_posted_fields(r, d.kind),
        correspondent=r.POST.get("correspondent", d.correspondent),
    ),
    "attach": lambda r, a, d: services.attachment_add(actor=a, document=d, upload=_upload(r)),
    "route": lambda r, a, d: services.route_start(actor=a, document=d, stages=_route_stages(r)),
    "register": lambda r, a, d: services.document_register(actor=a, document=d),
    "assign": lambda r, a, d: services.document_assign(
        actor=a,
        document=d,
        executor_id=r.POST.get("executor") or None,
        due_date=_date(r.POST.get("due_date", ""), "due_date"),
    ),
    "execute": lambda r, a, d: services.document_execute(
        actor=a, document=d, comment=r.POST.get("comment", "")
    ),
    "send": lambda r, a, d: services.document_send(actor=a, document=d),
    "esedo": lambda r, a, d: services.esedo_send(
        actor=a, document=d, recipient_bin=r.POST.get("recipient_bin", "")
    ),
    "archive": lambda r, a, d: services.document_archive(
        actor=a,
        document=d,
        retention_years=int(r.POST["retention_years"])
        if r.POST.get("retention_years", "").isdigit()
        else None,
    ),
}


def _upload(request: HttpRequest) -> Any:
    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationError(
            _("Choose a file."), code="file_missing", fields={"file": ["required"]}
        )
    return upload


document_change = _document_action("change", gettext_lazy("The document has been saved."))
document_attach = _document_action("attach", gettext_lazy("The file has been attached."))
document_route = _document_action(
    "route", gettext_lazy("The document has been sent along its route.")
)
document_register = _document_action("register", gettext_lazy("The document has been registered."))
document_assign = _document_action(
    "assign", gettext_lazy("The document has been sent for execution.")
)
document_execute = _document_action(
    "execute", gettext_lazy("The document has been marked executed.")
)
document_send = _document_action("send", gettext_lazy("The letter has been delivered."))
document_esedo = _document_action(
    "esedo", gettext_lazy("The letter has been sent through the unified EDMS.")
)
document_archive = _document_action(
    "archive", gettext_lazy("The document has been transferred to the archive.")
)


@require_POST
@login_required
def step_act(request: HttpRequest, step_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    step = selectors.step_get(actor, step_id)
    decision = request.POST.get("decision", "")
    comment = request.POST.get("comment", "")
    handlers = {
        "approve": (services.step_approve, _("Approved.")),
        "reject": (services.step_reject, _("Rejected: the route has stopped.")),
        "return": (services.step_return, _("Returned to the author for revision.")),
    }
    if decision not in handlers:
        raise Http404
    handler, done = handlers[decision]
    return apply_change(
        request,
        lambda: handler(actor=actor, step=step, comment=comment),
        done,
        reverse("edms:document", args=[step.document_id]),
    )


@require_POST
@login_required
def step_sign(request: HttpRequest, step_id: UUID) -> HttpResponse:
    """The signer's form: the browser signed the version's content with NCALayer (or the test
    software signer); the server checks the signature before the step is approved."""
    actor = actor_of(request)
    step = selectors.step_get(actor, step_id)
    return apply_change(
        request,
        lambda: signing.step_sign(
            actor=actor,
            step=step,
            cms=(request.POST.get("signature_text") or "").strip().encode(),
            comment=request.POST.get("comment", ""),
        ),
        _("Signed: the signature is valid."),
        reverse("edms:document", args=[step.document_id]),
    )


@require_POST
@login_required
def signatures_recheck(request: HttpRequest, document_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    document = selectors.document_get(actor, document_id)
    return apply_change(
        request,
        lambda: signing.signatures_recheck(actor=actor, document=document),
        _("The signatures were checked again."),
        reverse("edms:document", args=[document.pk]),
    )


@require_POST
@login_required
def attachment_remove(request: HttpRequest, attachment_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    attachment = selectors.attachment_get(actor, attachment_id)
    document_id = attachment.document_id
    return apply_change(
        request,
        lambda: services.attachment_remove(actor=actor, attachment=attachment),
        _("The file has been removed."),
        reverse("edms:document", args=[document_id]),
    )


# A preview is framed by the document's own card; nothing else may frame it, and the file itself
# may load nothing (a PDF or an image needs no script, style or connection of ours).
PREVIEW_POLICY = (
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'"
)


@require_GET
@login_required
@xframe_options_sameorigin
def attachment_file(request: HttpRequest, attachment_id: UUID) -> FileResponse:
    """The file after an access check: PDF and images inline (preview), anything else downloaded."""
    attachment = selectors.attachment_get(actor_of(request), attachment_id)
    inline = attachment.previewable and request.GET.get("download") != "1"
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not inline,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if inline:
        response["Content-Security-Policy"] = PREVIEW_POLICY
    return response


@require_GET
@login_required
def document_pdf(request: HttpRequest, document_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    document = selectors.document_get(actor, document_id)
    try:
        content = services.document_pdf_export(
            actor=actor, document=document, verify_url=_verify_url(request, document)
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
        return redirect("edms:document", document.pk)
    response = HttpResponse(content, content_type="application/pdf")
    name = f"{document.number or document.pk}.pdf".replace("/", "-")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
    response["Cache-Control"] = "private, no-store"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@require_GET
@login_required
def monitor(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    context = {
        "section": "edms",
        "late_steps": list(selectors.overdue_steps(actor)[:200]),
        "late_executions": list(selectors.overdue_executions(actor)[:200]),
        "today": timezone.localdate(),
    }
    return render(request, "edms/monitor.html", context)


@require_GET
@login_required
def archive_export(request: HttpRequest, unit_id: UUID) -> StreamingHttpResponse:
    actor = actor_of(request)
    organization = unit_get(actor, unit_id)
    chunks = services.archive_export(actor=actor, organization=organization)
    response = StreamingHttpResponse(chunks, content_type="application/zip")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="archive-{organization.pk}-{stamp}.zip"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public: anyone holding the printed QR code sees what was registered, by whom approved."""
    found = selectors.verification(token)
    if found is None:
        return render(request, "edms/verify.html", {"found": None}, status=404)
    return render(request, "edms/verify.html", {"found": found, **found})


@require_POST
@login_required
def esedo_receive(request: HttpRequest, unit_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    organization = unit_get(actor, unit_id)
    found: list[Any] = []
    response = apply_change(
        request,
        lambda: found.extend(services.esedo_receive(actor=actor, organization=organization)),
        _("Letters from the unified EDMS have been received."),
        reverse("edms:index"),
    )
    return response
