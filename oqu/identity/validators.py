"""Password policy beyond Django's own validators (G-5.9).

A password must not be, or contain, the holder's IIN or any of their names (in Kazakh or Russian):
these are the first guesses of anyone who knows the person, and IINs are printed on many documents.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_NAME_LENGTH = 3  # shorter name parts (e.g. "Ли") are too common inside random strings


def _fold(text: str) -> str:
    return "".join(text.casefold().split())


def person_of(user: Any) -> Any:
    """The person the account is bound to (accounts without one have no personal data to check)."""
    if user is None:
        return None
    return getattr(user, "person", None)


class PersonalDataPasswordValidator:
    """Refuse a password equal to or containing the person's IIN or one of their names."""

    def validate(self, password: str, user: Any = None) -> None:
        person = person_of(user)
        if person is None:
            return
        folded = _fold(password)
        iin = (person.iin or "").strip()
        if iin and iin in folded:
            raise ValidationError(
                _("The password must not contain your IIN."), code="password_contains_iin"
            )
        for name in self._names(person):
            if name in folded:
                raise ValidationError(
                    _("The password must not contain your first, last or middle name."),
                    code="password_contains_name",
                )

    @staticmethod
    def _names(person: Any) -> set[str]:
        parts = set()
        for field in (
            "last_name_kk",
            "first_name_kk",
            "middle_name_kk",
            "last_name_ru",
            "first_name_ru",
            "middle_name_ru",
        ):
            for part in str(getattr(person, field, "") or "").replace("-", " ").split():
                folded = _fold(part)
                if len(folded) >= MIN_NAME_LENGTH:
                    parts.add(folded)
        return parts

    def get_help_text(self) -> str:
        return _("Your password must not contain your IIN or your names.")
