"""The child's digital profile: statuses from the reference list, medical statuses as restricted
personal data (sealed, read by the roles that need them, every read journaled) (PRE-25.1, 25.10)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from oqu.access.scope import actor_for
from oqu.audit.models import ActionRecord
from oqu.kernel.errors import Conflict, Forbidden, NotFound, ValidationError
from oqu.people.models import RestrictedRecord
from oqu.preschool import selectors, services
from oqu.preschool.models import SocialStatus


def test_pre25_1_social_and_educational_statuses_from_the_reference_list(kg: Any) -> None:
    head = actor_for(kg.head)
    status = services.status_add(
        actor=head, child=kg.child, kind="social", code="large_family", since=dt.date(2026, 9, 1)
    )
    services.status_add(
        actor=head, child=kg.child, kind="educational", code="adaptation", since=dt.date(2026, 9, 1)
    )
    assert status.label == str(SocialStatus.LARGE_FAMILY.label)
    assert status.organization == kg.org
    with pytest.raises(Conflict):
        services.status_add(
            actor=head,
            child=kg.child,
            kind="social",
            code="large_family",
            since=dt.date(2026, 9, 2),
        )
    with pytest.raises(ValidationError) as unknown:
        services.status_add(
            actor=head, child=kg.child, kind="social", code="adaptation", since=dt.date(2026, 9, 2)
        )
    assert unknown.value.code == "status_unknown"
    services.status_close(actor=head, status=status, on=dt.date(2026, 10, 1))
    assert [s.code for s in selectors.child_statuses(kg.child)][-1] == "large_family"
    assert ActionRecord.objects.filter(action="preschool.status.close", target_id=str(status.pk))


def test_pre25_10_educator_cannot_record_statuses(kg: Any) -> None:
    with pytest.raises(Forbidden):
        services.status_add(
            actor=actor_for(kg.educator),
            child=kg.child,
            kind="social",
            code="orphan",
            since=dt.date(2026, 9, 1),
        )


def test_pre25_1_medical_statuses_are_sealed_and_every_read_is_journaled(kg: Any) -> None:
    head = actor_for(kg.head)
    services.medical_set(
        actor=head, child=kg.child, health_group="II", allergies="Жаңғақ", restrictions="Без молока"
    )
    record = RestrictedRecord.objects.get(person=kg.child, category="health")
    assert "Жаңғақ".encode() not in bytes(record.payload_sealed)
    assert (
        services.medical_read(actor=actor_for(kg.educator), child=kg.child)["allergies"] == "Жаңғақ"
    )
    read = ActionRecord.objects.filter(action="preschool.medical.read", target_id=str(kg.child.pk))
    assert read.count() == 1
    # the journal names the fields read, never their values
    assert "Жаңғақ" not in str(read.get().after)
    services.medical_set(actor=head, child=kg.child, health_group="I")
    assert services.medical_read(actor=head, child=kg.child)["health_group"] == "I"
    assert RestrictedRecord.objects.filter(person=kg.child, category="health").count() == 1


def test_pre25_10_medical_statuses_hidden_from_who_does_not_need_them(kg: Any) -> None:
    services.medical_set(actor=actor_for(kg.head), child=kg.child, health_group="II")
    # the educator of another group of the same kindergarten: visible child, not theirs → 403
    with pytest.raises(Forbidden):
        services.medical_read(actor=actor_for(kg.other_educator), child=kg.child)
    # the methodologist has no medical capability at all
    with pytest.raises(Forbidden):
        services.medical_read(actor=actor_for(kg.methodologist), child=kg.child)
    # another organization's head does not see the child
    with pytest.raises(NotFound):
        services.medical_read(actor=actor_for(kg.foreign_head), child=kg.child)
    # educators may read, not change
    with pytest.raises(Forbidden):
        services.medical_set(actor=actor_for(kg.educator), child=kg.child, health_group="I")
    assert not ActionRecord.objects.filter(action="preschool.medical.read").exists()


def test_pre25_10_parent_sees_own_child_not_another(kg: Any) -> None:
    parent = actor_for(kg.parent)
    assert selectors.child_get(parent, kg.child.pk) == kg.child
    with pytest.raises(NotFound):
        selectors.child_get(parent, kg.sibling_group_child.pk)
    with pytest.raises(NotFound):
        selectors.child_get(actor_for(kg.head), kg.foreign_child.pk)
    guardians = selectors.child_guardians(kg.child)
    assert [g.guardian_id for g in guardians] == [kg.parent.person_id]
