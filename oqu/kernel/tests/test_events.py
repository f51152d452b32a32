"""Domain events reach their handlers after commit, never on rollback (kernel, issue point 5)."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

import pytest
from django.db import transaction

from oqu.kernel import events


@dataclass(frozen=True)
class LearnerEnrolled:
    person_id: str


@dataclass(frozen=True)
class GrantRevoked:
    grant_id: str


class Boom(RuntimeError):
    pass


@pytest.fixture
def handlers(monkeypatch):
    """A private handler table for the test, so nothing leaks into other tests."""
    table: dict[type, list] = defaultdict(list)
    monkeypatch.setattr(events, "_handlers", table)
    monkeypatch.setattr(events, "_in_transaction", defaultdict(list))
    return table


@pytest.mark.smoke
def test_event_reaches_its_handler_only_after_commit(
    db, handlers, django_capture_on_commit_callbacks
):
    received: list[object] = []
    events.subscribe(LearnerEnrolled, received.append)
    # when an event is published inside the transaction
    with django_capture_on_commit_callbacks(execute=True):
        events.publish(LearnerEnrolled("p-1"))
        # then nothing is delivered before the commit
        assert received == []
    # and it is delivered once after it
    assert received == [LearnerEnrolled("p-1")]


def test_event_of_a_rolled_back_transaction_is_never_delivered(
    db, handlers, django_capture_on_commit_callbacks
):
    received: list[object] = []
    events.subscribe(LearnerEnrolled, received.append)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom):
        _publish_then_fail(LearnerEnrolled("p-2"))
    assert (callbacks, received) == ([], [])


def _publish_then_fail(event: object) -> None:
    with transaction.atomic():
        events.publish(event)
        raise Boom


def test_event_goes_only_to_handlers_of_its_type(db, handlers, django_capture_on_commit_callbacks):
    enrolled: list[object] = []
    revoked: list[object] = []
    events.subscribe(LearnerEnrolled, enrolled.append)
    events.subscribe(GrantRevoked, revoked.append)
    with django_capture_on_commit_callbacks(execute=True):
        events.publish(GrantRevoked("g-1"))
    assert (enrolled, revoked) == ([], [GrantRevoked("g-1")])


def test_subscribing_the_same_handler_twice_delivers_once(
    db, handlers, django_capture_on_commit_callbacks
):
    received: list[object] = []
    events.subscribe(LearnerEnrolled, received.append)
    events.subscribe(LearnerEnrolled, received.append)
    with django_capture_on_commit_callbacks(execute=True):
        events.publish(LearnerEnrolled("p-3"))
    assert received == [LearnerEnrolled("p-3")]


def test_a_failing_handler_is_logged_and_the_next_one_still_runs(
    db, handlers, django_capture_on_commit_callbacks, caplog
):
    def failing(event: object) -> None:
        raise Boom("handler broke")

    received: list[object] = []
    events.subscribe(LearnerEnrolled, failing)
    events.subscribe(LearnerEnrolled, received.append)
    with (
        caplog.at_level(logging.ERROR, logger="oqu.kernel.events"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        events.publish(LearnerEnrolled("p-4"))
    assert received == [LearnerEnrolled("p-4")]
    assert [r.exc_info[0] for r in caplog.records if r.name == "oqu.kernel.events"] == [Boom]


def test_an_event_without_handlers_is_dropped_quietly(
    db, handlers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        events.publish(LearnerEnrolled("p-5"))
    assert callbacks == []  # nothing is even scheduled for after the commit


def test_an_in_transaction_handler_commits_or_rolls_back_with_the_change(db, handlers):
    """An outbox handler (e.g. enqueueing notices) runs inside the publisher's transaction: its
    work is there when the change commits and gone when the change rolls back."""
    seen: list[LearnerEnrolled] = []
    events.subscribe(LearnerEnrolled, seen.append, in_transaction=True)
    with transaction.atomic():
        events.publish(LearnerEnrolled("p-6"))
        assert seen == [LearnerEnrolled("p-6")]  # at once, before the commit
    failing: list[LearnerEnrolled] = []

    def refuse(event: LearnerEnrolled) -> None:
        failing.append(event)
        raise Boom

    events.subscribe(GrantRevoked, refuse, in_transaction=True)
    with pytest.raises(Boom), transaction.atomic():
        events.publish(GrantRevoked("g-1"))
    assert failing == [GrantRevoked("g-1")]
