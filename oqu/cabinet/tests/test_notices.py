"""Notices of new marks and absences to the learner and their guardians (SEC-27.1, R503-12)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from oqu.journal.events import AbsencesRecorded, MarksRecorded
from oqu.kernel.events import publish
from oqu.notifications.models import Notification
from oqu.people.models import Guardianship
from oqu.tests import factories as f

from .conftest import DAY, attend, lesson, mark

pytestmark = pytest.mark.django_db


def _deliver(capture, event) -> None:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        publish(event)


def test_sec_27_1_new_mark_notifies_learner_and_guardians(cab, django_capture_on_commit_callbacks):
    second_parent = f.make_person("Сериков", "Ерлан", sex="M")
    f.guard(second_parent, cab.child, "father")
    second_user = f.make_user("cab-father", person=second_parent)
    former = f.make_person("Бывший", "Опекун")
    f.guard(former, cab.child, "guardian")
    Guardianship.objects.filter(guardian=former).update(end_date=DAY)
    former_user = f.make_user("cab-former", person=former)
    given = mark(lesson(cab.assignments["math_5a"], DAY, 1), cab.child, "8")
    event = MarksRecorded(cab.org.pk, given.assessment_id, (cab.child.pk,))

    _deliver(django_capture_on_commit_callbacks, event)

    notified = Notification.objects.filter(topic="cabinet.mark")
    assert {n.user_id for n in notified} == {cab.parent_user.pk, cab.child_user.pk, second_user.pk}
    assert not notified.filter(user=former_user).exists()
    assert not notified.filter(user=cab.classmate_user).exists()
    to_parent = notified.get(user=cab.parent_user)
    assert "Математика" in to_parent.subject
    assert "8" in to_parent.body
    assert "10" in to_parent.body
    assert to_parent.link == f"/cabinet/{cab.child.pk}/marks/"


def test_sec_27_1_mark_notices_are_idempotent_and_follow_changes(
    cab, django_capture_on_commit_callbacks
):
    given = mark(lesson(cab.assignments["math_5a"], DAY, 1), cab.child, "8")
    event = MarksRecorded(cab.org.pk, given.assessment_id, (cab.child.pk,))
    _deliver(django_capture_on_commit_callbacks, event)
    _deliver(django_capture_on_commit_callbacks, event)  # redelivered
    assert Notification.objects.filter(user=cab.parent_user, topic="cabinet.mark").count() == 1
    given.points = Decimal("9")
    given.save()
    _deliver(django_capture_on_commit_callbacks, event)  # the mark was changed
    assert Notification.objects.filter(user=cab.parent_user, topic="cabinet.mark").count() == 2


def test_sec_27_1_absence_notifies_present_does_not(cab, django_capture_on_commit_callbacks):
    held = lesson(cab.assignments["math_5a"], DAY, 2)
    attend(held, cab.child, "absent_unexcused")
    attend(held, cab.classmate, "present")
    event = AbsencesRecorded(cab.org.pk, held.pk, (cab.child.pk, cab.classmate.pk))

    _deliver(django_capture_on_commit_callbacks, event)
    _deliver(django_capture_on_commit_callbacks, event)

    notified = Notification.objects.filter(topic="cabinet.absence")
    assert sorted(str(n.user_id) for n in notified) == sorted(
        [str(cab.parent_user.pk), str(cab.child_user.pk)]
    )
    to_parent = notified.get(user=cab.parent_user)
    assert "Серікұлы Арман" in to_parent.body
    assert to_parent.link == f"/cabinet/{cab.child.pk}/attendance/"


def test_sec_27_1_notices_respect_the_users_choice(cab, django_capture_on_commit_callbacks):
    from django.core import mail

    from oqu.cabinet.services import preference_set

    preference_set(user=cab.parent_user, marks=False, absences=True, by_email=True)
    cab.parent_user.email = "parent@example.kz"
    cab.parent_user.save()
    held = lesson(cab.assignments["math_5a"], DAY, 2)
    given = mark(held, cab.child, "5")
    attend(held, cab.child, "sick")
    _deliver(
        django_capture_on_commit_callbacks,
        MarksRecorded(cab.org.pk, given.assessment_id, (cab.child.pk,)),
    )
    _deliver(
        django_capture_on_commit_callbacks, AbsencesRecorded(cab.org.pk, held.pk, (cab.child.pk,))
    )

    mine = Notification.objects.filter(user=cab.parent_user)
    assert [n.topic for n in mine] == ["cabinet.absence"]
    assert mine.get().channels == ["in_app", "email"]
    assert [m.to for m in mail.outbox] == [["parent@example.kz"]]
    # the learner kept the defaults: both notices, in the app only
    assert Notification.objects.filter(user=cab.child_user).count() == 2


def test_sec_27_1_parent_reads_notices_in_the_cabinet(cab, api, django_capture_on_commit_callbacks):
    held = lesson(cab.assignments["math_5a"], DAY, 2)
    attend(held, cab.child, "absent_unexcused")
    event = AbsencesRecorded(cab.org.pk, held.pk, (cab.child.pk,))
    _deliver(django_capture_on_commit_callbacks, event)
    client = api(cab.parent_user)

    listed = client.get("/api/v1/cabinet/notifications", {"unread": True}).json()
    (notice,) = listed
    assert notice["topic"] == "cabinet.absence"
    page = client.get("/cabinet/notifications/").content.decode()
    assert notice["subject"] in page
    assert client.get(f"/cabinet/{cab.child.pk}/").content.decode().count("(1)") >= 1

    # another user's notice is out of reach, exactly like a missing one
    theirs = Notification.objects.get(user=cab.child_user)
    assert client.post(f"/api/v1/cabinet/notifications/{theirs.pk}/read").status_code == 404
    assert client.post(f"/cabinet/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None

    read = client.post(
        f"/cabinet/notifications/{notice['id']}/read/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "hx-post" not in read
    assert client.get("/api/v1/cabinet/notifications", {"unread": True}).json() == []
    answer = client.post(f"/api/v1/cabinet/notifications/{notice['id']}/read").json()
    assert answer["read_at"] is not None


def test_sec_27_1_notices_wait_for_the_worker_not_the_teacher(
    cab, django_capture_on_commit_callbacks, settings
):
    """With the database task backend, the journal's event only enqueues the notices: nothing is
    written for the parent until the worker runs the task, which then sends them once."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    held = lesson(cab.assignments["math_5a"], DAY, 3)
    attend(held, cab.child, "sick")
    _deliver(
        django_capture_on_commit_callbacks, AbsencesRecorded(cab.org.pk, held.pk, (cab.child.pk,))
    )

    queued = DBTaskResult.objects.get(task_path="oqu.cabinet.tasks.notify_absences")
    assert not Notification.objects.filter(topic="cabinet.absence").exists()
    queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
    assert Notification.objects.filter(user=cab.parent_user, topic="cabinet.absence").count() == 1
