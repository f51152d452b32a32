"""Journal every successful sign-in as an `identity.login` action (G-5.13, G-5.15).

Usage reports count sign-ins from these rows. The row joins the chain of the organization the
user works for (their first active grant on an organization, else their active employment, else
their active enrolment), so a head sees the sign-ins of their staff and learners; users without
one (parents, authorities' officials) sign in on the platform chain.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from . import journal

LOGIN_ACTION = "identity.login"


def _home_organization_id(user: Any) -> Any:
    from oqu.access.models import Grant
    from oqu.people.models import Employment, Enrolment

    now = timezone.now()
    grant = (
        Grant.objects.filter(user=user, valid_from__lte=now, unit__kind="organization")
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=now))
        .order_by("valid_from")
        .values_list("unit_id", flat=True)
        .first()
    )
    if grant or not user.person_id:
        return grant
    for model in (Employment, Enrolment):
        organization = (
            model.objects.filter(person_id=user.person_id, end_date__isnull=True)
            .order_by("start_date")
            .values_list("organization_id", flat=True)
            .first()
        )
        if organization:
            return organization
    return None


def journal_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Receiver of `user_logged_in`.

    A sign-in without a network origin (the test client's `force_login`, a shell) is not a user
    signing in and is not counted.
    """
    if request is None or not request.META.get("REMOTE_ADDR"):
        return
    journal.record(
        actor=user,
        action=LOGIN_ACTION,
        target=user,
        after={"method": getattr(user, "backend", "") or ""},
        organization_id=_home_organization_id(user),
    )


def connect() -> None:
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(journal_login, dispatch_uid="oqu.audit.login_journal")
