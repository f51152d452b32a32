"""Reads the web pages need, composed from the apps' scoped selectors (never bare model queries).

The hierarchy tree, the organization card and the choices of the grant form are assembled here so
that the views stay thin: parse the request, call one function, render.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from oqu.access import scope
from oqu.access.models import Grant, Role
from oqu.access.scope import Actor
from oqu.access.selectors import role_list
from oqu.orgs import selectors as orgs
from oqu.orgs.models import AttributeDefinition, AttributeValue, Unit
from oqu.people.models import Level

GRANT_MANAGE = "access.grant.manage"
GRANT_VIEW = "access.grant.view"

# Languages of instruction (codes accepted by `oqu.orgs.services`), named in the interface language.
INSTRUCTION_LANGUAGES = {
    "kk": _("Kazakh"),
    "ru": _("Russian"),
    "en": _("English"),
    "uz": _("Uzbek"),
    "ug": _("Uyghur"),
    "tj": _("Tajik"),
    "de": _("German"),
}

# Units of measure of the attribute catalogue, translated for display.
MEASURES = {"Mbit/s": _("Mbit/s"), "places": _("places"), "%": "%"}

# Staff positions the loaders store as codes, named in the interface language; a position typed in
# as free text is shown as it was typed.
POSITIONS = {
    "teacher": _("Teacher"),
    "educator": _("Educator"),
    "director": _("Director"),
    "head": _("Head"),
    "deputy_director": _("Deputy director"),
    "methodologist": _("Methodologist"),
}


def current_language() -> str:
    """The active interface language, reduced to one of the two the platform speaks."""
    return "ru" if (get_language() or "").startswith("ru") else "kk"


def position_label(position: str) -> str:
    return str(POSITIONS.get(position, position))


def person_name(person: Any) -> str:
    """A person's full name in the form of the active language."""
    return person.full_name(current_language()) if person is not None else ""


# -- the hierarchy tree ----------------------------------------------------------------------


@dataclass
class TreeNode:
    unit: Unit
    openable: bool  # the actor sees the unit itself, not only as the way down to its subtree
    has_children: bool
    children: list[TreeNode] | None = None  # None until loaded

    @property
    def is_organization(self) -> bool:
        return self.unit.kind == Unit.Kind.ORGANIZATION


def _nodes(actor: Actor, units: list[Unit]) -> list[TreeNode]:
    counts = orgs.child_counts(units)
    return [
        TreeNode(
            unit=unit,
            openable=actor.can_at(orgs.VIEW, unit.path),
            has_children=counts.get(unit.pk, 0) > 0,
        )
        for unit in units
    ]


def tree_branch(actor: Actor, parent: Unit | None) -> list[TreeNode]:
    """One level of the tree under `parent` (the top when None), children not loaded.

    Districts come before organizations placed directly under a region; each group by name in
    the active language.
    """
    units = orgs.unit_children(actor, parent).order_by("kind", f"name_{current_language()}", "path")
    return _nodes(actor, list(units))


def _way_down(actor: Actor) -> set[str]:
    """Paths of the nodes to open on the home page: every strict ancestor of the actor's subtrees.

    The platform administrator, who sees everything, gets the republic opened on its regions.
    """
    if actor.is_platform_admin:
        return {"KZ/"}
    opened: set[str] = set()
    for path in actor.paths_for(orgs.VIEW):
        parts = path.rstrip("/").split("/")
        opened.update("/".join(parts[: i + 1]) + "/" for i in range(len(parts) - 1))
    return opened


def tree_home(actor: Actor) -> list[TreeNode]:
    """The top of the tree with the way down to the actor's own subtrees already opened."""
    opened = _way_down(actor)
    roots = tree_branch(actor, None)
    pending = list(roots)
    while pending:
        node = pending.pop()
        if node.unit.path in opened and node.has_children:
            node.children = tree_branch(actor, node.unit)
            pending.extend(node.children)
    return roots


def tree_node_get(actor: Actor, unit_id: UUID | str) -> Unit:
    """A node of the tree the actor may expand: in scope, or an ancestor of their scope."""
    unit = orgs.tree_queryset(actor).filter(pk=unit_id).first()
    if unit is None:
        raise scope.not_found(actor, orgs.VIEW, "orgs.unit", unit_id)
    return unit


def ancestors(actor: Actor, unit: Unit) -> list[Unit]:
    """The nodes above `unit`, root first, as far as the actor's tree shows them."""
    paths = unit.ancestor_paths()[:-1]
    return list(orgs.tree_queryset(actor).filter(path__in=paths).order_by("depth"))


# -- the organization card --------------------------------------------------------------------


@dataclass
class AttributeRow:
    label: str
    value: Any  # bool, str or None (not set)
    kind: str


def _format_number(number: Decimal | None) -> str:
    if number is None:
        return ""
    normalized = number.normalize()
    text = format(normalized, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def attribute_rows(organization: Unit) -> list[AttributeRow]:
    """The organization's current attribute values with labels in the active language."""
    language = current_language()
    rows = []
    for value in orgs.current_attributes(organization):
        definition: AttributeDefinition = value.definition
        rows.append(
            AttributeRow(
                label=definition.label,
                value=_display_value(value, definition, language),
                kind=definition.value_type,
            )
        )
    return rows


def _display_value(value: AttributeValue, definition: AttributeDefinition, language: str) -> Any:
    kind = definition.value_type
    if kind == AttributeDefinition.ValueType.BOOL:
        return value.value_bool
    if kind == AttributeDefinition.ValueType.NUMBER:
        number = _format_number(value.value_number)
        measure = definition.unit_of_measure
        return f"{number} {MEASURES.get(measure, measure)}".strip() if number else ""
    if kind == AttributeDefinition.ValueType.CHOICE:
        for choice in definition.choices:
            if choice.get("code") == value.value_text:
                return choice.get(f"label_{language}") or choice.get("label_kk") or value.value_text
        return value.value_text
    return value.value_text


def instruction_languages(unit: Unit) -> list[str]:
    return [str(INSTRUCTION_LANGUAGES.get(code, code)) for code in unit.languages or []]


@dataclass
class GradeRow:
    level: str
    grade: int | None
    count: int


def learner_rows(organization: Unit) -> tuple[list[GradeRow], int]:
    """Learner counts by level and grade, and their total."""
    levels = dict(Level.choices)
    rows = [
        GradeRow(
            level=str(levels.get(row["level"], row["level"])),
            grade=row["grade"],
            count=row["count"],
        )
        for row in orgs.learner_counts_by_grade(organization)
    ]
    return rows, sum(row.count for row in rows)


# -- grants ----------------------------------------------------------------------------------

LEVEL_ORDER = [Role.Level.ORGANIZATION, Role.Level.DISTRICT, Role.Level.REGION, Role.Level.REPUBLIC]


def grantable_roles(actor: Actor) -> list[tuple[str, list[Role]]]:
    """Roles that can be given on a unit, grouped by the level of the hierarchy they belong to."""
    roles = [r for r in role_list(actor) if r.is_active and r.level != Role.Level.RELATION]
    labels = dict(Role.Level.choices)
    groups = []
    for level in LEVEL_ORDER:
        members = sorted((r for r in roles if r.level == level), key=lambda r: r.name)
        if members:
            groups.append((str(labels[level]), members))
    return groups


def grantable_role_get(actor: Actor, role_id: str) -> Role | None:
    for _label, roles in grantable_roles(actor):
        for role in roles:
            if str(role.pk) == role_id:
                return role
    return None


def manages_grants(actor: Actor) -> bool:
    return actor.is_platform_admin or bool(actor.paths_for(GRANT_MANAGE))


def sees_grants(actor: Actor) -> bool:
    return actor.is_platform_admin or bool(actor.paths_for(GRANT_VIEW))


def grant_units(actor: Actor, *, search: str = "", limit: int = 200) -> QuerySet[Unit]:
    """Units on which the actor may give roles, in tree order, optionally matching a name or BIN."""
    qs = orgs.unit_queryset(actor).filter(scope.path_filter(actor, GRANT_MANAGE, "path"))
    search = search.strip()
    if search:
        qs = qs.filter(Q(name_kk__icontains=search) | Q(name_ru__icontains=search) | Q(bin=search))
    return qs.order_by("path")[:limit]


def grant_unit_get(actor: Actor, unit_id: str) -> Unit | None:
    try:
        UUID(str(unit_id))
    except ValueError:
        return None
    return (
        orgs.unit_queryset(actor)
        .filter(scope.path_filter(actor, GRANT_MANAGE, "path"))
        .filter(pk=unit_id)
        .first()
    )


@dataclass
class GrantRow:
    grant: Grant
    state: str  # "active", "ended" or "future"
    can_revoke: bool
    holder: str = field(default="")


def grant_state(grant: Grant, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    if grant.valid_from > now:
        return "future"
    if grant.valid_to is not None and grant.valid_to <= now:
        return "ended"
    return "active"


def grant_rows(actor: Actor, grants: list[Grant]) -> list[GrantRow]:
    now = timezone.now()
    rows = []
    for grant in grants:
        state = grant_state(grant, now)
        person = getattr(grant.user, "person", None)
        rows.append(
            GrantRow(
                grant=grant,
                state=state,
                can_revoke=state != "ended" and actor.can_at(GRANT_MANAGE, grant.unit.path),
                holder=person_name(person) if person else grant.user.get_full_name(),
            )
        )
    return rows
