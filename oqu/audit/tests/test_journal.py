"""The action journal (G-5.13) and the failed-access journal (G-5.12)."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from oqu.access import scope, services
from oqu.access.models import Role
from oqu.audit import journal
from oqu.audit.models import ActionRecord, FailedAccess, SecurityEvent
from oqu.kernel.context import RequestInfo, reset_request_info, set_request_info
from oqu.kernel.errors import Forbidden, NotFound, ValidationError
from oqu.orgs.selectors import unit_get
from oqu.people.models import Enrolment
from oqu.tests import factories as f


@pytest.fixture
def request_info():
    token = set_request_info(RequestInfo(ip="192.0.2.10", user_agent="Mozilla/5.0 test"))
    yield
    reset_request_info(token)


# -- action journal (G-5.13) ----------------------------------------------------------------


def test_g5_13_record_keeps_who_what_where_when_and_before_after(
    family, org_tree, actor_of, request_info
):
    actor = actor_of(f.make_user("clerk"))
    enrolment = Enrolment.objects.get(person=family.learner)
    start = timezone.now()
    record = journal.record(
        actor=actor,
        action="people.enrolment.end",
        target=enrolment,
        before={"end_date": None, "rate": decimal.Decimal("1.50")},
        after={"end_date": dt.date(2026, 5, 25), "by": family.parent, "ref": uuid.UUID(int=7)},
    )
    record.refresh_from_db()
    assert (record.actor, record.actor_name, record.action) == (
        actor.user,
        "clerk",
        "people.enrolment.end",
    )
    assert (record.target_type, record.target_id, record.organization_id) == (
        "people.enrolment",
        str(enrolment.pk),
        org_tree.school_a1.pk,
    )
    assert (record.before, record.after) == (
        {"end_date": None, "rate": "1.50"},
        {"end_date": "2026-05-25", "by": str(family.parent.pk), "ref": str(uuid.UUID(int=7))},
    )
    assert (record.ip, record.user_agent) == ("192.0.2.10", "Mozilla/5.0 test")
    assert start <= record.at <= timezone.now()


def test_g5_13_record_names_the_organization_of_an_organization_target(org_tree):
    record = journal.record(actor=None, action="orgs.unit.change", target=org_tree.school_a2)
    assert (record.organization_id, record.actor, record.actor_name, record.ip) == (
        org_tree.school_a2.pk,
        None,
        "",
        None,
    )
    district = journal.record(actor=None, action="orgs.unit.change", target=org_tree.district_a1)
    assert district.organization_id is None


def test_g5_13_snapshot_and_changed_keep_only_what_differs(family):
    person = family.learner
    before = journal.snapshot(person, ["last_name_ru", "birth_date", "sex"])
    assert before == {"last_name_ru": "Серікұлы", "birth_date": "2012-03-04", "sex": "M"}
    after = {**before, "last_name_ru": "Серикулы"}
    assert journal.changed(before, after) == (
        {"last_name_ru": "Серікұлы"},
        {"last_name_ru": "Серикулы"},
    )
    assert journal.changed(before, before) == ({}, {})


def test_g5_13_a_refused_service_leaves_no_action_record(org_tree, user_with_role, actor_of):
    actor = actor_of(user_with_role("school_teacher", org_tree.school_a1))
    with pytest.raises(Forbidden):
        services.grant_create(
            actor=actor,
            user=f.make_user("x"),
            role=Role.objects.get(code="school_teacher"),
            unit=org_tree.school_a1,
        )
    assert ActionRecord.objects.count() == 0


# -- failed access (G-5.12) -----------------------------------------------------------------


@pytest.mark.smoke
def test_g5_12_out_of_scope_attempt_is_journaled_as_404(
    org_tree, user_with_role, actor_of, request_info
):
    # given a school director who tries to give a role in another school
    user = user_with_role("school_director", org_tree.school_a1)
    with pytest.raises(NotFound) as caught:
        services.grant_create(
            actor=actor_of(user),
            user=f.make_user("x"),
            role=Role.objects.get(code="school_teacher"),
            unit=org_tree.school_b1,
        )
    # when the error is turned into a response, the denial is journaled after the rollback
    row = journal.record_denial(caught.value, status=404)
    # then the failed access names who, what, on which object, why and from where
    row.refresh_from_db()
    assert (row.actor, row.actor_name, row.action, row.status, row.reason) == (
        user,
        user.username,
        "access.grant.manage",
        404,
        "out_of_scope",
    )
    assert (row.target_type, row.target_id) == ("orgs.unit", str(org_tree.school_b1.pk))
    assert (row.ip, row.user_agent) == ("192.0.2.10", "Mozilla/5.0 test")


def test_g5_12_missing_capability_on_a_visible_object_is_journaled_as_403(
    org_tree, user_with_role, actor_of
):
    user = user_with_role("school_teacher", org_tree.school_a1)
    with pytest.raises(Forbidden) as caught:
        scope.require(actor_of(user), "people.person.manage", org_tree.school_a1)
    row = journal.record_denial(caught.value, status=403)
    assert (row.actor, row.action, row.status, row.reason, row.target_id) == (
        user,
        "people.person.manage",
        403,
        "missing_capability",
        str(org_tree.school_a1.pk),
    )


def test_g5_12_reading_an_id_out_of_sight_is_journaled(org_tree, user_with_role, actor_of):
    user = user_with_role("school_teacher", org_tree.school_a1)
    with pytest.raises(NotFound) as caught:
        unit_get(actor_of(user), org_tree.school_b1.pk)
    row = journal.record_denial(caught.value, status=404)
    assert (row.action, row.target_type, row.target_id, row.reason) == (
        "orgs.unit.view",
        "orgs.unit",
        str(org_tree.school_b1.pk),
        "not_visible",
    )


def test_g5_12_anonymous_attempt_is_journaled_without_an_actor(org_tree, actor_of):
    with pytest.raises(NotFound) as caught:
        scope.require(actor_of(AnonymousUser()), "orgs.unit.view", org_tree.school_a1)
    row = journal.record_denial(caught.value, status=404)
    assert (row.actor, row.actor_name, row.reason) == (None, "", "anonymous")


def test_g5_12_a_denial_is_journaled_once_and_other_errors_never(
    org_tree, user_with_role, actor_of
):
    user = user_with_role("school_teacher", org_tree.school_a1)
    with pytest.raises(NotFound) as caught:
        scope.require(actor_of(user), "orgs.unit.view", org_tree.school_b1)
    assert journal.record_denial(caught.value, status=404) is not None
    assert journal.record_denial(caught.value, status=404) is None
    assert journal.record_denial(ValidationError(code="x"), status=400) is None
    assert journal.record_denial(NotFound(), status=404) is None
    assert FailedAccess.objects.count() == 1


@pytest.mark.django_db
def test_g5_12_failed_sign_in_is_recorded_with_time_account_ip_and_agent(request_info):
    row = journal.record_sign_in_failure(username="nobody-such", reason="bad_password")
    stored = FailedAccess.objects.get(pk=row.pk)
    assert (stored.actor_name, stored.reason, stored.status) == ("nobody-such", "bad_password", 401)
    assert (stored.ip, stored.user_agent) == ("192.0.2.10", "Mozilla/5.0 test")
    assert stored.actor is None
    assert stored.at is not None


@pytest.mark.django_db
def test_g5_20_security_event_is_collected_with_its_details(request_info):
    user = f.make_user("sec-event-user")
    event = journal.record_security_event(
        kind="lockout", summary="Account locked", user=user, details={"until": timezone.now()}
    )
    stored = SecurityEvent.objects.get(pk=event.pk)
    assert (stored.kind, stored.username, stored.severity) == (
        "lockout",
        "sec-event-user",
        "warning",
    )
    assert isinstance(stored.details["until"], str)
    assert stored.ip == "192.0.2.10"
