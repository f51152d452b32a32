"""Forms of the registration pages. They parse input only; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from oqu.people.models import Guardianship


class _Form(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for formfield in self.fields.values():
            formfield.error_messages["required"] = _("Fill in this field.")


class StartForm(_Form):
    iin = forms.CharField(
        label=_("Your IIN"),
        max_length=12,
        min_length=12,
        help_text=_("12 digits, as in your identity card."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        help_text=_("For example +7 701 123 45 67. The code comes by SMS."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class CodeForm(_Form):
    code = forms.CharField(
        label=_("Code from the SMS"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )


class CompleteForm(_Form):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not a common password and not like your IIN."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    language = forms.ChoiceField(
        label=_("Interface language"), choices=[("kk", "Қазақша"), ("ru", "Русский")]
    )
    NAME_FIELDS = (
        ("last_name_kk", _("Last name (Kazakh)"), True),
        ("first_name_kk", _("First name (Kazakh)"), True),
        ("middle_name_kk", _("Patronymic (Kazakh)"), False),
        ("last_name_ru", _("Last name (Russian)"), True),
        ("first_name_ru", _("First name (Russian)"), True),
        ("middle_name_ru", _("Patronymic (Russian)"), False),
    )

    def __init__(self, *args: Any, names_required: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if names_required:
            for name, label, required in self.NAME_FIELDS:
                self.fields[name] = forms.CharField(label=label, max_length=100, required=required)
                self.fields[name].error_messages["required"] = _("Fill in this field.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data

    def names(self) -> dict[str, str]:
        return {
            name: self.cleaned_data.get(name, "")
            for name, _label, _required in self.NAME_FIELDS
            if name in self.fields
        }


class LinkForm(_Form):
    child_iin = forms.CharField(
        label=_("Child's IIN"),
        max_length=12,
        min_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(label=_("You are the child's"), choices=Guardianship.Kind.choices)


class RejectForm(_Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
