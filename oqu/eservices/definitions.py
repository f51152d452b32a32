"""A service definition is data: this module checks one and validates an application form by it.

A definition (a JSON file in `services_data/`) names the service in Kazakh and Russian, who may
apply (`guardian` for a child, `self`, or `guardian_or_self`), which kinds of organization decide
it, the statuses (with a deadline in working days and whether they end the application), the
transitions between them and who makes each (`organization` staff or the `applicant`), the
required documents and the fields of the form. `validate` refuses a malformed file with a plain
message at load time, so a bad file never reaches an applicant.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Any

from django.utils.translation import gettext as _

from oqu.kernel.errors import ValidationError

APPLICANT_KINDS = ("guardian", "self", "guardian_or_self")
ACTORS = ("organization", "applicant")
FIELD_TYPES = ("text", "integer", "date", "boolean", "choice")
CODE = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
MAX_TEXT = 2000


class DefinitionError(ValueError):
    """A service file that does not describe a usable service."""


def _names(node: Any, where: str) -> None:
    if not isinstance(node, dict) or not all(
        isinstance(node.get(lang), str) and node.get(lang).strip() for lang in ("kk", "ru")
    ):
        raise DefinitionError(f"{where}: needs non-empty 'kk' and 'ru' texts")


def _code(value: Any, where: str) -> str:
    if not isinstance(value, str) or not CODE.match(value):
        raise DefinitionError(f"{where}: '{value}' is not a code (a-z, 0-9, _)")
    return value


def _check_statuses(definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    statuses = definition.get("statuses")
    if not isinstance(statuses, list) or not statuses:
        raise DefinitionError("statuses: a non-empty list is needed")
    by_code: dict[str, dict[str, Any]] = {}
    for status in statuses:
        code = _code(status.get("code"), "status")
        if code in by_code:
            raise DefinitionError(f"status {code}: declared twice")
        _names(status.get("name"), f"status {code}")
        days = status.get("deadline_working_days")
        if days is not None and (not isinstance(days, int) or not 0 < days <= 120):
            raise DefinitionError(f"status {code}: deadline_working_days must be 1…120")
        if status.get("final") and days is not None:
            raise DefinitionError(f"status {code}: a final status has no deadline")
        by_code[code] = status
    if definition.get("initial") not in by_code:
        raise DefinitionError("initial: must name one of the statuses")
    if by_code[definition["initial"]].get("final"):
        raise DefinitionError("initial: cannot be a final status")
    return by_code


def _check_transitions(definition: dict[str, Any], statuses: dict[str, dict[str, Any]]) -> None:
    transitions = definition.get("transitions")
    if not isinstance(transitions, list) or not transitions:
        raise DefinitionError("transitions: a non-empty list is needed")
    seen: set[tuple[str, str]] = set()
    for transition in transitions:
        code = _code(transition.get("code"), "transition")
        _names(transition.get("name"), f"transition {code}")
        if transition.get("by") not in ACTORS:
            raise DefinitionError(f"transition {code}: 'by' must be one of {ACTORS}")
        if transition.get("to") not in statuses:
            raise DefinitionError(f"transition {code}: 'to' names no status")
        sources = transition.get("from")
        if not isinstance(sources, list) or not sources:
            raise DefinitionError(f"transition {code}: 'from' must list statuses")
        for source in sources:
            if source not in statuses:
                raise DefinitionError(f"transition {code}: 'from' {source} names no status")
            if statuses[source].get("final"):
                raise DefinitionError(f"transition {code}: leaves the final status {source}")
            if (code, source) in seen:
                raise DefinitionError(f"transition {code}: declared twice from {source}")
            seen.add((code, source))
    reachable = {definition["initial"]}
    for _round in range(len(statuses)):
        for transition in transitions:
            if reachable & set(transition["from"]):
                reachable.add(transition["to"])
    if not any(statuses[code].get("final") for code in reachable):
        raise DefinitionError("no final status can be reached from the initial one")
    for code, status in statuses.items():
        if not status.get("final") and not any(code in t["from"] for t in transitions):
            raise DefinitionError(f"status {code}: not final, but no transition leaves it")


def _check_fields(definition: dict[str, Any]) -> None:
    seen: set[str] = set()
    for field in definition.get("fields", []):
        code = _code(field.get("code"), "field")
        if code in seen:
            raise DefinitionError(f"field {code}: declared twice")
        seen.add(code)
        _names(field.get("label"), f"field {code}")
        if field.get("type") not in FIELD_TYPES:
            raise DefinitionError(f"field {code}: type must be one of {FIELD_TYPES}")
        if field["type"] == "choice":
            choices = field.get("choices")
            if not isinstance(choices, list) or not choices:
                raise DefinitionError(f"field {code}: a choice needs choices")
            for choice in choices:
                _code(choice.get("value"), f"field {code} choice")
                _names(choice.get("label"), f"field {code} choice")


def _check_documents(definition: dict[str, Any]) -> None:
    seen: set[str] = set()
    for document in definition.get("documents", []):
        code = _code(document.get("code"), "document")
        if code in seen:
            raise DefinitionError(f"document {code}: declared twice")
        seen.add(code)
        _names(document.get("name"), f"document {code}")


def validate(definition: Any) -> dict[str, Any]:
    """Return the definition if it describes a usable service; raise DefinitionError otherwise."""
    if not isinstance(definition, dict):
        raise DefinitionError("a service definition is a JSON object")
    _code(definition.get("code"), "code")
    _names(definition.get("name"), "name")
    if definition.get("applicant") not in APPLICANT_KINDS:
        raise DefinitionError(f"applicant: must be one of {APPLICANT_KINDS}")
    org_types = definition.get("decided_by", {}).get("org_types")
    if not isinstance(org_types, list) or not org_types:
        raise DefinitionError("decided_by.org_types: list the kinds of organization that decide")
    age = definition.get("subject_age")
    if age is not None and not (
        isinstance(age, dict)
        and isinstance(age.get("min"), int)
        and isinstance(age.get("max"), int)
    ):
        raise DefinitionError("subject_age: needs integer 'min' and 'max'")
    statuses = _check_statuses(definition)
    _check_transitions(definition, statuses)
    _check_fields(definition)
    _check_documents(definition)
    return definition


def version_of(definition: dict[str, Any]) -> str:
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


# -- reading a definition ----------------------------------------------------------------------


def text(node: dict[str, str] | None, language: str) -> str:
    if not node:
        return ""
    return node.get("kk" if language == "kk" else "ru") or node.get("ru", "")


def status_of(definition: dict[str, Any], code: str) -> dict[str, Any]:
    for status in definition["statuses"]:
        if status["code"] == code:
            return status
    return {"code": code, "name": {"kk": code, "ru": code}}


def transitions_from(definition: dict[str, Any], status: str) -> list[dict[str, Any]]:
    return [t for t in definition["transitions"] if status in t["from"]]


# -- validating an application form ------------------------------------------------------------


def _field_error(code: str, message: str, error: str) -> ValidationError:
    return ValidationError(message, code=error, fields={f"data.{code}": [error]})


def _clean_value(field: dict[str, Any], raw: Any) -> Any:
    code, kind = field["code"], field["type"]
    if kind == "text":
        value = str(raw).strip()
        limit = min(int(field.get("max_length", 500)), MAX_TEXT)
        if len(value) > limit:
            raise _field_error(code, _("The text is too long."), "field_too_long")
        return value
    if kind == "integer":
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise _field_error(code, _("Enter a whole number."), "field_integer") from None
        if ("min" in field and value < field["min"]) or ("max" in field and value > field["max"]):
            raise _field_error(code, _("The number is out of the allowed range."), "field_range")
        return value
    if kind == "date":
        try:
            return dt.date.fromisoformat(str(raw).strip()).isoformat()
        except ValueError:
            raise _field_error(code, _("Enter a valid date."), "field_date") from None
    if kind == "boolean":
        if isinstance(raw, bool):
            return raw
        return str(raw).strip().lower() in ("1", "true", "on", "yes")
    values = {choice["value"] for choice in field["choices"]}
    if str(raw) not in values:
        raise _field_error(code, _("Choose one of the offered values."), "field_choice")
    return str(raw)


def _is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def clean_form(definition: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """The application's form data checked against the service's fields (unknown keys refused)."""
    fields = {field["code"]: field for field in definition.get("fields", [])}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ValidationError(
            _("The form has fields this service does not ask for."),
            code="field_unknown",
            fields={f"data.{code}": ["unknown"] for code in unknown},
        )
    cleaned: dict[str, Any] = {}
    for code, field in fields.items():
        raw = data.get(code)
        if _is_blank(raw) and field["type"] != "boolean":
            if field.get("required"):
                raise _field_error(code, _("This field is required."), "field_required")
            continue
        cleaned[code] = _clean_value(field, raw if raw is not None else False)
    return cleaned
