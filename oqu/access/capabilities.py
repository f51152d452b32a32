"""The registry of capabilities (action codes) declared in code by each app's `permissions.py`."""

from __future__ import annotations

from functools import cache
from importlib import import_module

from django.apps import apps


@cache
def all_capabilities() -> dict[str, object]:
    """Map every declared action code to its translatable description."""
    declared: dict[str, object] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("oqu."):
            continue
        try:
            module = import_module(f"{config.name}.permissions")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.permissions":
                raise
            continue
        for code, description in getattr(module, "ACTIONS", {}).items():
            if code in declared:
                raise ValueError(f"capability {code} declared twice")
            declared[code] = description
    return declared


def is_declared(code: str) -> bool:
    return code in all_capabilities()
