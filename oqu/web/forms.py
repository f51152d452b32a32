"""Forms of the web interface. They parse input only; the services decide what is allowed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oqu.access.scope import Actor
from oqu.access.selectors import grantee_get
from oqu.kernel.errors import NotFound

from . import selectors


class GrantForm(forms.Form):
    """Give a role to an account on a unit of the hierarchy for a period (G-5.8)."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(label=_("Role"))
    unit = forms.ChoiceField(label=_("Unit of the hierarchy"))
    valid_from = forms.DateField(
        label=_("First day"),
        required=False,
        help_text=_("Leave empty to start now."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    valid_to = forms.DateField(
        label=_("Last day"),
        required=False,
        help_text=_("Leave empty for no end."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    error_messages = {
        "required": _("Fill in this field."),
        "unknown_user": _("There is no active account with this username."),
        "unknown_role": _("Choose a role from the list."),
        "unknown_unit": _("Choose a unit from the list."),
        "invalid_date": _("Enter a date."),
        "period": _("The last day is before the first day."),
    }

    def __init__(self, *args: Any, actor: Actor, unit_search: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        for formfield in self.fields.values():
            formfield.error_messages["required"] = self.error_messages["required"]
        for name in ("valid_from", "valid_to"):
            self.fields[name].error_messages["invalid"] = self.error_messages["invalid_date"]
        self.fields["role"].error_messages["invalid_choice"] = self.error_messages["unknown_role"]
        self.fields["unit"].error_messages["invalid_choice"] = self.error_messages["unknown_unit"]
        self.fields["role"].choices = [("", _("Choose a role"))] + [
            (label, [(str(role.pk), role.name) for role in roles])
            for label, roles in selectors.grantable_roles(actor)
        ]
        self.fields["unit"].choices = [("", _("Choose a unit"))] + unit_choices(
            actor, search=unit_search, selected=self._raw("unit")
        )

    def _raw(self, name: str) -> str:
        source = self.data if self.is_bound else self.initial
        return str(source.get(name) or "")

    def clean_role(self) -> Any:
        role = selectors.grantable_role_get(self.actor, self.cleaned_data["role"])
        if role is None:
            raise forms.ValidationError(self.error_messages["unknown_role"], code="unknown_role")
        return role

    def clean_unit(self) -> Any:
        unit = selectors.grant_unit_get(self.actor, self.cleaned_data["unit"])
        if unit is None:
            raise forms.ValidationError(self.error_messages["unknown_unit"], code="unknown_unit")
        return unit

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("valid_from"), cleaned.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", forms.ValidationError(self.error_messages["period"]))
        unit, username = cleaned.get("unit"), cleaned.get("username")
        if unit is not None and username:
            # The unit is one where the actor gives roles, so a miss only means a mistyped name.
            try:
                cleaned["user"] = grantee_get(self.actor, unit, username=username.strip())
            except NotFound:
                self.add_error(
                    "username", forms.ValidationError(self.error_messages["unknown_user"])
                )
        return cleaned

    def period(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """The grant's period: from the first day (now when today or empty) to the end of the last day."""
        start: dt.date | None = self.cleaned_data.get("valid_from")
        end: dt.date | None = self.cleaned_data.get("valid_to")
        today = timezone.localdate()
        valid_from = None if start is None or start <= today else _midnight(start)
        valid_to = None if end is None else _midnight(end + dt.timedelta(days=1))
        return valid_from, valid_to


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def unit_choices(actor: Actor, *, search: str = "", selected: str = "") -> list[tuple[str, str]]:
    """Options of the unit list: the units where the actor gives roles, indented by depth."""
    units = list(selectors.grant_units(actor, search=search))
    if selected and all(str(u.pk) != selected for u in units):
        chosen = selectors.grant_unit_get(actor, selected)
        if chosen is not None:
            units.insert(0, chosen)
    top = min((u.depth for u in units), default=0)
    kinds = dict(units[0].Kind.choices) if units else {}
    return [
        (
            str(u.pk),
            "{}{} ({})".format("\u00a0\u00a0" * (u.depth - top), u.name, kinds.get(u.kind, "")),
        )
        for u in units
    ]
