"""Pure rules of the hierarchy: which node may sit under which, and attribute value parsing."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

ALLOWED_PARENTS = {
    "region": {"republic"},
    "district": {"region"},
    # Organizations of regional or republican subordination (colleges, the Ministry) sit higher.
    "organization": {"republic", "region", "district"},
}


def parent_allowed(kind: str, parent_kind: str | None) -> bool:
    return parent_kind in ALLOWED_PARENTS.get(kind, set())


class AttributeValueError(ValueError):
    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


def parse_attribute_value(
    value_type: str, raw: Any, choices: list[dict[str, str]]
) -> dict[str, Any]:
    """Turn a raw value into the typed columns of an AttributeValue, or raise AttributeValueError."""
    if value_type == "bool":
        if isinstance(raw, bool):
            return {"value_bool": raw}
        text = str(raw).strip().lower()
        if text in {"true", "1", "yes"}:
            return {"value_bool": True}
        if text in {"false", "0", "no"}:
            return {"value_bool": False}
        raise AttributeValueError("attribute_bool_expected")
    if value_type == "number":
        if isinstance(raw, bool):
            raise AttributeValueError("attribute_number_expected")
        try:
            number = Decimal(str(raw))
        except (InvalidOperation, ValueError):
            raise AttributeValueError("attribute_number_expected") from None
        if not number.is_finite() or abs(number) >= Decimal("1e11"):
            raise AttributeValueError("attribute_number_expected")
        return {"value_number": number}
    if value_type == "choice":
        codes = {c["code"] for c in choices}
        if str(raw) not in codes:
            raise AttributeValueError("attribute_choice_unknown")
        return {"value_text": str(raw)}
    text = str(raw).strip()
    if len(text) > 500:
        raise AttributeValueError("attribute_text_too_long")
    return {"value_text": text}
