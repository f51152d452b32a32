"""Load service definitions from files into `Service` rows, idempotently.

Used by the data migration (with the historical model) and by `manage.py load_services` (with
the current one): a file whose content did not change leaves its row untouched, a changed file
updates it, a new file adds a service. Nothing is deleted: applications keep their service.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .definitions import DefinitionError, validate, version_of

SHIPPED = Path(__file__).resolve().parent / "services_data"


@dataclass
class LoadResult:
    created: list[str]
    updated: list[str]
    unchanged: list[str]


def shipped_files() -> list[Path]:
    return sorted(SHIPPED.glob("*.json"))


def read_definition(path: Path) -> dict[str, Any]:
    try:
        definition = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise DefinitionError(f"{path.name}: not valid JSON ({error})") from None
    try:
        return validate(definition)
    except DefinitionError as error:
        raise DefinitionError(f"{path.name}: {error}") from None


def _check_live_statuses(row: Any, definition: dict[str, Any]) -> None:
    """A changed file must keep every status an open application is in (and not make it final)."""
    open_statuses = set(
        row.applications.filter(is_final=False).values_list("status", flat=True).distinct()
    )
    kept = {s["code"] for s in definition["statuses"] if not s.get("final")}
    lost = sorted(open_statuses - kept)
    if lost:
        raise DefinitionError(
            f"{definition['code']}: open applications are in statuses the new file drops: {lost}"
        )


def load_files(service_model: Any, paths: list[Path]) -> LoadResult:
    """Create or update one `Service` per file; every file is checked before any row changes."""
    definitions = [read_definition(path) for path in paths]
    result = LoadResult([], [], [])
    for definition in definitions:
        code = definition["code"]
        values = {
            "name_kk": definition["name"]["kk"],
            "name_ru": definition["name"]["ru"],
            "map_ref": definition.get("map", ""),
            "definition": definition,
            "version": version_of(definition),
            "is_active": definition.get("active", True),
        }
        row = service_model.objects.filter(code=code).first()
        if row is None:
            service_model.objects.create(code=code, **values)
            result.created.append(code)
        elif row.version != values["version"] or row.is_active != values["is_active"]:
            _check_live_statuses(row, definition)
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
            result.updated.append(code)
        else:
            result.unchanged.append(code)
    return result
