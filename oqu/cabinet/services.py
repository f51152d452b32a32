"""Changes made by the cabinet: notices of new marks and absences, and each user's choice of them.

The e-journal publishes `MarksRecorded` and `AbsencesRecorded` after its transaction commits; the
handlers here tell the learner and each active guardian with an account, in the app (and by
e-mail for those who asked). A `SentNotice` row per user, object and version makes the handlers
idempotent: an event delivered twice notifies once, a mark changed to other points notifies again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from oqu.journal.models import Attendance, Mark
from oqu.notifications.services import EMAIL, IN_APP, notification_send
from oqu.people.models import Guardianship

from .models import NotificationPreference, SentNotice

TOPIC_MARK = "cabinet.mark"
TOPIC_ABSENCE = "cabinet.absence"
NOTIFIED_ATTENDANCE = ("absent_excused", "absent_unexcused", "sick", "late")


def _recipients(learner_ids: Iterable[UUID]) -> dict[UUID, list[Any]]:
    """Per learner, the active accounts of the learner and of their active guardians (2 queries)."""
    learner_ids = list(learner_ids)
    persons_of: dict[UUID, set[UUID]] = {pk: {pk} for pk in learner_ids}
    for child_id, guardian_id in Guardianship.objects.filter(
        child_id__in=learner_ids, end_date__isnull=True
    ).values_list("child_id", "guardian_id"):
        persons_of[child_id].add(guardian_id)
    wanted = {pk for persons in persons_of.values() for pk in persons}
    users = {
        user.person_id: user
        for user in get_user_model()
        .objects.filter(person_id__in=wanted, is_active=True, deleted_at__isnull=True)
        .select_related("cabinet_preference")
    }
    return {
        learner: [users[pk] for pk in sorted(persons, key=str) if pk in users]
        for learner, persons in persons_of.items()
    }


def _preference(user: Any) -> NotificationPreference:
    try:
        return user.cabinet_preference
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(user=user)


def _notify_once(
    user: Any, kind: str, object_id: UUID, version: str, topic: str, text: Any
) -> bool:
    """Send one notice unless this user already got it for this object and version."""
    preference = _preference(user)
    wanted = preference.marks if kind == SentNotice.Kind.MARK else preference.absences
    if not wanted:
        return False
    with transaction.atomic():
        notice, created = SentNotice.objects.get_or_create(
            user=user, kind=kind, object_id=object_id, version=version
        )
        if not created:
            return False
        with translation.override(user.language or "kk"):
            subject, body, link = text()
        channels = (IN_APP, EMAIL) if preference.by_email else (IN_APP,)
        notice.notification = notification_send(
            user=user, topic=topic, subject=subject, body=body, link=link, channels=channels
        )
        notice.save(update_fields=["notification"])
    return True


def _subject_name(subject: Any) -> str:
    return subject.name_kk if translation.get_language() == "kk" else subject.name_ru


def notify_marks(event: Any) -> int:
    """Tell learners and guardians of the marks of one assessment (`MarksRecorded`)."""
    rows = list(
        Mark.objects.filter(
            assessment_id=event.assessment_id, learner_id__in=event.learner_ids
        ).select_related("assessment__lesson__assignment__subject", "learner")
    )
    recipients = _recipients(m.learner_id for m in rows)
    sent = 0
    for mark in rows:
        for user in recipients.get(mark.learner_id, []):

            def text(mark: Mark = mark) -> tuple[str, str, str]:
                assessment = mark.assessment
                lesson = assessment.lesson
                subject = _subject_name(lesson.assignment.subject)
                return (
                    _("New mark in %(subject)s") % {"subject": subject},
                    _("%(learner)s: %(points)s of %(max)s (%(kind)s), %(date)s.")
                    % {
                        "learner": mark.learner.full_name(translation.get_language() or "kk"),
                        "points": f"{mark.points.normalize():f}",
                        "max": assessment.max_points,
                        "kind": assessment.get_kind_display(),
                        "date": lesson.date.strftime("%d.%m.%Y"),
                    },
                    reverse("cabinet:marks", args=[mark.learner_id]),
                )

            version = f"{mark.points.normalize():f}"
            sent += _notify_once(user, SentNotice.Kind.MARK, mark.pk, version, TOPIC_MARK, text)
    return sent


def notify_absences(event: Any) -> int:
    """Tell learners and guardians of absences and lateness at one lesson (`AbsencesRecorded`)."""
    rows = list(
        Attendance.objects.filter(
            lesson_id=event.lesson_id,
            learner_id__in=event.learner_ids,
            status__in=NOTIFIED_ATTENDANCE,
        ).select_related("lesson__assignment__subject", "learner")
    )
    recipients = _recipients(a.learner_id for a in rows)
    sent = 0
    for row in rows:
        for user in recipients.get(row.learner_id, []):

            def text(row: Attendance = row) -> tuple[str, str, str]:
                lesson = row.lesson
                subject = _subject_name(lesson.assignment.subject)
                return (
                    _("Attendance: %(status)s") % {"status": row.get_status_display()},
                    _("%(learner)s, %(date)s, lesson %(number)s (%(subject)s): %(status)s.")
                    % {
                        "learner": row.learner.full_name(translation.get_language() or "kk"),
                        "date": lesson.date.strftime("%d.%m.%Y"),
                        "number": lesson.lesson_number,
                        "subject": subject,
                        "status": row.get_status_display(),
                    },
                    reverse("cabinet:attendance", args=[row.learner_id]),
                )

            sent += _notify_once(
                user, SentNotice.Kind.ABSENCE, row.pk, row.status, TOPIC_ABSENCE, text
            )
    return sent


def preference_set(
    *, user: Any, marks: bool, absences: bool, by_email: bool
) -> NotificationPreference:
    """Save the user's own choice of cabinet notices (their account, no one else's)."""
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"marks": marks, "absences": absences, "by_email": by_email}
    )
    return preference


def notification_read(*, user: Any, notification_id: UUID) -> None:
    """Mark one of the user's own notifications read; another user's id is a 404 like a missing one."""
    from oqu.notifications.services import notification_mark_read

    from .selectors import notification_get

    notification_get(user, notification_id)  # 404 unless it is the user's own
    notification_mark_read(user=user, notification_id=notification_id)
