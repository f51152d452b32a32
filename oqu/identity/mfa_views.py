"""Web pages of the MFA policy (G-5.11): a parent's consent page, and the key-removal guard.

The parent's page lists their own children (active guardianship) with whether the exemption is
possible, the consent in force (given when, by whom, until when), and buttons to give or revoke.
Refusals come back as messages in the user's language, never as a server error.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from allauth.mfa.webauthn.views import RemoveWebAuthnView
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from oqu.audit import journal
from oqu.kernel.errors import DomainError
from oqu.web.actor import actor_of
from oqu.web.views import login_required

from . import mfa
from .mfa_adapter import MfaAdapter


@require_GET
@login_required
def children(request: HttpRequest) -> HttpResponse:
    """The parent's side: their children and the MFA exemption of each."""
    actor = actor_of(request)
    rows = mfa.children_for_consent(actor)
    return render(request, "identity/mfa/children.html", {"rows": rows, "section": "mfa"})


@require_POST
@login_required
def consent_give(request: HttpRequest, person_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    try:
        child = mfa.child_for_consent(actor, person_id)
        mfa.exemption_consent_give(actor=actor, child=child)
    except DomainError as error:
        journal.record_denial(error, status=error.status)
        if error.status == 404:
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("Your consent is recorded: two-factor authentication may be turned off for %(name)s.")
            % {"name": child.full_name(request.LANGUAGE_CODE)},
        )
    return redirect(reverse("mfa_children"))


@require_POST
@login_required
def consent_revoke(request: HttpRequest, consent_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    consent = mfa.consent_for_revocation(actor, consent_id)
    try:
        mfa.exemption_consent_revoke(actor=actor, consent=consent)
    except DomainError as error:
        journal.record_denial(error, status=error.status)
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _(
                "Your consent is withdrawn: two-factor authentication is required again for %(name)s."
            )
            % {"name": consent.subject.full_name(request.LANGUAGE_CODE)},
        )
    return redirect(reverse("mfa_children"))


class GuardedRemoveWebAuthnView(RemoveWebAuthnView):
    """allauth removes a security key without asking its adapter; the policy must be asked."""

    def form_valid(self, form: Any) -> HttpResponse:
        authenticator = self.get_object()
        if not MfaAdapter().can_delete_authenticator(authenticator):
            messages.error(self.request, str(mfa.MfaRequired.default_message))
            return HttpResponseRedirect(reverse("mfa_list_webauthn"))
        return super().form_valid(form)


remove_webauthn = GuardedRemoveWebAuthnView.as_view()
