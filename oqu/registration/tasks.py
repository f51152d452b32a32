"""Background work of registration: asking the state person register about a link request."""

from __future__ import annotations

from oqu.kernel.tasks import task  # the one place that picks django.tasks or its backport

from . import services


@task()
def link_register_check_task(link_request_id: str) -> str:
    """Check one pending link request against the state person register; return the result."""
    link = services.link_register_check(link_request_id=link_request_id)
    return link.register_check if link is not None else "decided"


@task()
def purge_phone_verifications() -> int:
    """Delete one-time code rows past their retention; returns how many were deleted."""
    return services.phone_verification_purge()


@task()
def recheck_unavailable_links() -> int:
    """Ask the register again about requests it did not answer; returns how many were asked."""
    return services.link_register_recheck()
