"""Submitting applications and moving them through their statuses (MAP-SVC).

Every change: validate → check access → change → journal, in one transaction; the applicant is
notified of every status change (in the app and by e-mail) once the transaction commits.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from oqu.access import scope
from oqu.audit import journal
from oqu.kernel.calendar import add_working_days
from oqu.kernel.errors import Conflict, Forbidden, ValidationError
from oqu.lms.files import check_upload
from oqu.notifications.services import EMAIL, IN_APP, notification_send
from oqu.orgs.models import Unit
from oqu.people.models import Guardianship, Person

from . import definitions, selectors
from .models import ApplicationDocument, Service, ServiceApplication, StatusChange

MAX_FILES_PER_DOCUMENT = 5
FIELDS = ["status", "is_final", "deadline", "reason", "status_since"]


def _deadline(definition: dict[str, Any], status: str, today: dt.date) -> dt.date | None:
    days = definitions.status_of(definition, status).get("deadline_working_days")
    return add_working_days(today, days) if days else None


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _check_applicant(actor: scope.Actor, service: Service, subject: Person) -> None:
    """The actor applies for themselves or for their child, as the service allows."""
    kind = service.definition["applicant"]
    if subject.pk == actor.person_id:
        relation, allowed = scope.LEARNER_ROLE, kind in ("self", "guardian_or_self")
    elif Guardianship.objects.filter(
        guardian_id=actor.person_id, child=subject, end_date__isnull=True
    ).exists():
        relation, allowed = scope.PARENT_ROLE, kind in ("guardian", "guardian_or_self")
    else:
        raise scope.not_found(actor, selectors.APPLY, "people.person", subject.pk)
    if not allowed:
        raise ValidationError(
            _("This service is applied for by a parent for a child, or by the learner themselves."),
            code="applicant_not_allowed",
            fields={"subject_id": ["applicant_not_allowed"]},
        )
    if not actor.relation_can(relation, selectors.APPLY):
        raise Forbidden()


def _check_organization(service: Service, organization: Unit) -> None:
    kinds = service.definition["decided_by"]["org_types"]
    if (
        organization.kind != Unit.Kind.ORGANIZATION
        or organization.status != Unit.Status.ACTIVE
        or organization.org_type is None
        or organization.org_type.code not in kinds
    ):
        raise ValidationError(
            _("This organization does not provide this service."),
            code="organization_not_deciding",
            fields={"organization_id": ["organization_not_deciding"]},
        )


def _check_age(service: Service, subject: Person, today: dt.date) -> None:
    band = service.definition.get("subject_age")
    if band and not band["min"] <= _age_on(subject.birth_date, today) <= band["max"]:
        raise ValidationError(
            _("The child's age does not fit this service (%(min)s–%(max)s years).")
            % {"min": band["min"], "max": band["max"]},
            code="subject_age",
            fields={"subject_id": ["subject_age"]},
        )


def _checked_documents(service: Service, uploads: dict[str, list[Any]]) -> list[tuple[str, Any]]:
    """Every upload checked by content; every required document present; unknown kinds refused."""
    declared = {d["code"]: d for d in service.definition.get("documents", [])}
    unknown = sorted(k for k, files in uploads.items() if files and k not in declared)
    if unknown:
        raise ValidationError(
            _("This service does not ask for such a document."),
            code="document_unknown",
            fields={f"documents.{k}": ["unknown"] for k in unknown},
        )
    checked: list[tuple[str, Any]] = []
    for code, document in declared.items():
        files = uploads.get(code) or []
        if document.get("required") and not files:
            raise ValidationError(
                _("Attach the required document: %(name)s.")
                % {"name": definitions.text(document["name"], translation.get_language() or "kk")},
                code="document_required",
                fields={f"documents.{code}": ["required"]},
            )
        if len(files) > MAX_FILES_PER_DOCUMENT:
            raise ValidationError(
                _("Too many files for one document."),
                code="document_too_many",
                fields={f"documents.{code}": ["too_many"]},
            )
        checked.extend((code, check_upload(upload)) for upload in files)
    return checked


def _store_document(
    application: ServiceApplication, kind: str, checked: Any, uploaded_by: Person
) -> ApplicationDocument:
    document = ApplicationDocument(
        organization=application.organization,
        application=application,
        kind=kind,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=uploaded_by,
    )
    document.file.save(document.pk.hex, ContentFile(checked.content), save=False)
    document.save()
    return document


def _record_change(
    actor: scope.Actor,
    application: ServiceApplication,
    from_status: str,
    transition: str,
) -> StatusChange:
    user = actor.user if getattr(actor.user, "pk", None) else None
    return StatusChange.objects.create(
        organization=application.organization,
        application=application,
        from_status=from_status,
        to_status=application.status,
        transition=transition,
        reason=application.reason,
        by_user=user,
        by_name=user.get_username() if user else "",
        at=application.status_since,
        deadline=application.deadline,
    )


def _notify_applicant(application: ServiceApplication) -> None:
    """Tell the applicant (and the learner, when they have an account) about the new status."""
    people = {application.applicant_id, application.subject_id}
    users = get_user_model().objects.filter(person_id__in=people, is_active=True)
    definition = application.service.definition
    link = reverse("eservices:application", args=[application.pk])
    for user in users:
        language = user.language or "kk"
        with translation.override(language):
            status = definitions.text(
                definitions.status_of(definition, application.status)["name"], language
            )
            subject = _("%(service)s: %(status)s") % {
                "service": application.service.name(language),
                "status": status,
            }
            body = application.reason
            if application.deadline:
                body = (body + "\n" if body else "") + _("Expected by %(date)s.") % {
                    "date": application.deadline.isoformat()
                }
        notification_send(
            user=user,
            topic="eservices.status",
            subject=subject[:300],
            body=body,
            link=link,
            channels=(IN_APP, EMAIL),
        )


@transaction.atomic
def application_submit(
    *,
    actor: scope.Actor,
    service: Service,
    organization: Unit,
    subject: Person,
    data: dict[str, Any],
    uploads: dict[str, list[Any]] | None = None,
) -> ServiceApplication:
    """File an application: the applicant, the organization, the form and documents are checked."""
    if actor.is_anonymous or not actor.person_id:
        raise Forbidden(code="no_person")
    if not service.is_active:
        raise ValidationError(_("This service is not offered now."), code="service_inactive")
    _check_applicant(actor, service, subject)
    _check_organization(service, organization)
    now = timezone.now()
    today = timezone.localdate()
    _check_age(service, subject, today)
    cleaned = definitions.clean_form(service.definition, data)
    checked = _checked_documents(service, uploads or {})
    initial = service.definition["initial"]
    application = ServiceApplication(
        organization=organization,
        service=service,
        applicant_id=actor.person_id,
        subject=subject,
        status=initial,
        data=cleaned,
        submitted_at=now,
        status_since=now,
        deadline=_deadline(service.definition, initial, today),
    )
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise Conflict(
            _("There is already an open application for this service for this person."),
            code="application_open",
        ) from None
    stored = [_store_document(application, kind, f, actor.user.person) for kind, f in checked]
    _record_change(actor, application, "", "submit")
    journal.record(
        actor=actor,
        action="eservices.application.submit",
        target=application,
        after={
            **journal.snapshot(application, ["service_id", "subject_id", "status", "deadline"]),
            "data": cleaned,
            "documents": [{"kind": d.kind, "sha256": d.sha256} for d in stored],
        },
    )
    _notify_applicant(application)
    return application


@transaction.atomic
def application_transition(
    *, actor: scope.Actor, application: ServiceApplication, transition: str, reason: str = ""
) -> ServiceApplication:
    """Make one decision on an application: the definition says from where, to where and who."""
    application = (
        ServiceApplication.objects.select_for_update()
        .select_related("service", "organization")
        .get(pk=application.pk)
    )
    definition = application.service.definition
    step = next(
        (t for t in definition["transitions"] if t["code"] == transition),
        None,
    )
    if step is None:
        raise ValidationError(
            _("This service has no such decision."),
            code="transition_unknown",
            fields={"transition": ["unknown"]},
        )
    if step["by"] == "organization":
        # the caller found the application among those the actor sees: a refusal is 403
        scope.require(
            actor,
            selectors.DECIDE,
            application.organization,
            target=application,
            target_visible=True,
        )
    elif not selectors.is_applicant(actor, application):
        raise Forbidden()
    if application.is_final or application.status not in step["from"]:
        raise Conflict(
            _("This decision cannot be made in the application's current status."),
            code="transition_not_allowed",
        )
    reason = (reason or "").strip()
    if step.get("reason_required") and not reason:
        raise ValidationError(
            _("State the reason of this decision."),
            code="reason_required",
            fields={"reason": ["required"]},
        )
    before = journal.snapshot(application, FIELDS)
    from_status = application.status
    now = timezone.now()
    application.status = step["to"]
    application.is_final = bool(definitions.status_of(definition, step["to"]).get("final"))
    application.status_since = now
    application.deadline = _deadline(definition, step["to"], timezone.localdate())
    application.reason = reason[:4000]
    application.save(update_fields=[*FIELDS, "updated_at"])
    _record_change(actor, application, from_status, transition)
    journal.record(
        actor=actor,
        action=f"eservices.application.{transition}",
        target=application,
        before=before,
        after=journal.snapshot(application, FIELDS),
    )
    _notify_applicant(application)
    return application


def overdue_reminders(today: dt.date | None = None) -> int:
    """Tell the deciding staff of each organization how many of its applications are overdue.

    One in-app notice a day per person holding `eservices.application.decide` directly on the
    organization (heads and deputies); returns how many notices were sent.
    """
    from django.db.models import Count, Q

    from oqu.access.models import Grant

    today = today or timezone.localdate()
    now = timezone.now()
    counts = dict(
        ServiceApplication.objects.filter(is_final=False, deadline__lt=today)
        .values("organization_id")
        .annotate(n=Count("pk"))
        .values_list("organization_id", "n")
    )
    if not counts:
        return 0
    grants = (
        Grant.objects.filter(unit_id__in=counts, valid_from__lte=now, role__is_active=True)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=now))
        .select_related("user", "role")
    )
    link = reverse("eservices:inbox") + "?overdue=1"
    sent = 0
    for grant in grants:
        if selectors.DECIDE not in grant.role.capabilities or not grant.user.is_active:
            continue
        with translation.override(grant.user.language or "kk"):
            subject = _("Overdue e-service applications: %(count)s") % {
                "count": counts[grant.unit_id]
            }
        notification_send(user=grant.user, topic="eservices.overdue", subject=subject, link=link)
        sent += 1
    return sent
