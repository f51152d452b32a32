"""What the MFA screens show about the policy: setup required, exemption in force, children."""

from __future__ import annotations

from typing import Any

from django import template

from oqu.people.models import Guardianship

from .. import mfa

register = template.Library()


@register.simple_tag(takes_context=True)
def mfa_policy(context: dict[str, Any]) -> dict[str, Any]:
    """The signed-in account's MFA state for the templates (empty for anonymous visitors)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    exemption = mfa.exemption_for(user)
    return {
        "setup_required": not mfa.has_active_authenticator(user) and exemption is None,
        "exemption": exemption,
        "refusal": mfa.exemption_refusal_for(user),
        "is_parent": bool(
            user.person_id
            and Guardianship.objects.filter(
                guardian_id=user.person_id, end_date__isnull=True
            ).exists()
        ),
    }
