"""Changes to the hierarchy: create, change, move, open/close organizations; attribute values.

Each service checks a capability, validates, changes, and journals in one transaction. The
history of every node is also kept row by row by django-simple-history (G-5.8).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.audit import journal
from oqu.kernel.errors import Conflict, ValidationError
from oqu.kernel.identifiers import InvalidIdentifier, validate_bin

from .models import AttributeDefinition, AttributeValue, OrganizationType, Unit
from .reference import path_segment
from .rules import AttributeValueError, parent_allowed, parse_attribute_value

MANAGE = "orgs.unit.manage"
ATTRIBUTES = "orgs.attribute.manage"
EDITABLE_FIELDS = (
    "name_kk",
    "name_ru",
    "kato_code",
    "kato_version",
    "bin",
    "languages",
    "address",
    "is_private",
    "org_type_id",
)
LANGUAGE_CODES = {"kk", "ru", "en", "uz", "ug", "tj", "de"}


def _check_bin(bin_: str) -> str:
    if not bin_:
        return ""
    try:
        return validate_bin(bin_)
    except InvalidIdentifier as exc:
        raise ValidationError(
            _("The BIN is not valid: check the 12 digits."),
            code=exc.code,
            fields={"bin": [exc.code]},
        ) from None


def _check_languages(languages: list[str]) -> list[str]:
    unknown = [code for code in languages if code not in LANGUAGE_CODES]
    if unknown:
        raise ValidationError(
            _("Unknown language of instruction."),
            code="language_unknown",
            fields={"languages": unknown},
        )
    return sorted(set(languages))


def _new_path(parent: Unit, unit_id: uuid.UUID) -> str:
    return f"{parent.path}{path_segment(unit_id)}/"


@transaction.atomic
def unit_create(
    *,
    actor: Actor,
    parent: Unit,
    kind: str,
    name_kk: str,
    name_ru: str,
    org_type: OrganizationType | None = None,
    bin: str = "",
    languages: list[str] | None = None,
    kato_code: str = "",
    kato_version: str = "",
    address: str = "",
    is_private: bool = False,
    opened_on: dt.date | None = None,
) -> Unit:
    """Open a district or an organization under `parent` (R503-3)."""
    scope.require(actor, MANAGE, parent)
    if not parent_allowed(kind, parent.kind):
        raise ValidationError(
            _("This kind of unit cannot be placed there."),
            code="parent_not_allowed",
            fields={"parent": [kind]},
        )
    if kind == Unit.Kind.ORGANIZATION and org_type is None:
        raise ValidationError(
            _("An organization needs a type."),
            code="org_type_required",
            fields={"org_type": ["required"]},
        )
    if not name_kk.strip() or not name_ru.strip():
        raise ValidationError(
            _("The name is required in Kazakh and in Russian."),
            code="name_required",
            fields={"name": ["required"]},
        )
    unit_id = uuid.uuid4()
    unit = Unit(
        id=unit_id,
        kind=kind,
        parent=parent,
        path=_new_path(parent, unit_id),
        depth=parent.depth + 1,
        name=name_kk,
        name_kk=name_kk.strip(),
        name_ru=name_ru.strip(),
        org_type=org_type if kind == Unit.Kind.ORGANIZATION else None,
        bin=_check_bin(bin),
        languages=_check_languages(languages or []),
        kato_code=kato_code,
        kato_version=kato_version,
        address=address,
        is_private=is_private,
        opened_on=opened_on or timezone.localdate(),
    )
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError:
        raise Conflict(
            _("An organization with this BIN is already registered."), code="bin_duplicate"
        ) from None
    journal.record(
        actor=actor, action="orgs.unit.create", target=unit, after=journal.snapshot(unit)
    )
    return unit


@transaction.atomic
def unit_change(*, actor: Actor, unit: Unit, **changes: Any) -> Unit:
    """Change the card of a unit; before/after of the changed fields go to the journal."""
    scope.require(actor, MANAGE, unit)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            code="field_not_editable", fields={k: ["not_editable"] for k in unknown}
        )
    before = journal.snapshot(unit, list(changes))
    if "bin" in changes:
        changes["bin"] = _check_bin(changes["bin"])
    if "languages" in changes:
        changes["languages"] = _check_languages(changes["languages"])
    for field, value in changes.items():
        setattr(unit, field, value)
    if "name_kk" in changes:
        # `name` mirrors the active language: sync the base column under the default one only
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            unit.name = unit.name_kk
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError:
        raise Conflict(
            _("An organization with this BIN is already registered."), code="bin_duplicate"
        ) from None
    old, new = journal.changed(before, journal.snapshot(unit, list(changes)))
    if new:
        journal.record(actor=actor, action="orgs.unit.change", target=unit, before=old, after=new)
    return unit


@transaction.atomic
def unit_move(*, actor: Actor, unit: Unit, new_parent: Unit) -> Unit:
    """Move a node (and its subtree) under another parent; its id, and so its history, stay."""
    scope.require(actor, MANAGE, unit)
    scope.require(actor, MANAGE, new_parent)
    if new_parent.path.startswith(unit.path):
        raise ValidationError(_("A unit cannot be moved into itself."), code="move_into_self")
    if not parent_allowed(unit.kind, new_parent.kind):
        raise ValidationError(
            _("This kind of unit cannot be placed there."), code="parent_not_allowed"
        )
    old_path = unit.path
    old_parent_id = unit.parent_id
    new_path = _new_path(new_parent, unit.pk)
    depth_shift = new_parent.depth + 1 - unit.depth
    descendants = list(Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk))
    unit.parent = new_parent
    unit.path = new_path
    unit.depth = new_parent.depth + 1
    unit.save()
    for node in descendants:
        node.path = new_path + node.path[len(old_path) :]
        node.depth += depth_shift
        node.save(update_fields=["path", "depth", "updated_at"])
    journal.record(
        actor=actor,
        action="orgs.unit.move",
        target=unit,
        before={"parent_id": str(old_parent_id), "path": old_path},
        after={"parent_id": str(new_parent.pk), "path": new_path},
    )
    return unit


@transaction.atomic
def organization_close(*, actor: Actor, organization: Unit, closed_on: dt.date) -> Unit:
    scope.require(actor, MANAGE, organization)
    if organization.status == Unit.Status.CLOSED:
        raise Conflict(_("The organization is already closed."), code="already_closed")
    organization.status = Unit.Status.CLOSED
    organization.closed_on = closed_on
    organization.save()
    journal.record(
        actor=actor,
        action="orgs.unit.close",
        target=organization,
        before={"status": "active"},
        after={"status": "closed", "closed_on": closed_on},
    )
    return organization


@transaction.atomic
def organization_reopen(*, actor: Actor, organization: Unit) -> Unit:
    scope.require(actor, MANAGE, organization)
    if organization.status == Unit.Status.ACTIVE:
        raise Conflict(_("The organization is already open."), code="already_open")
    before = {"status": organization.status, "closed_on": organization.closed_on}
    organization.status = Unit.Status.ACTIVE
    organization.closed_on = None
    organization.save()
    journal.record(
        actor=actor,
        action="orgs.unit.reopen",
        target=organization,
        before=before,
        after={"status": "active"},
    )
    return organization


@transaction.atomic
def attribute_value_set(
    *, actor: Actor, organization: Unit, code: str, value: Any, as_of: dt.date | None = None
) -> AttributeValue:
    """Set an organization's attribute from `as_of`; the previous value is closed, not overwritten."""
    scope.require(actor, ATTRIBUTES, organization)
    as_of = as_of or timezone.localdate()
    definition = AttributeDefinition.objects.filter(
        org_type_id=organization.org_type_id, code=code
    ).first()
    if definition is None:
        raise ValidationError(
            _("This attribute does not exist for this type of organization."),
            code="attribute_unknown",
            fields={"code": [code]},
        )
    if as_of < definition.valid_from or (definition.valid_to and definition.valid_to < as_of):
        raise ValidationError(
            _("This attribute is not in use on that date."), code="attribute_not_in_force"
        )
    try:
        typed = parse_attribute_value(definition.value_type, value, definition.choices)
    except AttributeValueError as exc:
        raise ValidationError(
            _("The value does not fit the attribute's type."),
            code=exc.code,
            fields={"value": [exc.code]},
        ) from None
    current = (
        AttributeValue.objects.select_for_update()
        .filter(organization=organization, definition=definition, valid_to__isnull=True)
        .first()
    )
    before = None
    if current is not None:
        before = {"value": current.value, "valid_from": current.valid_from}
        if current.valid_from > as_of:
            # The past is kept, never rewritten: a value cannot start before the one in force.
            raise ValidationError(
                _("The value cannot start before the current value's start date."),
                code="attribute_backdated",
                fields={"valid_from": [str(current.valid_from)]},
            )
        if current.valid_from == as_of:
            current.delete()  # a same-day correction replaces the value
        else:
            current.valid_to = as_of - dt.timedelta(days=1)
            current.save(update_fields=["valid_to", "updated_at"])
    new_value = AttributeValue.objects.create(
        organization=organization, definition=definition, valid_from=as_of, **typed
    )
    journal.record(
        actor=actor,
        action="orgs.attribute.set",
        target=organization,
        before=before,
        after={"attribute": code, "value": new_value.value, "valid_from": as_of},
    )
    return new_value


@transaction.atomic
def attribute_definition_create(
    *,
    actor: Actor,
    org_type: OrganizationType,
    code: str,
    label_kk: str,
    label_ru: str,
    value_type: str,
    choices: list[dict[str, str]] | None = None,
    unit_of_measure: str = "",
    valid_from: dt.date,
    valid_to: dt.date | None = None,
) -> AttributeDefinition:
    """Add an attribute to a type's catalogue: a republic-level decision."""
    republic = Unit.objects.get(kind=Unit.Kind.REPUBLIC)
    # the catalogue is reference data every signed-in user sees: refusing it is 403, not 404
    scope.require(actor, ATTRIBUTES, republic, target_visible=not actor.is_anonymous)
    if value_type not in AttributeDefinition.ValueType.values:
        raise ValidationError(code="value_type_unknown", fields={"value_type": [value_type]})
    if value_type == "choice" and not choices:
        raise ValidationError(
            _("A choice attribute needs its choices."),
            code="choices_required",
            fields={"choices": ["required"]},
        )
    if AttributeDefinition.objects.filter(org_type=org_type, code=code).exists():
        raise Conflict(_("This attribute already exists."), code="attribute_duplicate")
    definition = AttributeDefinition.objects.create(
        org_type=org_type,
        code=code,
        label=label_kk,
        label_kk=label_kk,
        label_ru=label_ru,
        value_type=value_type,
        choices=choices or [],
        unit_of_measure=unit_of_measure,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    journal.record(
        actor=actor,
        action="orgs.attribute.define",
        target=definition,
        after=journal.snapshot(definition),
    )
    return definition
