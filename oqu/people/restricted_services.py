"""Reading and changing restricted personal data (G-5.16, G-10, G-5.13).

Every read and every change is journaled. The journal is not encrypted, so it names the category
and which payload fields were read or changed, never their values.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.audit import journal
from oqu.kernel.errors import ValidationError

from .models import Person, RestrictedRecord
from .restricted import MANAGE, VIEW, OpenRecord, open_payload, seal_payload
from .selectors import restricted_list

MAX_FIELDS = 20
MAX_VALUE_LENGTH = 4000
MAX_KEY_LENGTH = 60


def _check_category(category: str) -> None:
    if category not in RestrictedRecord.Category.values:
        raise ValidationError(
            _("Choose one of the categories of restricted data."),
            code="category_unknown",
            fields={"category": [category]},
        )


def _clean_payload(payload: Any) -> dict[str, str]:
    """A small flat mapping of named texts; nothing empty, nothing huge."""
    if not isinstance(payload, dict) or not payload or len(payload) > MAX_FIELDS:
        raise ValidationError(
            _("Give between 1 and 20 named entries."),
            code="payload_invalid",
            fields={"payload": ["size"]},
        )
    cleaned: dict[str, str] = {}
    for key, value in payload.items():
        name = str(key).strip()
        text = str(value if value is not None else "").strip()
        if not name or len(name) > MAX_KEY_LENGTH or len(text) > MAX_VALUE_LENGTH:
            raise ValidationError(
                _("An entry has no name, or its name or text is too long."),
                code="payload_invalid",
                fields={"payload": [name[:MAX_KEY_LENGTH] or "name"]},
            )
        cleaned[name] = text
    if not any(cleaned.values()):
        raise ValidationError(
            _("Write at least one entry."),
            code="payload_empty",
            fields={"payload": ["empty"]},
        )
    return cleaned


def _person_organization(person: Person, organization: Any) -> None:
    """Restricted data is kept by an organization the person is active in."""
    if organization.pk not in {unit.pk for unit in scope.person_units(person)}:
        raise ValidationError(
            _("The person is not active in this organization."),
            code="organization_not_of_person",
            fields={"organization": [str(organization.pk)]},
        )


def _summary(record: RestrictedRecord, payload: dict[str, Any]) -> dict[str, Any]:
    return {"category": record.category, "fields": sorted(payload)}


def restricted_read(*, actor: Actor, person: Person) -> list[OpenRecord]:
    """Open the person's restricted records the actor may see, and journal the read.

    Each record's integrity code is checked first; a tampered one refuses the whole read (and
    raises a critical security event) before anything is journaled as read. One journal row per
    organization whose records were read, so the cost does not grow with the records.
    """
    units = scope.person_units(person)
    if not actor.is_platform_admin:
        # 403 for a visible person when the actor holds the capability in none of their units
        scope.require_any(actor, VIEW, units, target=person)
    records = list(restricted_list(actor, person))
    opened = [OpenRecord(record, open_payload(record, actor=actor)) for record in records]
    by_organization: dict[Any, list[OpenRecord]] = defaultdict(list)
    for item in opened:
        by_organization[item.record.organization_id].append(item)
    if not by_organization:
        # learning that a person has no restricted data is a read too
        readable = [u.pk for u in units if actor.can_at(VIEW, u.path)]
        by_organization[readable[0] if readable else None] = []
    with transaction.atomic():
        for organization_id, items in by_organization.items():
            journal.record(
                actor=actor,
                action="people.restricted.read",
                target=person,
                after={
                    "records": [
                        {"id": str(i.record.pk), **_summary(i.record, i.payload)} for i in items
                    ]
                },
                organization_id=organization_id,
            )
    return opened


@transaction.atomic
def restricted_create(
    *,
    actor: Actor,
    person: Person,
    organization: Any,
    category: str,
    payload: dict[str, Any],
) -> OpenRecord:
    """Record restricted data about a person in one of their organizations (sealed at once)."""
    scope.require(actor, MANAGE, organization, target=person)
    _check_category(category)
    _person_organization(person, organization)
    cleaned = _clean_payload(payload)
    record = RestrictedRecord(
        id=uuid.uuid4(), person=person, organization=organization, category=category
    )
    seal_payload(record, cleaned)
    record.save(force_insert=True)
    journal.record(
        actor=actor,
        action="people.restricted.create",
        target=record,
        after=_summary(record, cleaned),
    )
    return OpenRecord(record, cleaned)


def restricted_update(
    *,
    actor: Actor,
    record: RestrictedRecord,
    category: str | None = None,
    payload: dict[str, Any] | None = None,
) -> OpenRecord:
    """Change the category or the payload; the old payload is checked before it is replaced.

    The check runs before the transaction, so the security event of a tampered row survives the
    refusal.
    """
    scope.require(actor, MANAGE, record.organization, target=record)
    old_payload = open_payload(record, actor=actor)
    before = _summary(record, old_payload)
    if category is not None:
        _check_category(category)
    new_payload = _clean_payload(payload) if payload is not None else old_payload
    with transaction.atomic():
        if category is not None:
            record.category = category
        seal_payload(record, new_payload)
        record.save(
            update_fields=["category", "key_id", "payload_sealed", "integrity_code", "updated_at"]
        )
        after = {**_summary(record, new_payload), "payload_changed": new_payload != old_payload}
        journal.record(
            actor=actor,
            action="people.restricted.change",
            target=record,
            before=before,
            after=after,
        )
    return OpenRecord(record, new_payload)


@transaction.atomic
def restricted_delete(*, actor: Actor, record: RestrictedRecord) -> None:
    """Remove a restricted record (e.g. a health restriction that ended)."""
    scope.require(actor, MANAGE, record.organization, target=record)
    before = {"category": record.category, "person": str(record.person_id)}
    journal.record(actor=actor, action="people.restricted.delete", target=record, before=before)
    record.delete()


def restricted_reseal(record: RestrictedRecord) -> bool:
    """Re-encrypt one record under the current key (key rotation); False if already current.

    Used by `manage.py restricted_reseal`; the integrity code is checked before re-sealing.
    """
    from oqu.kernel import crypto

    if record.key_id == crypto.current_key().key_id:
        return False
    payload = open_payload(record)
    seal_payload(record, payload)
    record.save(update_fields=["key_id", "payload_sealed", "integrity_code", "updated_at"])
    return True
