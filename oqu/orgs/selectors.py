"""Reads of the hierarchy, always scoped by the actor (G-5.8, G-5.10)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.kernel.errors import ValidationError

from .models import AttributeDefinition, AttributeValue, OrganizationType, Unit
from .rules import AttributeValueError, parse_attribute_value

VIEW = "orgs.unit.view"


def unit_queryset(actor: Actor) -> QuerySet[Unit]:
    """Units in the actor's subtrees."""
    return scope.visible(actor, VIEW, Unit.objects.select_related("org_type"), via="path")


def tree_queryset(actor: Actor) -> QuerySet[Unit]:
    """Units in the actor's subtrees plus their ancestors (shown as the way down, not opened)."""
    if actor.is_platform_admin:
        return Unit.objects.all()
    ancestor_paths: set[str] = set()
    for path in actor.paths_for(VIEW):
        parts = path.rstrip("/").split("/")
        ancestor_paths.update("/".join(parts[: i + 1]) + "/" for i in range(len(parts)))
    return Unit.objects.filter(scope.path_filter(actor, VIEW, "path") | Q(path__in=ancestor_paths))


def unit_get(actor: Actor, unit_id: UUID | str) -> Unit:
    return scope.get_in(unit_queryset(actor), unit_id, actor, VIEW)


def unit_children(actor: Actor, parent: Unit | None) -> QuerySet[Unit]:
    qs = tree_queryset(actor).select_related("org_type")
    return qs.filter(parent=parent) if parent else qs.filter(parent__isnull=True)


def _in_force(day: Any) -> Q:
    """Attribute values valid on `day` (a value set from a later date is not current yet)."""
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def _attribute_filter(org_type_code: str | None, expressions: list[str]) -> Q:
    """Build the filter for `code:value` expressions (e.g. `small_class:true`, `computer_classes:0`).

    Without a type, a code shared by several types (`status`, `accreditation`) matches each type's
    own definition; the value only has to fit one of them.
    """
    query = Q()
    today = timezone.localdate()
    for expression in expressions:
        code, sep, raw = expression.partition(":")
        if not sep:
            raise ValidationError(code="attribute_filter_invalid", fields={"attr": [expression]})
        definitions = AttributeDefinition.objects.filter(code=code)
        if org_type_code:
            definitions = definitions.filter(org_type__code=org_type_code)
        definitions = list(definitions)
        if not definitions:
            raise ValidationError(code="attribute_unknown", fields={"attr": [expression]})
        matches = Q(pk__in=[])
        errors = []
        for definition in definitions:
            try:
                typed = parse_attribute_value(definition.value_type, raw, definition.choices)
            except AttributeValueError as exc:
                errors.append(exc.code)
                continue
            matches |= Q(definition=definition, **typed)
        if len(errors) == len(definitions):
            raise ValidationError(code=errors[0], fields={"attr": [expression]})
        current = AttributeValue.objects.filter(
            _in_force(today), matches, organization=OuterRef("pk")
        )
        query &= Q(Exists(current))
    return query


def organization_list(
    actor: Actor,
    *,
    under: Unit | None = None,
    org_type: str | None = None,
    attributes: list[str] | None = None,
    search: str = "",
    status: str | None = None,
) -> QuerySet[Unit]:
    """Organizations in scope, filtered by hierarchy unit, type, attributes and name."""
    qs = unit_queryset(actor).filter(kind=Unit.Kind.ORGANIZATION)
    if under is not None:
        qs = qs.filter(path__startswith=under.path)
    if org_type:
        qs = qs.filter(org_type__code=org_type)
    if attributes:
        qs = qs.filter(_attribute_filter(org_type, attributes))
    if search:
        qs = qs.filter(Q(name_kk__icontains=search) | Q(name_ru__icontains=search) | Q(bin=search))
    if status:
        qs = qs.filter(status=status)
    return qs


def current_attributes(organization: Unit, *, as_of: Any = None) -> list[AttributeValue]:
    """The organization's attribute values in force today (or on `as_of`)."""
    day = as_of or timezone.localdate()
    return list(
        AttributeValue.objects.filter(_in_force(day), organization=organization)
        .select_related("definition")
        .order_by("definition__ordering")
    )


def attribute_definitions(
    org_type: OrganizationType | None = None,
) -> QuerySet[AttributeDefinition]:
    qs = AttributeDefinition.objects.select_related("org_type")
    return qs.filter(org_type=org_type) if org_type else qs


def organization_types() -> QuerySet[OrganizationType]:
    return OrganizationType.objects.all()


def learner_counts_by_grade(organization: Unit) -> list[dict[str, Any]]:
    """Active main enrolments of an organization grouped by level and grade (the card's table)."""
    from oqu.people.selectors import enrolment_counts_by_grade

    return enrolment_counts_by_grade(organization)


def child_counts(units: list[Unit]) -> dict[Any, int]:
    """How many direct children each unit has (one query, for the tree's expand buttons)."""
    rows = (
        Unit.objects.filter(parent__in=units)
        .order_by()  # the default ordering by path would split the groups
        .values("parent_id")
        .annotate(n=Count("id"))
        .values_list("parent_id", "n")
    )
    return dict(rows)
