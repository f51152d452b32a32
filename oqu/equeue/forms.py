"""Forms of the queue pages. They parse input only; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category

MAX_CHOICES = 5

# Grounds of priority offered as suggestions (DOMAIN.md §3); the code is what is stored.
GROUNDS = [
    ("military", _("Child of a serviceman")),
    ("special_state_body", _("Child of an employee of a special state body")),
    ("disabled_parent", _("A parent is a person with disabilities")),
    ("without_parental_care", _("Child left without parental care")),
    ("orphan", _("Orphan")),
    ("large_family", _("Child from a large family")),
    ("special_needs", _("Child with special educational needs")),
    ("teacher", _("Child of a teacher")),
]


class _Form(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for formfield in self.fields.values():
            formfield.error_messages["required"] = _("Fill in this field.")


class ChildForm(_Form):
    child_iin = forms.CharField(
        label=_("Child's IIN"),
        max_length=12,
        min_length=12,
        help_text=_("12 digits, as on the birth certificate."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ApplyForm(ChildForm):
    desired_date = forms.DateField(
        label=_("Place wanted from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    language = forms.ChoiceField(
        label=_("Language of the group"), choices=[("kk", "Қазақ тілі"), ("ru", "Русский язык")]
    )
    category = forms.ChoiceField(
        label=_("Priority"), choices=Category.choices, initial=Category.GENERAL
    )
    category_ground = forms.CharField(
        label=_("Ground of the priority"),
        max_length=40,
        required=False,
        help_text=_(
            "For example: military service, large family, disability. For a ground the rules "
            "rank themselves (a teacher's child) the rules in force decide the priority."
        ),
        widget=forms.TextInput(attrs={"list": "equeue-grounds"}),
    )
    documents = MultipleFileField(
        label=_("Supporting documents"),
        required=False,
        help_text=_("Needed for a priority: a certificate from the place of work or service."),
    )

    def __init__(self, *args: Any, preschools: list[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        options = [("", "—")] + [(str(p.pk), p.name) for p in preschools]
        for n in range(1, MAX_CHOICES + 1):
            self.fields[f"choice_{n}"] = forms.ChoiceField(
                label=_("Preschool, choice %(n)s") % {"n": n},
                choices=options,
                required=n == 1,
            )

    def preschool_ids(self) -> list[str]:
        return [
            self.cleaned_data[f"choice_{n}"]
            for n in range(1, MAX_CHOICES + 1)
            if self.cleaned_data.get(f"choice_{n}")
        ]

    def choice_fields(self) -> list[Any]:
        return [self[f"choice_{n}"] for n in range(1, MAX_CHOICES + 1)]


class PublishForm(_Form):
    group = forms.UUIDField(widget=forms.HiddenInput)
    places = forms.IntegerField(label=_("Places"), min_value=1, max_value=500)


class PriorityForm(_Form):
    confirmed = forms.TypedChoiceField(
        choices=[("1", _("Confirm")), ("0", _("Reject"))], coerce=lambda v: v == "1"
    )
    reason = forms.CharField(label=_("Reason"), max_length=250, required=False)


class ExtendForm(_Form):
    until = forms.DateField(label=_("Enrol by"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Why you need more time"), max_length=300)
