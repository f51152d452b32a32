"""Account administration and passwords (G-5.7, G-5.9).

An administrator acts on accounts of the people in their scope: created bound to a person, with a
one-time password or an invitation link that must be replaced at first sign-in; changed, blocked,
unblocked, deleted, passwords reset. Each function checks the actor's right, changes the account
and journals before/after in one transaction. Passwords, tokens and hashes never reach the journal.

Deleting an account never deletes the person or their education records: the account is kept as a
tombstone (inactive, unusable password, person released, grants ended with their history), so the
journal and every history row still name who acted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.access.services import grants_end_for_account
from oqu.audit import journal
from oqu.kernel.errors import Conflict, ValidationError

from .guards import require_over_account, require_over_person
from .models import Invitation, User
from .permissions import MANAGE

PASSWORD_METHOD = "password"  # noqa: S105 (a method name, not a password)
INVITATION_METHOD = "invitation"
METHODS = (PASSWORD_METHOD, INVITATION_METHOD)
INVITATION_LIFETIME = dt.timedelta(days=3)
ONE_TIME_PASSWORD_LIFETIME = dt.timedelta(days=3)
# No 0/O, 1/l/I: the administrator reads the password out or writes it down for the user.
ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ONE_TIME_GROUPS = 3
ONE_TIME_GROUP_LENGTH = 4

# What the journal keeps of an account: never the password, its hash or a token.
JOURNALED_FIELDS = [
    "username",
    "email",
    "language",
    "person_id",
    "is_active",
    "must_change_password",
    "blocked_reason",
    "deleted_at",
]


@dataclass(frozen=True)
class Credentials:
    """What the administrator passes on to the user, shown once and never stored in clear."""

    account: User
    method: str
    password: str = ""
    invitation_token: str = ""
    invitation_expires_at: dt.datetime | None = None


# -- checks -----------------------------------------------------------------------------------


def _home_organization_id(person: Any) -> Any:
    """The organization whose journal chain an account's entries join (None: the platform's)."""
    if person is None:
        return None
    units = scope.person_units(person)
    return min(units, key=lambda unit: unit.path).pk if units else None


def _not_own(actor: Actor, account: User) -> None:
    if getattr(actor.user, "pk", None) == account.pk:
        raise Conflict(
            _("You cannot do this to your own account."), code="own_account", fields={"id": []}
        )


def _not_deleted(account: User) -> None:
    if account.deleted_at is not None:
        raise Conflict(_("This account has been deleted."), code="account_deleted")


def _clean_username(username: str, *, exclude: Any = None) -> str:
    username = (username or "").strip()
    try:
        UnicodeUsernameValidator()(username)
    except DjangoValidationError:
        username = ""
    if not username or len(username) > 150:
        raise ValidationError(
            _("The login may contain only letters, digits and @ . + - _ (up to 150)."),
            code="username_invalid",
            fields={"username": ["invalid"]},
        )
    taken = User.objects.filter(username__iexact=username)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise Conflict(
            _("This login is already taken."),
            code="username_taken",
            fields={"username": ["taken"]},
        )
    return username


def _clean_email(email: str) -> str:
    email = (email or "").strip()
    if not email:
        return ""
    try:
        validate_email(email)
    except DjangoValidationError:
        raise ValidationError(
            _("Enter a valid e-mail address."),
            code="email_invalid",
            fields={"email": ["invalid"]},
        ) from None
    return email


def _clean_language(language: str) -> str:
    if language not in User.Language.values:
        raise ValidationError(
            _("This language is not available."),
            code="language_unknown",
            fields={"language": [language]},
        )
    return language


def _clean_method(method: str) -> str:
    if method not in METHODS:
        raise ValidationError(
            _("Choose a one-time password or an invitation link."),
            code="method_unknown",
            fields={"method": [method]},
        )
    return method


def check_password_policy(password: str, user: User, field: str = "new_password") -> None:
    """Django's validators plus the personal-data one (settings.AUTH_PASSWORD_VALIDATORS)."""
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as exc:
        codes = [error.code or "invalid" for error in exc.error_list]
        raise ValidationError(
            " ".join(str(message) for message in exc.messages),
            code="password_invalid",
            fields={field: codes},
        ) from None


# -- credentials ------------------------------------------------------------------------------


def one_time_password() -> str:
    groups = (
        "".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(ONE_TIME_GROUP_LENGTH))
        for _ in range(ONE_TIME_GROUPS)
    )
    return "-".join(groups)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _revoke_pending_invitations(account: User, at: dt.datetime) -> None:
    Invitation.objects.filter(user=account, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=at
    )


def _issue(actor: Actor, account: User, method: str) -> Credentials:
    """Give the account a one-time password or an invitation; the user must then set their own."""
    now = timezone.now()
    _revoke_pending_invitations(account, now)
    account.must_change_password = True
    if method == PASSWORD_METHOD:
        password = one_time_password()
        account.set_password(password)
        account.one_time_password_expires_at = now + ONE_TIME_PASSWORD_LIFETIME
        account.save()
        return Credentials(account=account, method=method, password=password)
    token = secrets.token_urlsafe(32)
    account.set_unusable_password()
    account.one_time_password_expires_at = None
    account.save()
    invitation = Invitation.objects.create(
        user=account,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
        created_by=actor.user if getattr(actor.user, "pk", None) else None,
    )
    return Credentials(
        account=account,
        method=method,
        invitation_token=token,
        invitation_expires_at=invitation.expires_at,
    )


def revoke_api_tokens(account: User) -> int:
    """End the account's OAuth2 tokens (django-oauth-toolkit): access, refresh, ID, codes."""
    from oauth2_provider.models import (
        get_access_token_model,
        get_grant_model,
        get_id_token_model,
        get_refresh_token_model,
    )

    now = timezone.now()
    refreshed = (
        get_refresh_token_model()
        .objects.filter(user=account, revoked__isnull=True)
        .update(revoked=now, access_token=None)
    )
    accessed, _ = get_access_token_model().objects.filter(user=account).delete()
    get_id_token_model().objects.filter(user=account).delete()
    get_grant_model().objects.filter(user=account).delete()
    return refreshed + accessed


def _end_sessions(account: User) -> None:
    """Every session signed in before this moment stops authenticating (see User._session_hash)."""
    account.session_epoch += 1


# -- administration ---------------------------------------------------------------------------


@transaction.atomic
def account_create(
    *,
    actor: Actor,
    person: Any,
    username: str = "",
    email: str = "",
    language: str = User.Language.KAZAKH,
    method: str = PASSWORD_METHOD,
) -> Credentials:
    """Create the account of a person in the actor's scope (G-5.7) with first credentials (G-5.9).

    The login defaults to the person's IIN, the usual sign-in name of state services.
    """
    require_over_person(actor, MANAGE, person)
    method = _clean_method(method)
    if User.objects.filter(person=person).exists():
        raise Conflict(
            _("This person already has an account."),
            code="account_exists",
            fields={"person_id": ["has_account"]},
        )
    account = User(
        username=_clean_username(username or person.iin),
        email=_clean_email(email),
        language=_clean_language(language),
        person=person,
    )
    credentials = _issue(actor, account, method)
    journal.record(
        actor=actor,
        action="identity.account.create",
        target=account,
        organization_id=_home_organization_id(person),
        after={**journal.snapshot(account, JOURNALED_FIELDS), "credentials": method},
    )
    return credentials


@transaction.atomic
def account_change(
    *,
    actor: Actor,
    account: User,
    username: str | None = None,
    email: str | None = None,
    language: str | None = None,
) -> User:
    """Correct an account's login, e-mail or language; before/after go to the journal."""
    require_over_account(actor, MANAGE, account)
    _not_deleted(account)
    before = journal.snapshot(account, JOURNALED_FIELDS)
    if username is not None and username != account.username:
        account.username = _clean_username(username, exclude=account.pk)
    if email is not None:
        account.email = _clean_email(email)
    if language is not None:
        account.language = _clean_language(language)
    if journal.changed(before, journal.snapshot(account, JOURNALED_FIELDS))[1]:
        account.save()
        _journal_change(actor, "identity.account.change", account, before)
    return account


def _journal_change(
    actor: Actor,
    action: str,
    account: User,
    before: dict[str, Any],
    *,
    organization_id: Any = None,
    **facts: Any,
) -> None:
    """Journal the account's changed fields (never password material) and the action's facts,
    on the chain of the organization the account's person belongs to."""
    old, new = journal.changed(before, journal.snapshot(account, JOURNALED_FIELDS))
    journal.record(
        actor=actor,
        action=action,
        target=account,
        organization_id=organization_id or _home_organization_id(account.person),
        before=old,
        after={**new, **facts},
    )


@transaction.atomic
def account_block(*, actor: Actor, account: User, reason: str = "") -> User:
    """Block an account: it cannot sign in, and its sessions and API tokens end now."""
    require_over_account(actor, MANAGE, account)
    _not_deleted(account)
    _not_own(actor, account)
    if not account.is_active:
        raise Conflict(_("This account is already blocked."), code="already_blocked")
    before = journal.snapshot(account, JOURNALED_FIELDS)
    account.is_active = False
    account.blocked_at = timezone.now()
    account.blocked_reason = (reason or "").strip()[:200]
    _end_sessions(account)
    account.save()
    tokens = revoke_api_tokens(account)
    _journal_change(actor, "identity.account.block", account, before, tokens_revoked=tokens)
    return account


@transaction.atomic
def account_unblock(*, actor: Actor, account: User) -> User:
    require_over_account(actor, MANAGE, account)
    _not_deleted(account)
    if account.is_active:
        raise Conflict(_("This account is not blocked."), code="not_blocked")
    before = journal.snapshot(account, JOURNALED_FIELDS)
    account.is_active = True
    account.blocked_at = None
    account.blocked_reason = ""
    account.save()
    _journal_change(actor, "identity.account.unblock", account, before)
    return account


@transaction.atomic
def account_delete(*, actor: Actor, account: User) -> User:
    """Delete an account (G-5.7); the person, their enrolments, employment and guardianships stay.

    The row is kept as a tombstone so that the journal and history rows that name it stay
    whole: inactive, unusable password, login renamed so it can be reused, person released so the
    person can get a new account, grants ended (kept in their history), sessions and tokens ended.
    """
    require_over_account(actor, MANAGE, account)
    _not_deleted(account)
    _not_own(actor, account)
    now = timezone.now()
    person = account.person
    organization_id = _home_organization_id(person)
    before = journal.snapshot(account, JOURNALED_FIELDS)
    grants_ended = grants_end_for_account(actor=actor, user=account, at=now)
    _revoke_pending_invitations(account, now)
    account.former_username = account.username
    account.former_person = person
    account.username = f"deleted.{account.pk.hex[:16]}"
    account.person = None
    account.email = ""
    account.is_active = False
    account.must_change_password = False
    account.deleted_at = now
    account.set_unusable_password()
    _end_sessions(account)
    account.save()
    tokens = revoke_api_tokens(account)
    _journal_change(
        actor,
        "identity.account.delete",
        account,
        before,
        organization_id=organization_id,
        grants_ended=grants_ended,
        tokens_revoked=tokens,
    )
    return account


@transaction.atomic
def account_password_reset(
    *, actor: Actor, account: User, method: str = PASSWORD_METHOD
) -> Credentials:
    """Replace a forgotten password by a one-time one or an invitation (G-5.9).

    Every session and API token of the account ends: whoever held the old password is out.
    """
    require_over_account(actor, MANAGE, account)
    _not_deleted(account)
    _not_own(actor, account)
    method = _clean_method(method)
    _end_sessions(account)
    credentials = _issue(actor, account, method)
    tokens = revoke_api_tokens(account)
    journal.record(
        actor=actor,
        action="identity.account.password_reset",
        target=account,
        organization_id=_home_organization_id(account.person),
        after={"must_change_password": True, "credentials": method, "tokens_revoked": tokens},
    )
    return credentials


# -- the user's own password ------------------------------------------------------------------


def _set_own_password(account: User, new_password: str) -> None:
    account.set_password(new_password)
    account.must_change_password = False
    account.one_time_password_expires_at = None
    account.password_changed_at = timezone.now()
    account.save()


@transaction.atomic
def password_change(*, user: User, current_password: str, new_password: str) -> User:
    """The user replaces their password (G-5.9); the first-login obligation ends with it.

    Other sessions end (Django's session hash follows the password); the caller keeps the
    current one with `update_session_auth_hash`.
    """
    if user.one_time_password_expired:
        raise ValidationError(
            _("Your one-time password has expired: ask your administrator for a new one."),
            code="one_time_password_expired",
            fields={"current_password": ["expired"]},
        )
    if not user.check_password(current_password or ""):
        raise ValidationError(
            _("The current password is not correct."),
            code="current_password_wrong",
            fields={"current_password": ["wrong"]},
        )
    if new_password == current_password:
        raise ValidationError(
            _("The new password must differ from the current one."),
            code="password_unchanged",
            fields={"new_password": ["unchanged"]},
        )
    check_password_policy(new_password, user)
    was_required = user.must_change_password
    _set_own_password(user, new_password)
    journal.record(
        actor=user,
        action="identity.password.change",
        target=user,
        organization_id=_home_organization_id(user.person),
        before={"must_change_password": was_required},
        after={"must_change_password": False},
    )
    return user


def invitation_for_token(token: str) -> Invitation:
    """The pending invitation of a link, or a 400 that says nothing about why (expired, used…)."""
    invitation = (
        Invitation.objects.select_related("user", "user__person")
        .filter(token_hash=token_hash(token or ""))
        .first()
    )
    now = timezone.now()
    valid = (
        invitation is not None
        and invitation.used_at is None
        and invitation.revoked_at is None
        and invitation.expires_at > now
        and invitation.user.is_active
        and invitation.user.deleted_at is None
    )
    if not valid:
        raise ValidationError(
            _("This invitation link is not valid: it has expired or has been used already."),
            code="invitation_invalid",
        )
    return invitation  # type: ignore[return-value]


@transaction.atomic
def invitation_accept(*, token: str, new_password: str) -> User:
    """The invited user sets their first password; the link cannot be used again."""
    invitation = invitation_for_token(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.used_at is not None:  # a concurrent acceptance won
        raise ValidationError(
            _("This invitation link is not valid: it has expired or has been used already."),
            code="invitation_invalid",
        )
    user = invitation.user
    check_password_policy(new_password, user)
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    _set_own_password(user, new_password)
    journal.record(
        actor=user,
        action="identity.invitation.accept",
        target=user,
        organization_id=_home_organization_id(user.person),
        after={"must_change_password": False},
    )
    return user
