"""Background work of registration: asking the state person register about a link request."""

from __future__ import annotations

try:  # Django 6 ships the same API as django.tasks; the backport serves Django 5.2.
    from django.tasks import task
except ImportError:
    from django_tasks import task

from . import services


@task()
def link_register_check_task(link_request_id: str) -> str:
    """Check one pending link request against the state person register; return the result."""
    link = services.link_register_check(link_request_id=link_request_id)
    return link.register_check if link is not None else "decided"
