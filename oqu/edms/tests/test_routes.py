"""Routes, registration, execution, archive (EDMS-22, EDMS-23)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from oqu.access.scope import actor_for
from oqu.audit.models import ActionRecord
from oqu.edms import selectors, services
from oqu.edms.models import DocumentStatus, DocumentVersion, ImmutableVersion, StepStatus
from oqu.kernel.errors import Conflict, Forbidden, NotFound, ValidationError
from oqu.notifications.models import Notification

from .conftest import draft, sign_step

pytestmark = pytest.mark.django_db


def _pending(document, user):
    return document.steps.get(assignee=user, status=StepStatus.PENDING)


def test_edms_22_every_kind_of_o456_p22_is_preconfigured(office):
    # the kinds named by O456 p.22 exist with fields, a numbering pattern and a default route
    codes = set(office.kinds)
    assert {
        "incoming",
        "outgoing",
        "internal",
        "order",
        "hr-leave",
        "hr-trip",
        "hr-contract",
        "hr-supplement",
        "hr-memo",
        "finance-contract",
    } <= codes
    for kind in office.kinds.values():
        assert "{seq}" in kind.number_pattern
        assert kind.code == "incoming" or kind.default_route
    assert {f["name"] for f in office.kinds["hr-leave"].field_schema} >= {"date_from", "date_to"}


def test_edms_22_fields_are_validated_by_the_kind_schema(office):
    with pytest.raises(ValidationError) as missing:
        draft(office, "order", fields={})
    assert missing.value.fields == {"fields.effective_date": ["required"]}
    with pytest.raises(ValidationError) as bad_date:
        draft(office, "order", fields={"effective_date": "1 September"})
    assert bad_date.value.fields == {"fields.effective_date": ["date"]}
    with pytest.raises(ValidationError) as unknown:
        draft(office, "order", fields={"effective_date": "2026-09-01", "salary": "1"})
    assert unknown.value.code == "document_fields"
    with pytest.raises(ValidationError):
        draft(office, "finance-contract", fields={"counterparty": "X", "amount": "-5"})


def test_edms_23_sequential_then_parallel_route_waits_for_all_and_registers(office, ca):
    # given an order routed to two deputies in parallel, then to the head who signs
    document = draft(office, "order", author=office.head)
    stages = [
        [
            {"assignee_id": office.deputy.pk, "days": 2},
            {"assignee_id": office.deputy2.pk, "days": 3},
        ],
        [{"assignee_id": office.head.pk, "days": 1, "signature": True}],
    ]
    with time_machine.travel(dt.datetime(2027, 1, 15, 9, 0), tick=False):  # a Friday
        version = services.route_start(
            actor=actor_for(office.head), document=document, stages=stages
        )
    document.refresh_from_db()
    assert document.status == DocumentStatus.ON_ROUTE
    # deadlines in working days skip the weekend
    assert _pending(document, office.deputy).due_date == dt.date(2027, 1, 19)
    assert _pending(document, office.deputy2).due_date == dt.date(2027, 1, 20)
    assert document.steps.get(assignee=office.head).status == StepStatus.WAITING
    # whoever must act is notified, the head not yet
    assert Notification.objects.filter(user=office.deputy, topic="edms").exists()
    assert not Notification.objects.filter(user=office.head, topic="edms").exists()
    # when the first deputy approves, the parallel stage still waits for the second
    services.step_approve(actor=actor_for(office.deputy), step=_pending(document, office.deputy))
    assert document.steps.get(assignee=office.head).status == StepStatus.WAITING
    services.step_approve(actor=actor_for(office.deputy2), step=_pending(document, office.deputy2))
    head_step = _pending(document, office.head)
    assert head_step.requires_signature
    assert Notification.objects.filter(user=office.head, topic="edms").exists()
    # the head's signature ends the route: the version is approved and the document registered
    sign_step(ca, head_step)
    document.refresh_from_db()
    version.refresh_from_db()
    assert document.status == DocumentStatus.REGISTERED
    assert document.number == "1-Н"
    assert document.sequence == 1
    assert version.approved_at is not None
    assert len(version.content_sha256) == 64
    assert ActionRecord.objects.filter(
        action="edms.document.register", target_id=str(document.pk)
    ).exists()


def test_edms_23_approved_version_is_immutable(office):
    document = draft(office, "internal")
    version = services.route_start(actor=actor_for(office.deputy), document=document)
    for step in document.steps.filter(status=StepStatus.PENDING):
        services.step_approve(actor=actor_for(step.assignee), step=step)
    version = DocumentVersion.objects.get(pk=version.pk)
    assert version.approved_at
    version.body = "changed after approval"
    with pytest.raises(ImmutableVersion):
        version.save()
    with pytest.raises(Conflict):
        services.document_change(actor=actor_for(office.deputy), document=document, body="x")


def test_edms_23_rejection_stops_the_route_and_needs_a_comment(office):
    document = draft(office, "order")
    services.route_start(actor=actor_for(office.deputy), document=document)
    step = document.steps.filter(status=StepStatus.PENDING).first()
    with pytest.raises(ValidationError):
        services.step_reject(actor=actor_for(step.assignee), step=step, comment=" ")
    services.step_reject(actor=actor_for(step.assignee), step=step, comment="Негізсіз")
    document.refresh_from_db()
    assert document.status == DocumentStatus.REJECTED
    assert not document.steps.filter(status__in=[StepStatus.WAITING, StepStatus.PENDING]).exists()
    assert document.number == ""
    assert Notification.objects.filter(
        user=office.deputy, subject__contains=document.title
    ).exists()


def test_edms_23_return_for_revision_then_a_new_version_goes_round(office):
    document = draft(office, "internal", author=office.deputy)
    first = services.route_start(actor=actor_for(office.deputy), document=document)
    step = document.steps.filter(status=StepStatus.PENDING).first()
    services.step_return(actor=actor_for(step.assignee), step=step, comment="Мерзімді көрсетіңіз")
    document.refresh_from_db()
    assert document.status == DocumentStatus.RETURNED
    services.document_change(
        actor=actor_for(office.deputy), document=document, body="Мерзімі: 1 қыркүйек"
    )
    second = services.route_start(actor=actor_for(office.deputy), document=document)
    assert second.number == first.number + 1
    assert second.content_sha256 != first.content_sha256


def test_edms_23_only_the_assignee_acts_and_only_once(office, user_with_role, org_tree):
    document = draft(office, "internal", author=office.deputy)
    services.route_start(actor=actor_for(office.deputy), document=document)
    step = document.steps.filter(status=StepStatus.PENDING).first()
    other = office.deputy  # the author: may approve in general, but this step is not theirs
    assert step.assignee != other
    with pytest.raises(Forbidden):
        services.step_approve(actor=actor_for(other), step=step)
    # another school's director does not even see the document
    stranger = user_with_role("school_director", org_tree.school_b1)
    with pytest.raises(NotFound):
        services.step_approve(actor=actor_for(stranger), step=step)
    services.step_approve(actor=actor_for(step.assignee), step=step)
    with pytest.raises(Conflict):
        services.step_approve(actor=actor_for(step.assignee), step=step)


def test_edms_23_route_assignees_must_be_allowed_to_approve(office, user_with_role):
    teacher = user_with_role("school_teacher", office.school)
    document = draft(office, "internal")
    with pytest.raises(ValidationError) as error:
        services.route_start(
            actor=actor_for(office.deputy),
            document=document,
            stages=[[{"assignee_id": teacher.pk}]],
        )
    assert error.value.code == "route_assignee"
    # a signature step needs the head's capability
    with pytest.raises(ValidationError):
        services.route_start(
            actor=actor_for(office.deputy),
            document=document,
            stages=[[{"assignee_id": office.deputy2.pk, "signature": True}]],
        )


def test_edms_23_incoming_registered_assigned_executed_and_archived(office, user_with_role):
    teacher = user_with_role("school_teacher", office.school)
    document = draft(office, "incoming", correspondent="Білім басқармасы")
    services.document_register(actor=actor_for(office.deputy), document=document)
    document.refresh_from_db()
    assert document.number == f"КХ-1/{document.year}"
    services.document_assign(
        actor=actor_for(office.deputy), document=document, executor_id=teacher.pk
    )
    document.refresh_from_db()
    assert document.status == DocumentStatus.EXECUTING
    assert document.due_date
    assert Notification.objects.filter(user=teacher, topic="edms").exists()
    # the executor (who has no document capability at all) closes their own task
    assert selectors.document_get(actor_for(teacher), document.pk) == document
    services.document_execute(actor=actor_for(teacher), document=document)
    services.document_archive(actor=actor_for(office.deputy), document=document)
    document.refresh_from_db()
    assert document.status == DocumentStatus.ARCHIVED
    assert (
        document.retention_until.year
        == document.archived_at.year + office.kinds["incoming"].retention_years
    )


def test_edms_23_overdue_list_for_the_head(office):
    document = draft(office, "incoming")
    services.document_register(actor=actor_for(office.deputy), document=document)
    with time_machine.travel(dt.datetime(2027, 3, 1, 9, 0), tick=False):
        services.document_assign(
            actor=actor_for(office.deputy),
            document=document,
            executor_id=office.deputy2.pk,
            due_date=dt.date(2027, 3, 4),
        )
    late = dt.date(2027, 3, 10)
    assert list(selectors.overdue_executions(actor_for(office.head), today=late)) == [document]
    assert (
        list(selectors.overdue_executions(actor_for(office.head), today=dt.date(2027, 3, 4))) == []
    )
    # a deputy does not monitor
    assert list(selectors.overdue_executions(actor_for(office.deputy), today=late)) == []


def test_edms_23_default_route_resolves_holders_and_excludes_the_author(office):
    document = draft(office, "outgoing", author=office.deputy)
    services.route_start(actor=actor_for(office.deputy), document=document)
    first = list(document.steps.filter(stage=1).values_list("assignee", flat=True))
    # the other deputy and the head hold `approve`; the author does not approve their own letter
    assert office.deputy.pk not in first
    assert office.deputy2.pk in first
    second = document.steps.get(stage=2)
    assert second.assignee == office.head
    assert second.requires_signature


def test_edms_23_overdue_approvers_and_executors_are_reminded_once_a_day(office):
    from oqu.edms.tasks import remind_overdue

    document = draft(office, "internal", author=office.deputy)
    services.route_start(actor=actor_for(office.deputy), document=document)
    late = document.steps.filter(status=StepStatus.PENDING)
    assignees = set(late.values_list("assignee", flat=True))
    late.update(due_date=dt.date(2020, 1, 6))
    assert services.overdue_reminders() == len(assignees)
    assert services.overdue_reminders() == 0  # not twice the same day
    assert Notification.objects.filter(topic="edms.overdue", user_id__in=assignees).count() == len(
        assignees
    )
    assert remind_overdue.call() == 0


def test_edms_22_demo_documents_wait_for_the_director(office):
    from oqu.edms.demo import ensure_demo_documents

    assert ensure_demo_documents(office.school, office.head) == 3
    assert ensure_demo_documents(office.school, office.head) == 0
    assert selectors.my_steps(actor_for(office.head)).count() >= 1
    assert selectors.my_executions(actor_for(office.head)).count() == 1
