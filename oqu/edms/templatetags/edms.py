from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def field_label(spec: dict[str, Any]) -> str:
    return spec.get(
        "label_ru" if (get_language() or "kk").startswith("ru") else "label_kk", spec["name"]
    )


@register.filter
def get(mapping: Any, key: str) -> Any:
    return (mapping or {}).get(key, "")
