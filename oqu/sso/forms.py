"""Forms of the SSO pages: they parse input; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import Application

from .models import Claim, ClientPolicy, Scope


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").split() if line.strip()]


class ClientForm(forms.Form):
    name = forms.CharField(label=_("Name of the resource"), max_length=255)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    client_type = forms.ChoiceField(
        label=_("Client type"),
        choices=[
            (Application.CLIENT_CONFIDENTIAL, _("Confidential (a server that keeps a secret)")),
            (Application.CLIENT_PUBLIC, _("Public (a mobile or browser app, PKCE only)")),
        ],
    )
    redirect_uris = forms.CharField(
        label=_("Redirect addresses"),
        help_text=_("One https address per line."),
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
    )
    post_logout_redirect_uris = forms.CharField(
        label=_("Addresses after sign-out"),
        required=False,
        help_text=_("One https address per line."),
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
    )
    claims = forms.MultipleChoiceField(
        label=_("What the resource may learn about the user"),
        choices=Claim.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes the resource may request"),
        choices=[c for c in Scope.choices if c[0] != Scope.OPENID],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Sign-in (openid) is always allowed."),
    )
    skip_authorization = forms.BooleanField(
        label=_("Trusted resource: do not ask the user for consent"), required=False
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["client_type"]

    @classmethod
    def initial_for(cls, policy: ClientPolicy) -> dict[str, Any]:
        app = policy.application
        return {
            "name": app.name,
            "description": policy.description,
            "redirect_uris": "\n".join(app.redirect_uris.split()),
            "post_logout_redirect_uris": "\n".join(app.post_logout_redirect_uris.split()),
            "claims": policy.claims,
            "scopes": [s for s in policy.scopes if s != Scope.OPENID],
            "skip_authorization": app.skip_authorization,
        }

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["redirect_uris"] = _lines(data["redirect_uris"])
        data["post_logout_redirect_uris"] = _lines(data.get("post_logout_redirect_uris", ""))
        return data
