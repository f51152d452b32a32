"""Notify a user: always in the app, optionally by e-mail and SMS, after the transaction commits."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.module_loading import import_string

from .models import Notification

IN_APP = "in_app"
EMAIL = "email"
SMS = "sms"


def sms_backend() -> Any:
    return import_string(settings.OQU_SMS_BACKEND)()


def notification_send(
    *,
    user: Any,
    topic: str,
    subject: str,
    body: str = "",
    link: str = "",
    channels: tuple[str, ...] = (IN_APP,),
    phone: str = "",
) -> Notification:
    """Store the in-app notification now; send e-mail/SMS copies once the transaction commits."""
    notification = Notification.objects.create(
        user=user, topic=topic, subject=subject, body=body, link=link, channels=list(channels)
    )
    if EMAIL in channels and user.email:
        transaction.on_commit(
            lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]), robust=True
        )
    if SMS in channels and phone:
        transaction.on_commit(lambda: sms_backend().send(phone, f"{subject}. {body}"), robust=True)
    return notification


def notification_mark_read(*, user: Any, notification_id: Any) -> int:
    from django.utils import timezone

    return Notification.objects.filter(user=user, pk=notification_id, read_at__isnull=True).update(
        read_at=timezone.now()
    )
