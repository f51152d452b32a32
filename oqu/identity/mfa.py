"""Multi-factor authentication policy (G-5.11): required for every account, with one exemption.

MFA may be off only for a learner under 16, and only while a parent or legal representative who
is linked to that learner by an active guardianship has consented. The consent is a
`kernel.Consent` (purpose `mfa_exemption`) given from the parent's own session, revocable, and
valid until the day before the learner's 16th birthday, so it lapses on the birthday itself.
Staff (anyone with a role grant or an active employment, and administrators) and learners aged 16
or more can never be exempted, whatever consent exists.

Reads (`*_for`, `children_for_consent`, `setup_required`) and writes (`exemption_consent_*`,
`totp_*`, `recovery_codes_regenerate`) live here; every write journals in its transaction.
Secrets, codes and hashes never reach the journal.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, validate_totp_code
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.audit import journal
from oqu.audit.models import ActionRecord
from oqu.kernel import consents
from oqu.kernel.errors import Conflict, Forbidden, NotFound, ValidationError
from oqu.kernel.models import Consent
from oqu.people.models import Employment, Enrolment, Guardianship, Person

EXEMPTION_PURPOSE = "mfa_exemption"
EXEMPTION_AGE_LIMIT = 16
PRIMARY_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)

# Journal action codes (shared with the signal handlers in `mfa_signals.py`).
AUTHENTICATOR_ADDED = "identity.mfa.authenticator_added"
AUTHENTICATOR_REMOVED = "identity.mfa.authenticator_removed"
RECOVERY_CODES_REGENERATED = "identity.mfa.recovery_codes_regenerated"
CONSENT_GIVEN = "identity.mfa.exemption_consent_given"
CONSENT_REVOKED = "identity.mfa.exemption_consent_revoked"
EXEMPTION_USED = "identity.mfa.exemption_used"
EXEMPTION_LAPSED = "identity.mfa.exemption_lapsed"

SECRET_PATTERN = re.compile(r"^[A-Z2-7]{16,128}=*$")

# Why a person cannot be exempted, whatever consent exists (machine codes, shown translated).
REFUSALS = {
    "no_person": _("The account is not bound to a person."),
    "staff": _("Staff accounts always need two-factor authentication."),
    "not_learner": _("Only a learner can be exempted from two-factor authentication."),
    "age_limit": _("A learner aged 16 or more always needs two-factor authentication."),
}


class MfaRequired(Forbidden):
    code = "mfa_required"
    default_message = _(
        "Two-factor authentication is required for your account. It can be turned off only for "
        "a learner under 16 with the consent of a parent or legal representative."
    )


class ExemptionNotAllowed(Forbidden):
    code = "mfa_exemption_not_allowed"
    default_message = _("This learner cannot be exempted from two-factor authentication.")


class NotAGuardian(Forbidden):
    code = "not_a_guardian"
    default_message = _(
        "Only a parent or legal representative linked to the learner can give this consent."
    )


# -- rules (pure) ---------------------------------------------------------------------------


def sixteenth_birthday(birth_date: dt.date) -> dt.date:
    """The day a learner turns 16 (born on 29 February: 1 March of a common year)."""
    year = birth_date.year + EXEMPTION_AGE_LIMIT
    try:
        return birth_date.replace(year=year)
    except ValueError:
        return dt.date(year, 3, 1)


def exemption_last_day(birth_date: dt.date) -> dt.date:
    """The last day a consent may run: the eve of the 16th birthday (`valid_until` is inclusive)."""
    return sixteenth_birthday(birth_date) - dt.timedelta(days=1)


# -- reads ----------------------------------------------------------------------------------


def has_active_authenticator(user: Any) -> bool:
    """An authenticator app or a security key (recovery codes alone are only a fallback)."""
    return Authenticator.objects.filter(user_id=user.pk, type__in=PRIMARY_TYPES).exists()


def _is_staff_person(person: Person, day: dt.date) -> bool:
    employed = Employment.objects.filter(person=person, end_date__isnull=True).filter(
        start_date__lte=day
    )
    return employed.exists()


def _has_grants(user: Any) -> bool:
    from oqu.access.models import Grant

    now = timezone.now()
    return (
        Grant.objects.filter(user=user, valid_from__lte=now)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=now))
        .exists()
    )


def _refusal(*, staff: bool, birth_date: dt.date, enrolled: bool, day: dt.date) -> str | None:
    """The rule itself, on facts already read: staff, then age, then being a learner."""
    if staff:
        return "staff"
    if day >= sixteenth_birthday(birth_date):
        return "age_limit"
    if not enrolled:
        return "not_learner"
    return None


def exemption_refusal_for_person(person: Person | None, day: dt.date | None = None) -> str | None:
    """Why this person can never be exempted on `day`, or None when a consent could exempt them."""
    day = day or timezone.localdate()
    if person is None:
        return "no_person"
    return _refusal(
        staff=_is_staff_person(person, day),
        birth_date=person.birth_date,
        enrolled=Enrolment.objects.filter(person=person, end_date__isnull=True).exists(),
        day=day,
    )


def exemption_refusal_for(user: Any, day: dt.date | None = None) -> str | None:
    """Why this account can never be exempted, or None when a parent's consent could exempt it."""
    if user.is_staff or user.is_superuser or _has_grants(user):
        return "staff"
    return exemption_refusal_for_person(user.person, day)


def _giver_still_guardian(consent: Consent) -> bool:
    return Guardianship.objects.filter(
        guardian_id=consent.given_by_id, child_id=consent.subject_id, end_date__isnull=True
    ).exists()


def consent_in_force(person: Person, day: dt.date | None = None) -> Consent | None:
    """The parent's consent exempting `person` today: active, and its giver still their guardian."""
    consent = consents.consent_active(subject=person, purpose=EXEMPTION_PURPOSE, on=day)
    if consent is None or not _giver_still_guardian(consent):
        return None
    return consent


def exemption_for(user: Any, day: dt.date | None = None) -> Consent | None:
    """The consent that exempts this account from MFA today, if the account may be exempted."""
    if exemption_refusal_for(user, day) is not None:
        return None
    return consent_in_force(user.person, day)


def setup_required(user: Any) -> bool:
    """True when the account must set up an authenticator before anything else."""
    return not has_active_authenticator(user) and exemption_for(user) is None


def lapsed_consent_for(user: Any, day: dt.date | None = None) -> Consent | None:
    """The latest exemption consent of this account's person that ran out (not revoked)."""
    if user.person_id is None:
        return None
    day = day or timezone.localdate()
    return (
        Consent.objects.filter(
            subject_id=user.person_id,
            purpose=EXEMPTION_PURPOSE,
            revoked_at__isnull=True,
            valid_until__lt=day,
        )
        .order_by("-valid_until")
        .first()
    )


@dataclass(frozen=True)
class ChildExemption:
    """One child on a parent's consent page."""

    child: Person
    has_account: bool
    refusal: str | None
    consent: Consent | None
    sixteenth_birthday: dt.date

    @property
    def refusal_message(self) -> Any:
        return REFUSALS.get(self.refusal or "", "")


def children_for_consent(actor: Actor) -> list[ChildExemption]:
    """The actor's own children (active guardianship), with what the exemption page needs.

    A fixed number of queries however many children: the facts the policy needs are annotated
    and the consents in force are read in one query.
    """
    if actor.is_anonymous or not actor.person_id:
        return []
    from oqu.access.models import Grant

    day = timezone.localdate()
    now = timezone.now()
    children = list(
        Person.objects.filter(
            guardians__guardian_id=actor.person_id, guardians__end_date__isnull=True
        )
        .select_related("user")
        .annotate(
            employed=Exists(
                Employment.objects.filter(
                    person=OuterRef("pk"), end_date__isnull=True, start_date__lte=day
                )
            ),
            enrolled=Exists(Enrolment.objects.filter(person=OuterRef("pk"), end_date__isnull=True)),
            granted=Exists(
                Grant.objects.filter(user__person=OuterRef("pk"), valid_from__lte=now).filter(
                    Q(valid_to__isnull=True) | Q(valid_to__gt=now)
                )
            ),
        )
        .distinct()
        .order_by("birth_date", "id")
    )
    in_force = _consents_in_force([c.pk for c in children], day)
    rows = []
    for child in children:
        account = getattr(child, "user", None)
        staff_account = account is not None and (
            account.is_staff or account.is_superuser or child.granted
        )
        rows.append(
            ChildExemption(
                child=child,
                has_account=account is not None,
                refusal=_refusal(
                    staff=staff_account or child.employed,
                    birth_date=child.birth_date,
                    enrolled=child.enrolled,
                    day=day,
                ),
                consent=in_force.get(child.pk),
                sixteenth_birthday=sixteenth_birthday(child.birth_date),
            )
        )
    return rows


def _consents_in_force(person_ids: list[Any], day: dt.date) -> dict[Any, Consent]:
    """The consent in force for each of `person_ids` (its giver still an active guardian)."""
    links = set(
        Guardianship.objects.filter(child_id__in=person_ids, end_date__isnull=True).values_list(
            "guardian_id", "child_id"
        )
    )
    found: dict[Any, Consent] = {}
    candidates = (
        Consent.objects.filter(
            subject_id__in=person_ids,
            purpose=EXEMPTION_PURPOSE,
            revoked_at__isnull=True,
            given_at__date__lte=day,
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .select_related("given_by", "subject")
        .order_by("-given_at")
    )
    for consent in candidates:
        if (consent.given_by_id, consent.subject_id) in links:
            found.setdefault(consent.subject_id, consent)
    return found


def child_for_consent(actor: Actor, child_id: Any) -> Person:
    """A child the actor may act for; anything else (a stranger, a missing id) answers 404."""
    child = Person.objects.filter(pk=child_id).first()
    if child is None:
        raise scope.not_found(actor, "people.guardianship.view", "people.person", child_id)
    scope.require_person(actor, "people.guardianship.view", child)
    return child


def consent_for_revocation(actor: Actor, consent_id: Any) -> Consent:
    """An exemption consent about one of the actor's own children, or the journaled 404."""
    consent = None
    if not actor.is_anonymous and actor.person_id:
        wards = Guardianship.objects.filter(
            guardian_id=actor.person_id, end_date__isnull=True
        ).values("child_id")
        consent = (
            Consent.objects.filter(pk=consent_id, purpose=EXEMPTION_PURPOSE)
            .filter(Q(subject_id__in=wards) | Q(given_by_id=actor.person_id))
            .select_related("subject", "given_by")
            .first()
        )
    if consent is None:
        raise scope.not_found(actor, "people.guardianship.view", "kernel.consent", consent_id)
    return consent


# -- journal helpers ------------------------------------------------------------------------


def journal_organization_id(user: Any = None, person: Any = None) -> Any:
    """The organization chain an MFA event of this account or person is journaled in.

    The person's own organization (school of a learner, employer of staff), else the unit of the
    account's first grant; platform-level accounts go to the platform chain.
    """
    person = person or getattr(user, "person", None)
    if person is not None:
        units = scope.person_units(person)
        if units:
            return min((u.pk for u in units), key=str)
    if user is not None and getattr(user, "pk", None):
        from oqu.access.models import Grant

        unit_id = (
            Grant.objects.filter(user=user).order_by("valid_from").values_list("unit_id", flat=True)
        ).first()
        if unit_id:
            return unit_id
    return None


def _consent_snapshot(consent: Consent) -> dict[str, Any]:
    return journal.snapshot(
        consent, ["subject_id", "given_by_id", "purpose", "given_at", "valid_until", "revoked_at"]
    )


def authenticator_journal(*, user: Any, authenticator: Authenticator, action: str) -> None:
    """Journal an authenticator event: its kind and id only, never its secret or codes.

    Call it before deleting the row when the id matters (Django clears the pk on delete).
    """
    facts = {"type": authenticator.type, "authenticator_id": authenticator.pk, "user_id": user.pk}
    with transaction.atomic():
        journal.record(
            actor=user,
            action=action,
            target=user,
            before=facts if action == AUTHENTICATOR_REMOVED else None,
            after=None if action == AUTHENTICATOR_REMOVED else facts,
            organization_id=journal_organization_id(user),
        )


def exemption_use_record(*, user: Any, consent: Consent) -> None:
    """Journal that an account signed in without MFA on a parent's consent."""
    with transaction.atomic():
        journal.record(
            actor=user,
            action=EXEMPTION_USED,
            target=consent,
            after={"consent_id": consent.pk, "valid_until": consent.valid_until},
            organization_id=journal_organization_id(user),
        )


def exemption_lapse_record(*, user: Any, consent: Consent) -> bool:
    """Journal, once per consent, that an exemption ran out (the 16th birthday came)."""
    if ActionRecord.objects.filter(action=EXEMPTION_LAPSED, target_id=str(consent.pk)).exists():
        return False
    with transaction.atomic():
        journal.record(
            actor=user,
            action=EXEMPTION_LAPSED,
            target=consent,
            before={"valid_until": consent.valid_until},
            after={"mfa_required": True},
            organization_id=journal_organization_id(user),
        )
    return True


# -- consent: given and revoked by a linked parent -------------------------------------------


@transaction.atomic
def exemption_consent_give(*, actor: Actor, child: Person) -> Consent:
    """Record a parent's consent to switch MFA off for their child under 16 (G-5.11)."""
    scope.require_person(actor, "people.guardianship.view", child)
    if (
        not actor.person_id
        or not Guardianship.objects.filter(
            guardian_id=actor.person_id, child=child, end_date__isnull=True
        ).exists()
    ):
        raise NotAGuardian()
    account = get_user_model().objects.filter(person=child).first()
    day = timezone.localdate()
    refusal = (
        exemption_refusal_for(account, day)
        if account is not None
        else exemption_refusal_for_person(child, day)
    )
    if refusal is not None:
        raise ExemptionNotAllowed(REFUSALS[refusal], fields={"child": [refusal]})
    # One consent in force at a time: lock the child's row so two parents cannot both record one.
    Person.objects.select_for_update().filter(pk=child.pk).first()
    if consent_in_force(child, day) is not None:
        raise Conflict(
            _("A consent for this learner is already in force."), code="mfa_exemption_exists"
        )
    consent = consents.consent_record(
        subject=child,
        given_by=Person.objects.get(pk=actor.person_id),
        purpose=EXEMPTION_PURPOSE,
        valid_until=exemption_last_day(child.birth_date),
        recorded_by=actor.user,
    )
    journal.record(
        actor=actor,
        action=CONSENT_GIVEN,
        target=consent,
        after=_consent_snapshot(consent),
        organization_id=journal_organization_id(person=child),
    )
    return consent


@transaction.atomic
def exemption_consent_revoke(*, actor: Actor, consent: Consent) -> Consent:
    """Withdraw a consent: MFA is required again for the learner from their next request."""
    consent = consent_for_revocation(actor, consent.pk)
    before = _consent_snapshot(consent)
    consents.consent_revoke(consent=consent)
    journal.record(
        actor=actor,
        action=CONSENT_REVOKED,
        target=consent,
        before=before,
        after=_consent_snapshot(consent),
        organization_id=journal_organization_id(person=consent.subject),
    )
    return consent


# -- authenticators managed over the API ------------------------------------------------------
# The web uses allauth's own views (journaled through its signals, see `mfa_signals.py`); the API
# cannot run allauth's reauthentication, so changing an existing setup needs a current code.


def new_totp_secret() -> str:
    return generate_totp_secret()


def _check_code_against(user: Any, code: str) -> None:
    """Accept a current code of the account's app or one of its unused recovery codes."""
    code = (code or "").strip()
    for authenticator in Authenticator.objects.filter(user_id=user.pk).exclude(
        type=Authenticator.Type.WEBAUTHN
    ):
        if code and authenticator.wrap().validate_code(code):
            return
    raise ValidationError(
        _("The code is not correct."), code="mfa_bad_code", fields={"code": ["invalid"]}
    )


def _recovery_codes(authenticator: Authenticator) -> list[str]:
    return list(authenticator.wrap().get_unused_codes())


@transaction.atomic
def totp_activate(*, user: Any, secret: str, code: str) -> list[str]:
    """Turn the authenticator app on with a secret the app shows the code of; return recovery codes."""
    secret = (secret or "").strip().upper()
    if not SECRET_PATTERN.match(secret):
        raise ValidationError(fields={"secret": ["invalid"]})
    if Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists():
        raise Conflict(
            _("The authenticator app is already turned on."), code="mfa_totp_already_active"
        )
    if not validate_totp_code(secret, (code or "").strip()):
        raise ValidationError(
            _("The code is not correct."), code="mfa_bad_code", fields={"code": ["invalid"]}
        )
    totp = TOTP.activate(user, secret).instance
    authenticator_journal(user=user, authenticator=totp, action=AUTHENTICATOR_ADDED)
    codes = Authenticator.objects.filter(
        user_id=user.pk, type=Authenticator.Type.RECOVERY_CODES
    ).first()
    if codes is None:
        codes = RecoveryCodes.activate(user).instance
        authenticator_journal(user=user, authenticator=codes, action=AUTHENTICATOR_ADDED)
    return _recovery_codes(codes)


def can_remove(user: Any, authenticator: Authenticator) -> bool:
    """An authenticator may go if another app or key stays, or if the account is exempt."""
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        return True
    others = Authenticator.objects.filter(user_id=user.pk, type__in=PRIMARY_TYPES).exclude(
        pk=authenticator.pk
    )
    return others.exists() or exemption_for(user) is not None


@transaction.atomic
def totp_deactivate(*, user: Any, code: str) -> None:
    """Turn the authenticator app off (after a current code), if the policy allows it."""
    totp = Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).first()
    if totp is None:
        raise NotFound(_("The authenticator app is not turned on."), code="mfa_totp_not_active")
    _check_code_against(user, code)
    if not can_remove(user, totp):
        raise MfaRequired()
    authenticator_journal(user=user, authenticator=totp, action=AUTHENTICATOR_REMOVED)
    totp.delete()
    if not Authenticator.objects.filter(user_id=user.pk, type__in=PRIMARY_TYPES).exists():
        for dangling in Authenticator.objects.filter(
            user_id=user.pk, type=Authenticator.Type.RECOVERY_CODES
        ):
            authenticator_journal(user=user, authenticator=dangling, action=AUTHENTICATOR_REMOVED)
            dangling.delete()


@transaction.atomic
def recovery_codes_regenerate(*, user: Any, code: str) -> list[str]:
    """Replace the recovery codes (after a current code); the old ones stop working."""
    if not has_active_authenticator(user):
        raise Conflict(_("Turn on the authenticator app first."), code="mfa_not_active")
    _check_code_against(user, code)
    Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.RECOVERY_CODES).delete()
    codes = RecoveryCodes.activate(user).instance
    authenticator_journal(user=user, authenticator=codes, action=RECOVERY_CODES_REGENERATED)
    return _recovery_codes(codes)
