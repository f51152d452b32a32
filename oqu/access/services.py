"""Give and withdraw roles; change what a role may do. Critical functions: always journaled."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from oqu.audit import journal
from oqu.kernel.errors import Conflict, ValidationError

from . import scope
from .capabilities import all_capabilities
from .models import Grant, Role
from .scope import Actor

# Which kinds of unit a role of each level may be granted on.
LEVEL_UNIT_KINDS = {
    Role.Level.ORGANIZATION: {"organization"},
    Role.Level.DISTRICT: {"district"},
    Role.Level.REGION: {"region"},
    Role.Level.REPUBLIC: {"republic"},
}


def _republic() -> Any:
    from oqu.orgs.models import Unit

    return Unit.objects.get(kind=Unit.Kind.REPUBLIC)


def _sees_roles(actor: Actor) -> bool:
    """Whether roles are shown to the actor at all (the rule of `selectors.role_list`)."""
    if actor.is_anonymous:
        return False
    return bool(actor.paths_for("access.role.view") or actor.paths_for("access.grant.manage"))


def _check_capabilities(capabilities: list[str]) -> list[str]:
    unknown = sorted(set(capabilities) - set(all_capabilities()))
    if unknown:
        raise ValidationError(
            _("Unknown capabilities."), code="capability_unknown", fields={"capabilities": unknown}
        )
    return sorted(set(capabilities))


def _delegates_downward(actor: Actor, unit: Any) -> bool:
    """True when the actor gives roles on a unit strictly below one of their own grant units.

    An education authority appoints the staff of the organizations below it (a district
    department appoints school directors), so below its own unit it may give any role of the
    right level. On its own unit nobody gives rights they do not hold themselves.
    """
    return any(
        unit.path.startswith(path) and unit.path != path
        for path in actor.paths_for("access.grant.manage")
    )


@transaction.atomic
def grant_create(
    *,
    actor: Actor,
    user: Any,
    role: Role,
    unit: Any,
    valid_from: dt.datetime | None = None,
    valid_to: dt.datetime | None = None,
) -> Grant:
    """Give `role` to `user` on `unit` (and so on its subtree) for a period (G-5.8).

    On their own unit nobody gives more than they hold: every capability of the role must be
    the actor's own there. Below it, an authority delegates (see `_delegates_downward`); the
    role's level must always fit the unit, so a school head cannot make anyone a regional
    official.
    """
    scope.require(actor, "access.grant.manage", unit)
    if not role.is_active or role.level == Role.Level.RELATION:
        raise ValidationError(
            _("This role cannot be granted on a unit."),
            code="role_not_grantable",
            fields={"role": [role.code]},
        )
    if unit.kind not in LEVEL_UNIT_KINDS[role.level]:
        raise ValidationError(
            _("This role is given on another level of the hierarchy."),
            code="role_level_mismatch",
            fields={"unit": [unit.kind]},
        )
    if not actor.is_platform_admin and not _delegates_downward(actor, unit):
        missing = [c for c in role.capabilities if not actor.can_at(c, unit.path)]
        if missing:
            raise ValidationError(
                _("You cannot give a role with rights you do not hold yourself."),
                code="role_exceeds_own_rights",
                fields={"role": missing},
            )
    valid_from = valid_from or timezone.now()
    if valid_to is not None and valid_to <= valid_from:
        raise ValidationError(
            _("The end of the period is before its start."),
            code="period_invalid",
            fields={"valid_to": ["before_start"]},
        )
    grant = Grant(
        user=user,
        role=role,
        unit=unit,
        valid_from=valid_from,
        valid_to=valid_to,
        granted_by=actor.user,
    )
    grant._history_user = actor.user  # the row history names who gave it, outside requests too
    grant.save()
    journal.record(
        actor=actor,
        action="access.grant.create",
        target=grant,
        organization_id=unit.pk if unit.kind == "organization" else None,
        after={
            "user": user.username,
            "role": role.code,
            "unit": str(unit.pk),
            "valid_from": valid_from,
            "valid_to": valid_to,
        },
    )
    _privilege_event("grant", grant, actor)
    return grant


@transaction.atomic
def grant_revoke(*, actor: Actor, grant: Grant, at: dt.datetime | None = None) -> Grant:
    """End a grant now (or at `at`); the row stays, with its history."""
    scope.require(actor, "access.grant.manage", grant.unit, target=grant)
    at = at or timezone.now()
    if grant.valid_to is not None and grant.valid_to <= at:
        raise Conflict(_("This grant has already ended."), code="already_ended")
    before = {"valid_to": grant.valid_to}
    grant.valid_to = max(at, grant.valid_from)
    grant._history_user = actor.user
    grant.save()
    journal.record(
        actor=actor,
        action="access.grant.revoke",
        target=grant,
        organization_id=grant.unit_id if grant.unit.kind == "organization" else None,
        before=before,
        after={"valid_to": grant.valid_to},
    )
    _privilege_event("grant_revoked", grant, actor)
    return grant


def _privilege_event(kind: str, grant: Grant, actor: Actor) -> None:
    """Privilege grants and withdrawals are security events too (G-5.20), in the same commit."""
    summary = _("Role given") if kind == "grant" else _("Role withdrawn")
    journal.record_security_event(
        kind=kind,
        summary=f"{summary}: {grant.role.code} → {grant.user.get_username()}",
        severity="info",
        user=grant.user,
        organization_id=grant.unit_id,
        details={
            "grant": grant.pk,
            "role": grant.role.code,
            "unit": grant.unit_id,
            "by": getattr(actor.user, "username", "") or "",
            "valid_from": grant.valid_from,
            "valid_to": grant.valid_to,
        },
    )


@transaction.atomic
def role_create(
    *, actor: Actor, code: str, name_kk: str, name_ru: str, level: str, capabilities: list[str]
) -> Role:
    scope.require(actor, "access.role.manage", _republic(), target_visible=_sees_roles(actor))
    if level not in Role.Level.values:
        raise ValidationError(code="level_unknown", fields={"level": [level]})
    if Role.objects.filter(code=code).exists():
        raise Conflict(_("A role with this code already exists."), code="role_duplicate")
    role = Role(
        code=code,
        name=name_kk,
        name_kk=name_kk,
        name_ru=name_ru,
        level=level,
        capabilities=_check_capabilities(capabilities),
    )
    role._history_user = actor.user
    role.save()
    journal.record(
        actor=actor, action="access.role.create", target=role, after=journal.snapshot(role)
    )
    return role


@transaction.atomic
def role_change(
    *,
    actor: Actor,
    role: Role,
    name_kk: str | None = None,
    name_ru: str | None = None,
    capabilities: list[str] | None = None,
    is_active: bool | None = None,
) -> Role:
    """Change what a role may do; every grant of the role follows at once (history kept)."""
    scope.require(
        actor,
        "access.role.manage",
        _republic(),
        target=role,
        target_visible=_sees_roles(actor),
    )
    fields = ["name_kk", "name_ru", "capabilities", "is_active"]
    before = journal.snapshot(role, fields)
    if name_kk is not None:
        role.name_kk = name_kk
        # `name` mirrors the active language: sync the base column under the default one only
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            role.name = name_kk
    if name_ru is not None:
        role.name_ru = name_ru
    if capabilities is not None:
        role.capabilities = _check_capabilities(capabilities)
    if is_active is not None:
        role.is_active = is_active
    role._history_user = actor.user
    role.save()
    old, new = journal.changed(before, journal.snapshot(role, fields))
    if new:
        journal.record(actor=actor, action="access.role.change", target=role, before=old, after=new)
    return role


def grants_end_for_account(*, actor: Actor, user: Any, at: dt.datetime | None = None) -> int:
    """End every grant of an account being deleted (G-5.7); the rows and their history stay.

    The caller (identity's account deletion) has already checked the actor's right over the
    account, which is what this is about: ending someone's grants as part of deleting their account
    needs no right to give roles. Runs inside the caller's transaction; each end is journaled.
    """
    at = at or timezone.now()
    ended = 0
    active = (
        Grant.objects.filter(user=user)
        .filter(models_q_active(at))
        .select_related("unit")
        .order_by("valid_from")
    )
    for grant in active:
        before = {"valid_to": grant.valid_to}
        grant.valid_to = max(at, grant.valid_from)
        grant._history_user = actor.user
        grant._change_reason = "account deleted"
        grant.save()
        journal.record(
            actor=actor,
            action="access.grant.revoke",
            target=grant,
            organization_id=grant.unit_id if grant.unit.kind == "organization" else None,
            before=before,
            after={"valid_to": grant.valid_to, "reason": "account_deleted"},
        )
        ended += 1
    return ended


def models_q_active(at: dt.datetime) -> Any:
    """Grants not yet ended at `at` (including those that start later)."""
    from django.db.models import Q

    return Q(valid_to__isnull=True) | Q(valid_to__gt=at)
