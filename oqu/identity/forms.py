"""Forms of the account pages. They parse input only; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User

REQUIRED = _("Fill in this field.")


class _Form(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = REQUIRED


def method_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("How the user gets in for the first time"),
        choices=[
            ("password", _("A one-time password that I pass on")),
            ("invitation", _("An invitation link that I pass on")),
        ],
        initial="password",
        widget=forms.RadioSelect,
    )


class AccountCreateForm(_Form):
    username = forms.CharField(
        label=_("Login"),
        max_length=150,
        required=False,
        help_text=_("Leave empty to use the IIN."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    language = forms.ChoiceField(label=_("Interface language"), choices=User.Language.choices)
    method = method_field()


class AccountChangeForm(_Form):
    username = forms.CharField(
        label=_("Login"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    language = forms.ChoiceField(label=_("Interface language"), choices=User.Language.choices)


class BlockForm(_Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class ResetForm(_Form):
    method = method_field()


class PasswordChangeForm(_Form):
    oldpassword = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        help_text=_(
            "At least 10 characters. Not only digits, not a common password, not your IIN or names."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two new passwords differ."))
        return data


class InvitationForm(PasswordChangeForm):
    """Setting the first password from an invitation: there is no current one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["oldpassword"]
