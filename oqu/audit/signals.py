"""Receivers of the audit app: what a completed sign-in tells the security journal (G-5.12, G-5.20).

`user_logged_in` fires once the whole sign-in is done (password and, where required, the MFA
code), so the address becomes familiar to the account only then, and an administrator's sign-in
is a security event only then.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from oqu.kernel.context import current_request_info

from . import journal, lockout
from .models import SecurityEvent

# Capabilities that make an account an administrator: it changes who may do what.
ADMIN_CAPABILITIES = frozenset({"access.role.manage", "access.grant.manage", "orgs.unit.manage"})


def administrator_roles(user: Any) -> list[str]:
    """The codes of the user's active roles that carry an administrator capability (and
    `superuser` for a superuser); empty for everyone else."""
    from oqu.access.scope import actor_for

    if user is None or not getattr(user, "is_active", False):
        return []
    actor = actor_for(user)
    roles = sorted({g.role_code for g in actor.grants if g.capabilities & ADMIN_CAPABILITIES})
    return (["superuser"] if user.is_superuser else []) + roles


def record_admin_sign_in(user: Any, *, via: str) -> SecurityEvent | None:
    roles = administrator_roles(user)
    if not roles:
        return None
    return journal.record_security_event(
        kind="admin_login",
        summary=str(_("Administrator signed in")),
        severity=SecurityEvent.Severity.INFO,
        user=user,
        organization_id=journal.organization_of_user(user),
        details={"roles": roles, "via": via},
    )


def on_user_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    info = current_request_info()
    ip = info.ip or (request.META.get("REMOTE_ADDR") if request is not None else None)
    lockout.note_success(user, ip)
    record_admin_sign_in(user, via="web")
