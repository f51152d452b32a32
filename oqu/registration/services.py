"""Parents register themselves and ask to be linked to a child (G-5.7).

Registration is three steps: IIN + phone → a one-time code by SMS → password (and names when the
platform does not know the person yet). Codes are stored only as salted HMACs, expire after a few
minutes and allow a few attempts; sends are limited per phone, per IIN and per IP address, so the
SMS gateway cannot be used to flood a phone or to probe IINs cheaply.

A link request stays pending until the child's organization confirms it or the state person
register names the parent as the child's representative of the requested kind.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.audit import journal
from oqu.exchange.person_register.client import PersonRegisterClient, RegisterUnavailable
from oqu.kernel.errors import Conflict, Forbidden, NotFound, ValidationError
from oqu.kernel.identifiers import InvalidIdentifier, parse_iin
from oqu.notifications.services import IN_APP, SMS, notification_send, sms_backend
from oqu.people import services as people_services
from oqu.people.models import Enrolment, Guardianship, Person
from oqu.people.rules import age_on

from . import rules
from .errors import Throttled
from .models import LinkRequest, ParentProfile, PhoneVerification, mask_phone
from .visibility import get_decidable

logger = logging.getLogger(__name__)

ADULT_AGE = 18


def limits() -> rules.Limits:
    return rules.Limits.from_overrides(getattr(settings, "OQU_REGISTRATION", None))


def _key() -> str:
    return settings.SECRET_KEY


# -- input checks ----------------------------------------------------------------------------


def _valid_iin(iin: str, field: str = "iin") -> str:
    iin = (iin or "").strip()
    try:
        parse_iin(iin)
    except InvalidIdentifier as exc:
        messages = {
            "iin_format": _("The IIN must be exactly 12 digits."),
            "iin_checksum": _(
                "The IIN check digit does not match: the number is mistyped or never issued."
            ),
        }
        raise ValidationError(
            messages.get(exc.code, _("The IIN is not valid.")),
            code=exc.code,
            fields={field: [exc.code]},
        ) from None
    return iin


def _check_adult(iin: str) -> None:
    """Only adults register themselves as parents (G-5.7).

    Without this anyone who knows a learner's IIN could open an account bound to that learner and
    read the learner's data through the learner relation. The birth date comes from the platform's
    Person when there is one, else from the IIN; an IIN that shows no birth date is registered at
    an organization instead.
    """
    birth_date = Person.objects.filter(iin=iin).values_list("birth_date", flat=True).first()
    if birth_date is None:
        birth_date = parse_iin(iin).birth_date
    if birth_date is None:
        raise ValidationError(
            _("This IIN cannot be registered online. Ask the child's school or kindergarten."),
            code="iin_needs_verification",
            fields={"iin": ["needs_verification"]},
        )
    if age_on(birth_date, timezone.localdate()) < ADULT_AGE:
        raise ValidationError(
            _("Only adults can register as a parent or legal representative."),
            code="not_adult",
            fields={"iin": ["not_adult"]},
        )


def _valid_phone(raw: str) -> str:
    phone = rules.normalise_phone(raw)
    if phone is None:
        raise ValidationError(
            _("Enter a Kazakhstan mobile number, for example +7 701 123 45 67."),
            code="phone_invalid",
            fields={"phone": ["invalid"]},
        )
    return phone


def _throttle(count: int, limit: int, field: str) -> None:
    if count >= limit:
        raise Throttled(
            _("Too many codes were requested. Try again in an hour."),
            code="throttled",
            fields={field: ["throttled"]},
        )


def _has_account(iin: str) -> bool:
    user_model = get_user_model()
    return (
        user_model.objects.filter(person__iin=iin).exists()
        or user_model.objects.filter(username=iin).exists()
    )


def _account_exists_error() -> Conflict:
    return Conflict(
        _(
            "This person already has an account. Sign in, or ask the administrator of the "
            "organization to reset the password."
        ),
        code="account_exists",
        fields={"iin": ["account_exists"]},
    )


# -- step 1: IIN and phone → a code by SMS -------------------------------------------------------


def _send_code(verification: PhoneVerification, code: str) -> None:
    text = _("Oqu: your registration code is %(code)s. It is valid for %(minutes)s minutes.") % {
        "code": code,
        "minutes": max(1, limits().code_ttl_seconds // 60),
    }
    phone = verification.phone
    transaction.on_commit(lambda: sms_backend().send(phone, text), robust=True)


def _new_code_for(verification: PhoneVerification, now: dt.datetime) -> str:
    code = rules.new_code(limits().code_length)
    verification.code_hash = rules.secret_hash(code, salt=str(verification.pk), key=_key())
    verification.expires_at = now + dt.timedelta(seconds=limits().code_ttl_seconds)
    verification.attempts = 0
    verification.last_sent_at = now
    return code


def _serialize_on(*keys: str) -> None:
    """Make concurrent starts for the same phone or IIN wait for each other (PostgreSQL), so the
    count-then-insert of the rate limit cannot be raced. SQLite serializes writers anyway."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in sorted(keys):  # one order for everybody: no deadlocks
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"registration:{key}"])


@transaction.atomic
def registration_start(*, iin: str, phone: str, ip: str | None = None) -> PhoneVerification:
    """Send a one-time code to the phone for this IIN; limited per phone, IIN and address."""
    iin = _valid_iin(iin)
    phone = _valid_phone(phone)
    _check_adult(iin)
    _serialize_on(f"phone:{phone}", f"iin:{iin}")
    lim = limits()
    now = timezone.now()
    since = now - dt.timedelta(seconds=lim.window_seconds)
    recent = PhoneVerification.objects.filter(created_at__gte=since)
    _throttle(recent.filter(phone=phone).count(), lim.max_starts_per_phone, "phone")
    _throttle(recent.filter(iin=iin).count(), lim.max_starts_per_iin, "iin")
    if ip:
        _throttle(recent.filter(ip=ip).count(), lim.max_starts_per_ip, "__all__")
    verification = PhoneVerification(iin=iin, phone=phone, ip=ip or None)
    code = _new_code_for(verification, now)
    verification.save()
    journal.record(
        actor=None,
        action="registration.code.send",
        target=verification,
        after={"iin": iin, "phone": mask_phone(phone), "sends": 1},
    )
    _send_code(verification, code)
    return verification


def _open_verification(verification_id: Any, *, lock: bool = False) -> PhoneVerification:
    qs = PhoneVerification.objects.filter(completed_at__isnull=True)
    if lock:
        qs = qs.select_for_update()
    try:
        verification = qs.filter(pk=UUID(str(verification_id))).first()
    except ValueError:
        verification = None
    if verification is None:
        raise NotFound(
            _("This registration was not found or is already finished. Start again."),
            code="registration_not_found",
        )
    return verification


@transaction.atomic
def registration_resend(*, verification_id: Any) -> PhoneVerification:
    """Send a fresh code after the cooldown; the old code stops working."""
    verification = _open_verification(verification_id, lock=True)
    if verification.verified_at:
        raise Conflict(_("The phone is already confirmed."), code="already_verified")
    lim = limits()
    now = timezone.now()
    wait = (verification.last_sent_at + dt.timedelta(seconds=lim.resend_cooldown_seconds)) - now
    if wait.total_seconds() > 0:
        raise Throttled(
            _("Wait %(seconds)s seconds before asking for a new code.")
            % {"seconds": int(wait.total_seconds()) + 1},
            code="resend_too_soon",
        )
    if verification.sends >= lim.max_sends_per_verification:
        raise Throttled(_("Too many codes were requested. Try again in an hour."), code="throttled")
    code = _new_code_for(verification, now)
    verification.sends += 1
    verification.save()
    journal.record(
        actor=None,
        action="registration.code.send",
        target=verification,
        before={"sends": verification.sends - 1},
        after={
            "iin": verification.iin,
            "phone": mask_phone(verification.phone),
            "sends": verification.sends,
        },
    )
    _send_code(verification, code)
    return verification


# -- step 2: the code ---------------------------------------------------------------------------


def _code_failure(verification: PhoneVerification, reason: str) -> None:
    """Journal a failed code step (G-5.12) in a statement of its own: the caller raises."""
    journal.record_sign_in_failure(
        username=verification.iin, reason=reason, action="registration.verify"
    )


def _claim_attempt(verification: PhoneVerification, limit: int) -> int | None:
    """Spend one attempt atomically; None when none is left.

    The conditional UPDATE is the gate, so parallel guesses cannot test more codes than allowed.
    """
    claimed = PhoneVerification.objects.filter(pk=verification.pk, attempts__lt=limit).update(
        attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    return PhoneVerification.objects.values_list("attempts", flat=True).get(pk=verification.pk)


def registration_verify(*, verification_id: Any, code: str) -> tuple[PhoneVerification, str]:
    """Check the code; return the verification and a token that allows finishing registration.

    Not one transaction on purpose: a spent attempt must stay counted when the error is raised.
    """
    verification = _open_verification(verification_id)
    lim = limits()
    if verification.verified_at:
        raise Conflict(_("The phone is already confirmed."), code="already_verified")
    if timezone.now() >= verification.expires_at:
        _code_failure(verification, "code_expired")
        raise ValidationError(
            _("The code has expired. Ask for a new code."),
            code="code_expired",
            fields={"code": ["expired"]},
        )
    attempts = _claim_attempt(verification, lim.max_code_attempts)
    if attempts is None:
        _code_failure(verification, "too_many_attempts")
        raise Throttled(_("Too many wrong codes. Ask for a new code."), code="too_many_attempts")
    code = (code or "").strip()
    if not rules.secret_matches(
        code, verification.code_hash, salt=str(verification.pk), key=_key()
    ):
        _code_failure(verification, "bad_code")
        left = max(lim.max_code_attempts - attempts, 0)
        raise ValidationError(
            _("The code is wrong. Attempts left: %(left)s.") % {"left": left},
            code="code_wrong",
            fields={"code": ["wrong"]},
        )
    if _has_account(verification.iin):
        raise _account_exists_error()
    return _mark_verified(verification)


@transaction.atomic
def _mark_verified(verification: PhoneVerification) -> tuple[PhoneVerification, str]:
    token = rules.new_token()
    updated = PhoneVerification.objects.filter(
        pk=verification.pk, verified_at__isnull=True, completed_at__isnull=True
    ).update(
        verified_at=timezone.now(),
        completion_hash=rules.secret_hash(token, salt=str(verification.pk), key=_key()),
        code_hash="",  # the code cannot be used twice
    )
    if not updated:
        raise Conflict(_("The phone is already confirmed."), code="already_verified")
    verification.refresh_from_db()
    journal.record(
        actor=None,
        action="registration.phone.verify",
        target=verification,
        after={"iin": verification.iin, "phone": mask_phone(verification.phone)},
    )
    return verification, token


def person_known(iin: str) -> bool:
    """Whether names must be asked: only when the platform has no person with this IIN."""
    return Person.objects.filter(iin=iin).exists()


# -- step 3: password (and names) → the account -------------------------------------------------


def _check_password(password: str, *, iin: str, names: dict[str, str]) -> None:
    probe = get_user_model()(
        username=iin,
        first_name=names.get("first_name_ru") or names.get("first_name_kk") or "",
        last_name=names.get("last_name_ru") or names.get("last_name_kk") or "",
    )
    try:
        password_validation.validate_password(password, user=probe)
    except DjangoValidationError as exc:
        raise ValidationError(
            " ".join(str(m) for m in exc.messages),
            code="password_invalid",
            fields={"password": [e.code or "invalid" for e in exc.error_list]},
        ) from None


@transaction.atomic
def registration_complete(
    *,
    verification_id: Any,
    token: str,
    password: str,
    language: str = "kk",
    names: dict[str, str] | None = None,
) -> Any:
    """Create the parent's account bound to the Person with the verified IIN (G-5.7).

    The Person is created when the platform does not know the IIN yet (names are then required).
    The account's username is the IIN; the password passes AUTH_PASSWORD_VALIDATORS.
    """
    verification = _open_verification(verification_id, lock=True)
    lim = limits()
    if not verification.verified_at or not rules.secret_matches(
        token or "", verification.completion_hash, salt=str(verification.pk), key=_key()
    ):
        raise Forbidden(_("Confirm the phone with the code first."), code="phone_not_verified")
    if timezone.now() > verification.verified_at + dt.timedelta(seconds=lim.completion_ttl_seconds):
        raise ValidationError(
            _("Too much time has passed since the phone was confirmed. Start again."),
            code="registration_expired",
        )
    iin = verification.iin
    if _has_account(iin):
        raise _account_exists_error()
    names = {k: (v or "").strip() for k, v in (names or {}).items()}
    person = Person.objects.filter(iin=iin).first()
    if person is not None:
        names = {
            "first_name_ru": person.first_name_ru,
            "last_name_ru": person.last_name_ru,
            "first_name_kk": person.first_name_kk,
            "last_name_kk": person.last_name_kk,
        }
    _check_password(password, iin=iin, names=names)
    person_created = person is None
    if person is None:
        person = people_services.person_register_self(
            iin=iin,
            last_name_kk=names.get("last_name_kk", ""),
            first_name_kk=names.get("first_name_kk", ""),
            middle_name_kk=names.get("middle_name_kk", ""),
            last_name_ru=names.get("last_name_ru", ""),
            first_name_ru=names.get("first_name_ru", ""),
            middle_name_ru=names.get("middle_name_ru", ""),
        )
    user_model = get_user_model()
    try:
        with transaction.atomic():
            user = user_model.objects.create_user(
                username=iin,
                password=password,
                person=person,
                first_name=person.first_name_ru,
                last_name=person.last_name_ru,
                language=language if language in dict(settings.LANGUAGES) else "kk",
            )
    except IntegrityError:
        raise _account_exists_error() from None
    now = timezone.now()
    ParentProfile.objects.create(user=user, phone=verification.phone, phone_verified_at=now)
    verification.completed_at = now
    verification.completion_hash = ""
    verification.save(update_fields=["completed_at", "completion_hash", "updated_at"])
    if person_created:
        journal.record(
            actor=user,
            action="people.person.register_self",
            target=person,
            after=people_services.person_snapshot(person),
        )
    journal.record(
        actor=user,
        action="registration.account.create",
        target=user,
        after={
            "username": user.username,
            "person": str(person.pk),
            "phone": mask_phone(verification.phone),
            "language": user.language,
        },
    )
    return user


# -- link requests --------------------------------------------------------------------------------


def _child_organization_id(child_iin: str) -> Any:
    """The organization whose journal chain records events about a child: where they study now."""
    return (
        Enrolment.objects.filter(person__iin=child_iin, end_date__isnull=True)
        .order_by("-is_main", "start_date")
        .values_list("organization_id", flat=True)
        .first()
    )


def _require_parent(actor: Actor) -> Person:
    if actor.is_anonymous:
        raise NotFound()
    person = Person.objects.filter(pk=actor.person_id).first() if actor.person_id else None
    if person is None:
        raise Forbidden(
            _("Only an account bound to a person may ask to be linked to a child."),
            code="no_person",
        )
    return person


@transaction.atomic
def link_request_create(*, actor: Actor, child_iin: str, kind: str) -> LinkRequest:
    """Ask to be linked to a child; the state register is asked in the background."""
    parent = _require_parent(actor)
    child_iin = _valid_iin(child_iin, "child_iin")
    if kind not in Guardianship.Kind.values:
        raise ValidationError(
            _("Choose the relation from the list."), code="kind_unknown", fields={"kind": [kind]}
        )
    if child_iin == parent.iin:
        raise ValidationError(
            _("A person cannot be their own guardian."),
            code="guardian_is_child",
            fields={"child_iin": ["self"]},
        )
    lim = limits()
    mine = LinkRequest.objects.filter(parent=parent)
    if mine.filter(created_at__gte=timezone.now() - dt.timedelta(days=1)).count() >= (
        lim.max_link_requests_per_day
    ):
        raise Throttled(_("Too many requests today. Try again tomorrow."), code="throttled")
    if mine.filter(status=LinkRequest.Status.PENDING, child_iin=child_iin).exists():
        raise Conflict(
            _("A request for this child is already waiting."), code="link_pending_exists"
        )
    if mine.filter(status=LinkRequest.Status.PENDING).count() >= lim.max_pending_links:
        raise Conflict(
            _("You have too many requests waiting. Wait until they are decided."),
            code="too_many_pending",
        )
    if Guardianship.objects.filter(
        guardian=parent, child__iin=child_iin, end_date__isnull=True
    ).exists():
        raise Conflict(_("You are already linked to this child."), code="already_linked")
    link = LinkRequest.objects.create(
        requested_by=actor.user, parent=parent, child_iin=child_iin, kind=kind
    )
    journal.record(
        actor=actor,
        action="registration.link.request",
        target=link,
        after={"child_iin": child_iin, "kind": kind, "status": link.status},
        organization_id=_child_organization_id(child_iin),
    )
    from .tasks import link_register_check_task  # the task module imports this one

    link_id = str(link.pk)
    transaction.on_commit(lambda: link_register_check_task.enqueue(link_id), robust=True)
    return link


def link_register_check(
    *, link_request_id: Any, client: PersonRegisterClient | None = None
) -> LinkRequest | None:
    """Ask the state register about a pending request; a match confirms it, anything else keeps it
    pending for the organization. The HTTP call is made outside any transaction."""
    link = LinkRequest.objects.filter(pk=link_request_id, status=LinkRequest.Status.PENDING).first()
    if link is None:
        return None
    client = client or PersonRegisterClient.from_settings()
    try:
        relations = client.person_relations(link.child_iin)
    except RegisterUnavailable as exc:
        logger.warning("person register unavailable for link request %s: %s", link.pk, exc.reason)
        return _record_register_check(link.pk, LinkRequest.RegisterCheck.UNAVAILABLE, exc.reason)
    parent_iin = Person.objects.filter(pk=link.parent_id).values_list("iin", flat=True).first()
    if relations is None or not relations.has(parent_iin or "", link.kind):
        reason = "child_unknown" if relations is None else "not_listed"
        return _record_register_check(link.pk, LinkRequest.RegisterCheck.MISMATCH, reason)
    return _record_register_check(link.pk, LinkRequest.RegisterCheck.MATCH, "")


@transaction.atomic
def _record_register_check(link_id: Any, result: str, reason: str) -> LinkRequest | None:
    link = (
        LinkRequest.objects.select_for_update()
        .filter(pk=link_id, status=LinkRequest.Status.PENDING)
        .first()
    )
    if link is None:
        return None  # decided meanwhile by the organization
    before = {"register_check": link.register_check}
    link.register_check = result
    link.register_reason = reason
    link.register_checked_at = timezone.now()
    child = Person.objects.filter(iin=link.child_iin).first()
    if result == LinkRequest.RegisterCheck.MATCH and child is None:
        link.register_reason = "child_not_on_platform"
    link.save()
    organization_id = _child_organization_id(link.child_iin)
    journal.record(
        actor=link.requested_by,
        action="registration.link.register_check",
        target=link,
        before=before,
        after={"register_check": result, "reason": link.register_reason},
        organization_id=organization_id,
    )
    if result == LinkRequest.RegisterCheck.MATCH and child is not None:
        parent_actor = scope.actor_for(link.requested_by)
        guardianship = _existing_or_new_guardianship(
            link,
            child,
            lambda: people_services.guardianship_create_verified(
                actor=parent_actor,
                guardian=link.parent,
                child=child,
                kind=link.kind,
                evidence=f"person_register:{link.pk}",
            ),
        )
        _decide(
            link,
            status=LinkRequest.Status.CONFIRMED,
            source=LinkRequest.Source.REGISTER,
            decided_by=None,
            actor=parent_actor,
            guardianship=guardianship,
            organization_id=organization_id,
        )
    return link


def _existing_or_new_guardianship(link: LinkRequest, child: Person, create: Any) -> Guardianship:
    """Reuse an active guardianship recorded meanwhile (by a school) instead of failing."""
    existing = Guardianship.objects.filter(
        guardian_id=link.parent_id, child=child, end_date__isnull=True
    ).first()
    return existing or create()


def _decide(
    link: LinkRequest,
    *,
    status: str,
    source: str,
    decided_by: Any,
    actor: Any,
    guardianship: Guardianship | None = None,
    reason: str = "",
    organization_id: Any = None,
) -> None:
    before = {"status": link.status}
    link.status = status
    link.decision_source = source
    link.decided_by = decided_by
    link.decided_at = timezone.now()
    link.reason = reason
    link.guardianship = guardianship
    link.save()
    journal.record(
        actor=actor,
        action=f"registration.link.{'confirm' if status == LinkRequest.Status.CONFIRMED else 'reject'}",
        target=link,
        before=before,
        after={
            "status": status,
            "source": source,
            "reason": reason,
            "guardianship": str(guardianship.pk) if guardianship else None,
        },
        organization_id=organization_id,
    )
    _notify_parent(link)


def _notify_parent(link: LinkRequest) -> None:
    """Tell the parent in the app and by SMS, in the language of their account."""
    user = link.requested_by
    profile = ParentProfile.objects.filter(user=user).first()
    with translation.override(getattr(user, "language", "") or "kk"):
        if link.status == LinkRequest.Status.CONFIRMED:
            subject = _("Your link to a child is confirmed")
            body = _("You are now linked to the child with IIN %(iin)s.") % {"iin": link.child_iin}
        else:
            subject = _("Your request to be linked to a child was rejected")
            body = _("Request for the child with IIN %(iin)s: %(reason)s") % {
                "iin": link.child_iin,
                "reason": link.reason,
            }
        notification_send(
            user=user,
            topic="registration.link",
            subject=str(subject),
            body=str(body),
            link=reverse("registration:links"),
            channels=(IN_APP, SMS) if profile else (IN_APP,),
            phone=profile.phone if profile else "",
        )


def _locked_for_decision(actor: Actor, link_id: Any) -> tuple[LinkRequest, Person]:
    link = get_decidable(actor, link_id)
    link = LinkRequest.objects.select_for_update().get(pk=link.pk)
    if link.status != LinkRequest.Status.PENDING:
        raise Conflict(_("This request has already been decided."), code="already_decided")
    child = Person.objects.get(iin=link.child_iin)
    return link, child


@transaction.atomic
def link_request_confirm(*, actor: Actor, link_request_id: Any) -> LinkRequest:
    """The child's organization confirms the parent: the guardianship becomes active."""
    link, child = _locked_for_decision(actor, link_request_id)
    guardianship = _existing_or_new_guardianship(
        link,
        child,
        lambda: people_services.guardianship_create(
            actor=actor, guardian=link.parent, child=child, kind=link.kind
        ),
    )
    _decide(
        link,
        status=LinkRequest.Status.CONFIRMED,
        source=LinkRequest.Source.ORGANIZATION,
        decided_by=actor.user,
        actor=actor,
        guardianship=guardianship,
        organization_id=_child_organization_id(link.child_iin),
    )
    return link


@transaction.atomic
def link_request_reject(*, actor: Actor, link_request_id: Any, reason: str) -> LinkRequest:
    """The child's organization rejects the request, saying why (the parent is told).

    The request is looked up in the actor's scope first: someone else's request answers 404
    whatever the form holds.
    """
    link, _child = _locked_for_decision(actor, link_request_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Say why the request is rejected."),
            code="reason_required",
            fields={"reason": ["required"]},
        )
    _decide(
        link,
        status=LinkRequest.Status.REJECTED,
        source=LinkRequest.Source.ORGANIZATION,
        decided_by=actor.user,
        actor=actor,
        reason=reason[:500],
        organization_id=_child_organization_id(link.child_iin),
    )
    return link


# -- housekeeping (scheduled) -------------------------------------------------------------------

VERIFICATION_RETENTION_DAYS = 7
RECHECK_AFTER = dt.timedelta(hours=1)
RECHECK_BATCH = 200


def phone_verification_purge(*, older_than_days: int = VERIFICATION_RETENTION_DAYS) -> int:
    """Delete code rows older than the retention: they serve only the one-hour rate limits and a
    flow that lasts minutes; the journal keeps what happened."""
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    deleted, _rows = PhoneVerification.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def link_register_recheck(
    *, limit: int = RECHECK_BATCH, client: PersonRegisterClient | None = None
) -> int:
    """Ask the register again about pending requests it did not answer, oldest first (bounded)."""
    cutoff = timezone.now() - RECHECK_AFTER
    ids = list(
        LinkRequest.objects.filter(
            status=LinkRequest.Status.PENDING,
            register_check=LinkRequest.RegisterCheck.UNAVAILABLE,
            register_checked_at__lt=cutoff,
        )
        .order_by("register_checked_at")
        .values_list("pk", flat=True)[:limit]
    )
    client = client or PersonRegisterClient.from_settings()
    for link_id in ids:
        link_register_check(link_request_id=link_id, client=client)
    return len(ids)
