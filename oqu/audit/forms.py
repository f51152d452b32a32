"""Filter forms of the security journals' pages (GET forms: bookmarkable, work without JavaScript)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import SecurityEvent

SIGN_IN_REASONS = [
    ("", _("Any reason")),
    ("bad_password", _("Wrong password")),
    ("unknown_account", _("Unknown account")),
    ("bad_mfa_code", _("Wrong MFA code")),
    ("locked", _("Refused: locked")),
    ("inactive", _("Blocked account")),
    ("invalid_token", _("Invalid or expired token")),
    ("out_of_scope", _("Outside the scope")),
    ("not_visible", _("Object not visible")),
    ("missing_capability", _("Missing capability")),
]
ACTIONS = [
    ("", _("Any step")),
    ("identity.login", _("Password sign-in")),
    ("identity.mfa", _("MFA code")),
    ("identity.token", _("OAuth2 token (password grant)")),
    ("api.authenticate", _("API token")),
]
EVENT_KINDS = [
    ("", _("Any event")),
    ("lockout", _("Lockout")),
    ("lockout_released", _("Lock released")),
    ("grant", _("Role given")),
    ("grant_revoked", _("Role withdrawn")),
    ("integrity_failure", _("Integrity failure")),
    ("admin_login", _("Administrator sign-in")),
]

# Failed signature verifications (oqu/pki): attempts with an invalid key (G-5.12).
SIGN_IN_REASONS += [
    ("signature_tampered", _("Invalid signature: document changed")),
    ("signature_expired", _("Invalid signature: certificate not valid at signing time")),
    ("signature_revoked", _("Invalid signature: certificate revoked")),
    ("signature_wrong_key_usage", _("Invalid signature: wrong kind of key")),
    ("signature_untrusted_root", _("Invalid signature: untrusted authority")),
    ("signature_iin_mismatch", _("Invalid signature: another person's key")),
    ("signature_bin_mismatch", _("Invalid signature: another organization's key")),
    ("signature_malformed", _("Invalid signature: unreadable")),
    ("signature_unavailable", _("Signature not checked: service unavailable")),
]
ACTIONS += [("pki.signature.verify", _("Signature verification"))]
EVENT_KINDS += [("invalid_signature", _("Invalid signature"))]


class PeriodForm(forms.Form):
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def period(self) -> dict[str, Any]:
        """The dates as the start of the first day and the start of the day after the last."""
        data = self.cleaned_data if self.is_valid() else {}
        since, until = data.get("since"), data.get("until")
        zone = timezone.get_current_timezone()
        return {
            "since": dt.datetime.combine(since, dt.time.min, zone) if since else None,
            "until": dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, zone)
            if until
            else None,
        }


class FailedAccessFilterForm(PeriodForm):
    account = forms.CharField(label=_("Account"), required=False, max_length=150)
    ip = forms.GenericIPAddressField(label=_("IP address"), required=False)
    reason = forms.ChoiceField(label=_("Reason"), required=False, choices=SIGN_IN_REASONS)
    action = forms.ChoiceField(label=_("Step"), required=False, choices=ACTIONS)

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            **self.period(),
            "account": data.get("account", ""),
            "ip": data.get("ip") or "",
            "reason": data.get("reason", ""),
            "action": data.get("action", ""),
        }


class SecurityEventFilterForm(PeriodForm):
    kind = forms.ChoiceField(label=_("Event"), required=False, choices=EVENT_KINDS)
    severity = forms.ChoiceField(
        label=_("Severity"),
        required=False,
        choices=[("", _("Any severity")), *SecurityEvent.Severity.choices],
    )

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {**self.period(), "kind": data.get("kind", ""), "severity": data.get("severity", "")}
