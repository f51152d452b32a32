"""Registering digital resources for single sign-on (G-9, HSC-2/13). Platform administrators only;
every step journaled (never the client secret). The secret is returned once, at creation and at
rotation, and stored hashed by django-oauth-toolkit."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application, Grant, IDToken, RefreshToken

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.audit import journal
from oqu.kernel.errors import Conflict, ValidationError

from .models import Claim, ClientPolicy, Scope
from .selectors import MANAGE, primary_organization_id, republic

CLIENT_TYPES = {Application.CLIENT_CONFIDENTIAL, Application.CLIENT_PUBLIC}


@dataclass(frozen=True)
class IssuedClient:
    policy: ClientPolicy
    client_secret: str  # shown once; empty for public clients


def _snapshot(policy: ClientPolicy) -> dict[str, Any]:
    app = policy.application
    return {
        "name": app.name,
        "client_id": app.client_id,
        "client_type": app.client_type,
        "redirect_uris": app.redirect_uris,
        "post_logout_redirect_uris": app.post_logout_redirect_uris,
        "skip_authorization": app.skip_authorization,
        "description": policy.description,
        "claims": list(policy.claims),
        "scopes": list(policy.scopes),
        "is_active": policy.is_active,
    }


def _clean_choices(values: list[str], allowed: type, field: str) -> list[str]:
    unknown = [v for v in values if v not in allowed.values]
    if unknown:
        raise ValidationError(
            _("Unknown values: %(values)s.") % {"values": ", ".join(unknown)},
            code="unknown_choice",
            fields={field: ["unknown_choice"]},
        )
    return sorted(set(values))


def _clean_scopes(scopes: list[str]) -> list[str]:
    return sorted({*_clean_choices(scopes, Scope, "scopes"), Scope.OPENID})


def _validate_application(app: Application) -> None:
    if not (app.name or "").strip():
        raise ValidationError(
            _("Give the resource a name."), code="name_required", fields={"name": ["required"]}
        )
    if app.client_type not in CLIENT_TYPES:
        raise ValidationError(
            _("Unknown client type."), code="unknown_choice", fields={"client_type": ["invalid"]}
        )
    if not app.redirect_uris.split():
        raise ValidationError(
            _("Give at least one redirect address."),
            code="redirect_uris_required",
            fields={"redirect_uris": ["required"]},
        )
    try:
        app.full_clean(exclude=["client_secret", "user"])
    except DjangoValidationError as exc:
        fields = {name: ["invalid"] for name in exc.message_dict}
        message = " ".join(str(m) for msgs in exc.message_dict.values() for m in msgs)
        raise ValidationError(message, code="invalid_client", fields=fields) from None


def require_manage(actor: Actor, target: Any = None) -> None:
    """Only the platform administrator registers resources: 404 to those who do not see the
    republic level, 403 to those who do but lack the capability."""
    scope.require(actor, MANAGE, republic(), target=target)


@transaction.atomic
def client_create(
    *,
    actor: Actor,
    name: str,
    redirect_uris: list[str],
    client_type: str = Application.CLIENT_CONFIDENTIAL,
    post_logout_redirect_uris: list[str] | None = None,
    claims: list[str] | None = None,
    scopes: list[str] | None = None,
    description: str = "",
    skip_authorization: bool = False,
) -> IssuedClient:
    """Register a resource: an RS256 authorization-code client with PKCE and its claim policy."""
    require_manage(actor)
    secret = generate_client_secret() if client_type == Application.CLIENT_CONFIDENTIAL else ""
    app = Application(
        name=name.strip(),
        client_type=client_type,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(redirect_uris),
        post_logout_redirect_uris=" ".join(post_logout_redirect_uris or []),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=skip_authorization,
        client_secret=secret,
        hash_client_secret=True,
        user=actor.user,
    )
    _validate_application(app)
    app.save()
    policy = ClientPolicy.objects.create(
        application=app,
        description=description.strip(),
        claims=_clean_choices(claims or [], Claim, "claims"),
        scopes=_clean_scopes(scopes or []),
        secret_rotated_at=timezone.now() if secret else None,
        created_by=actor.user,
    )
    journal.record(actor=actor, action="sso.client.create", target=policy, after=_snapshot(policy))
    return IssuedClient(policy=policy, client_secret=secret)


def _locked(policy_id: Any) -> ClientPolicy:
    return ClientPolicy.objects.select_for_update().select_related("application").get(pk=policy_id)


@transaction.atomic
def client_update(
    *,
    actor: Actor,
    policy: ClientPolicy,
    name: str | None = None,
    redirect_uris: list[str] | None = None,
    post_logout_redirect_uris: list[str] | None = None,
    claims: list[str] | None = None,
    scopes: list[str] | None = None,
    description: str | None = None,
    skip_authorization: bool | None = None,
) -> ClientPolicy:
    """Change the resource's addresses or its policy; the next token follows the new policy."""
    require_manage(actor, policy)
    policy = _locked(policy.pk)
    before = _snapshot(policy)
    app = policy.application
    if name is not None:
        app.name = name.strip()
    if redirect_uris is not None:
        app.redirect_uris = " ".join(redirect_uris)
    if post_logout_redirect_uris is not None:
        app.post_logout_redirect_uris = " ".join(post_logout_redirect_uris)
    if skip_authorization is not None:
        app.skip_authorization = skip_authorization
    if claims is not None:
        policy.claims = _clean_choices(claims, Claim, "claims")
    if scopes is not None:
        policy.scopes = _clean_scopes(scopes)
    if description is not None:
        policy.description = description.strip()
    _validate_application(app)
    app.save()
    policy.save()
    old, new = journal.changed(before, _snapshot(policy))
    if new:
        journal.record(
            actor=actor, action="sso.client.update", target=policy, before=old, after=new
        )
    return policy


@transaction.atomic
def client_rotate_secret(*, actor: Actor, policy: ClientPolicy) -> IssuedClient:
    """Issue a new client secret (shown once); the old one stops working at once."""
    require_manage(actor, policy)
    policy = _locked(policy.pk)
    app = policy.application
    if app.client_type != Application.CLIENT_CONFIDENTIAL:
        raise Conflict(_("A public client has no secret."), code="public_client_has_no_secret")
    secret = generate_client_secret()
    app.client_secret = secret
    app.hash_client_secret = True
    app.save()
    policy.secret_rotated_at = timezone.now()
    policy.save(update_fields=["secret_rotated_at", "updated_at"])
    journal.record(
        actor=actor,
        action="sso.client.rotate_secret",
        target=policy,
        after={"secret_rotated_at": policy.secret_rotated_at},
    )
    return IssuedClient(policy=policy, client_secret=secret)


def _revoke_tokens(app: Application) -> int:
    """Withdraw everything issued to the resource: codes, access, refresh and ID tokens."""
    count = AccessToken.objects.filter(application=app).count()
    RefreshToken.objects.filter(application=app).delete()
    AccessToken.objects.filter(application=app).delete()
    IDToken.objects.filter(application=app).delete()
    Grant.objects.filter(application=app).delete()
    return count


@transaction.atomic
def client_set_active(*, actor: Actor, policy: ClientPolicy, active: bool) -> ClientPolicy:
    """Disable (sign-ins refused, issued tokens revoked) or enable a resource again."""
    require_manage(actor, policy)
    policy = _locked(policy.pk)
    if policy.is_active == active:
        raise Conflict(
            _("The resource is already enabled.")
            if active
            else _("The resource is already disabled."),
            code="already_enabled" if active else "already_disabled",
        )
    policy.is_active = active
    policy.save(update_fields=["is_active", "updated_at"])
    after: dict[str, Any] = {"is_active": active}
    if not active:
        after["tokens_revoked"] = _revoke_tokens(policy.application)
    journal.record(
        actor=actor,
        action="sso.client.enable" if active else "sso.client.disable",
        target=policy,
        before={"is_active": not active},
        after=after,
    )
    return policy


@transaction.atomic
def my_data_exported(*, actor: Actor, person_count: int) -> None:
    """Journal a download of one's own data (an export of personal data is a critical action)."""
    journal.record(
        actor=actor,
        action="privacy.my_data.export",
        target=actor.user,
        after={"persons": person_count},
    )


# Registered claims of the token itself, not data about the user.
TOKEN_CLAIMS = frozenset(
    {"iss", "aud", "exp", "iat", "auth_time", "jti", "nonce", "at_hash", "azp"}
)


def claims_released(*, user: Any, application: Any, claims: dict[str, Any]) -> None:
    """Journal that a resource received data about the user at sign-in (an ID token was issued).

    The row's object is the user's account, so it appears on their "my data" page among those who
    accessed their data; the actor is the resource itself. It goes to the chain of the user's own
    organization, so sign-ins across the country do not queue on one chain.
    """
    resource = SimpleNamespace(username=f"{application.name} (SSO)"[:150], pk=None)
    journal.record(
        actor=resource,
        action="sso.claims.released",
        target=user,
        after={
            "client_id": application.client_id,
            "resource": application.name,
            "claims": sorted(k for k in claims if k not in TOKEN_CLAIMS),
        },
        organization_id=primary_organization_id(user),
    )
