"""Changes made from the web interface itself: the language remembered on the account (G-17)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from oqu.audit import journal
from oqu.kernel.errors import ValidationError


@transaction.atomic
def user_language_set(*, user: Any, language: str) -> Any:
    """Remember the interface language on the account; journaled when it changes."""
    codes = {code for code, _label in user._meta.get_field("language").choices}
    if language not in codes:
        raise ValidationError(code="language_unknown", fields={"language": [language]})
    before = user.language
    if before == language:
        return user
    user.language = language
    user.save(update_fields=["language"])
    journal.record(
        actor=user,
        action="identity.language.change",
        target=user,
        before={"language": before},
        after={"language": language},
    )
    return user
