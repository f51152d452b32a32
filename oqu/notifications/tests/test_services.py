"""Notifications: stored in the app at once; e-mail and SMS copies leave after the commit."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from oqu.notifications import backends, services
from oqu.notifications.models import Notification
from oqu.tests import factories as f


class Boom(RuntimeError):
    pass


@pytest.fixture
def sms_outbox(monkeypatch):
    box: list[tuple[str, str]] = []
    monkeypatch.setattr(backends.MemorySmsBackend, "outbox", box)
    return box


@pytest.fixture
def user(db):
    return f.make_user("recipient", email="recipient@example.test")


def test_notification_is_in_the_app_at_once_and_copies_leave_after_commit(
    user, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = services.notification_send(
            user=user,
            topic="queue.offer",
            subject="Орын ұсынылды",
            body="Балабақшада орын бар.",
            link="/queue/1",
            channels=(services.IN_APP, services.EMAIL, services.SMS),
            phone="+77010000000",
        )
        # in the app at once, nothing sent before the commit
        assert Notification.objects.filter(user=user, read_at__isnull=True).get() == item
        assert (len(mail.outbox), sms_outbox) == (0, [])
    assert [(m.subject, m.body, m.to) for m in mail.outbox] == [
        ("Орын ұсынылды", "Балабақшада орын бар.", ["recipient@example.test"])
    ]
    assert sms_outbox == [("+77010000000", "Орын ұсынылды. Балабақшада орын бар.")]
    assert item.channels == ["in_app", "email", "sms"]


def test_nothing_is_sent_when_the_transaction_rolls_back(
    user, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Boom):
        _send_then_fail(user)
    assert (Notification.objects.count(), len(mail.outbox), sms_outbox) == (0, 0, [])


def _send_then_fail(user) -> None:
    with transaction.atomic():
        services.notification_send(
            user=user,
            topic="t",
            subject="s",
            channels=(services.EMAIL, services.SMS),
            phone="+77010000000",
        )
        raise Boom


def test_copies_need_an_address(db, sms_outbox, django_capture_on_commit_callbacks):
    no_email = f.make_user("no-email", email="")
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_send(
            user=no_email, topic="t", subject="s", channels=(services.EMAIL, services.SMS)
        )
    assert (Notification.objects.count(), len(mail.outbox), sms_outbox) == (1, 0, [])


def test_in_app_only_by_default(user, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        item = services.notification_send(user=user, topic="t", subject="s", phone="+77010000000")
    assert (item.channels, len(mail.outbox), sms_outbox) == (["in_app"], 0, [])


def test_a_user_marks_only_their_own_notification_read(user):
    other = f.make_user("other")
    mine = services.notification_send(user=user, topic="t", subject="mine")
    theirs = services.notification_send(user=other, topic="t", subject="theirs")
    assert services.notification_mark_read(user=user, notification_id=theirs.pk) == 0
    assert services.notification_mark_read(user=user, notification_id=mine.pk) == 1
    assert services.notification_mark_read(user=user, notification_id=mine.pk) == 0
    assert Notification.objects.filter(read_at__isnull=False).get() == mine


def test_console_sms_backend_writes_to_stdout(capsys):
    backends.ConsoleSmsBackend().send("+77010000000", "Сынақ")
    assert capsys.readouterr().out == "[SMS to +77010000000] Сынақ\n"


def test_file_sms_backend_appends_a_line_per_message(tmp_path, settings):
    settings.OQU_SMS_FILE_PATH = str(tmp_path / "sms")
    backend = backends.FileSmsBackend()
    backend.send("+77010000000", "бір")
    backend.send("+77010000001", "екі")
    (log,) = (tmp_path / "sms").iterdir()
    lines = [line.split("\t")[1:] for line in log.read_text(encoding="utf-8").splitlines()]
    assert lines == [["+77010000000", "бір"], ["+77010000001", "екі"]]


def test_the_configured_sms_backend_is_used(settings):
    settings.OQU_SMS_BACKEND = "oqu.notifications.backends.ConsoleSmsBackend"
    assert isinstance(services.sms_backend(), backends.ConsoleSmsBackend)
