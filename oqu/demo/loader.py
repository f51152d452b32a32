"""Read what the seed builds on, and write its rows in bulk.

PostgreSQL: `COPY ... FROM STDIN` through the psycopg 3 cursor under Django's connection. Other
databases (SQLite for `run` and the tests): `bulk_create`. Both write the same row tuples. This is a
bulk load, not a sequence of user edits: no simple-history rows and no journal entries are written,
exactly as when data is imported by a migration.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import Count, Max
from django.db.models.functions import Substr

from oqu.orgs.models import AttributeDefinition, AttributeValue, OrganizationType, Unit
from oqu.orgs.reference import REPUBLIC_ID
from oqu.people.models import Employment, Enrolment, Guardianship, Person

from .generator import (
    SEEDED_TYPES,
    TABLE_ORDER,
    TABLES,
    AttributeIn,
    Batch,
    DistrictIn,
    RegionIn,
    Row,
    SeedInput,
)

MODELS: dict[str, Any] = {
    "unit": Unit,
    "attribute_value": AttributeValue,
    "person": Person,
    "enrolment": Enrolment,
    "employment": Employment,
    "guardianship": Guardianship,
}
BULK_BATCH_SIZE = 500


class MissingReferenceData(LookupError):
    """The regions or organization types the seed builds on are not in the database."""


def seeded_organizations() -> int:
    """How many education organizations (of the types the seed makes) the database holds."""
    return Unit.objects.filter(kind=Unit.Kind.ORGANIZATION, org_type__code__in=SEEDED_TYPES).count()


def read_inputs(*, seed: int, scale: float, school_year: dt.date, now: dt.datetime) -> SeedInput:
    """Collect the regions, types, attributes and identifiers already issued."""
    republic = Unit.objects.filter(pk=REPUBLIC_ID).first()
    if republic is None:
        raise MissingReferenceData("republic")
    regions = [
        RegionIn(
            id=u.id,
            kato=u.kato_code[:2],
            path=u.path,
            name_kk=u.name_kk or u.name,
            name_ru=u.name_ru or u.name,
            centre_kk=u.centre_kk or "",
        )
        for u in Unit.objects.filter(kind=Unit.Kind.REGION, parent=republic).order_by("kato_code")
    ]
    type_ids = dict(OrganizationType.objects.values_list("code", "id"))
    missing = [code for code in (*SEEDED_TYPES, "authority") if code not in type_ids]
    if not regions or missing:
        raise MissingReferenceData(", ".join(missing) or "regions")
    attributes: dict[str, list[AttributeIn]] = defaultdict(list)
    for definition in AttributeDefinition.objects.select_related("org_type").filter(
        valid_to__isnull=True
    ):
        attributes[definition.org_type.code].append(
            AttributeIn(
                id=definition.id,
                code=definition.code,
                value_type=definition.value_type,
                choices=tuple(c["code"] for c in definition.choices or []),
                valid_from=definition.valid_from,
            )
        )
    existing_districts: dict[Any, list[DistrictIn]] = defaultdict(list)
    for u in Unit.objects.filter(kind=Unit.Kind.DISTRICT).order_by("path"):
        existing_districts[u.parent_id].append(
            DistrictIn(
                id=u.id,
                path=u.path,
                name_kk=u.name_kk or u.name,
                name_ru=u.name_ru or u.name,
                kato_code=u.kato_code,
            )
        )
    existing_authorities: dict[Any, Any] = {}
    for parent_id, unit_id in (
        Unit.objects.filter(kind=Unit.Kind.ORGANIZATION, org_type__code="authority")
        .order_by("path")
        .values_list("parent_id", "id")
    ):
        existing_authorities.setdefault(parent_id, unit_id)
    existing_org_counts = {
        (row["parent_id"], row["org_type__code"]): row["n"]
        for row in Unit.objects.filter(kind=Unit.Kind.ORGANIZATION, org_type__code__in=SEEDED_TYPES)
        .order_by()
        .values("parent_id", "org_type__code")
        .annotate(n=Count("id"))
    }
    organizations = seeded_organizations()
    return SeedInput(
        seed=seed,
        scale=scale,
        school_year=school_year,
        now=now,
        republic_id=republic.id,
        republic_path=republic.path,
        regions=regions,
        type_ids=type_ids,
        attributes=dict(attributes),
        existing_districts=dict(existing_districts),
        existing_authorities=existing_authorities,
        existing_org_counts=existing_org_counts,
        taken_paths=set(Unit.objects.filter(depth__lte=3).values_list("path", flat=True)),
        iin_next=_next_serials(Person.objects.all(), "iin", 7, 4),
        bin_next=_next_serials(Unit.objects.exclude(bin=""), "bin", 6, 5),
        # A second run (--force) must not repeat the first one's ids.
        salt=str(organizations) if organizations else "",
    )


def _next_serials(
    queryset: Any, field: str, prefix_length: int, serial_length: int
) -> dict[str, int]:
    """For each identifier prefix in use, the first serial after the highest one issued."""
    if not queryset.exists():
        return {}
    rows = (
        queryset.order_by()  # no Meta.ordering in the GROUP BY
        .annotate(prefix=Substr(field, 1, prefix_length))
        .values("prefix")
        .annotate(top=Max(Substr(field, prefix_length + 1, serial_length)))
        .values_list("prefix", "top")
    )
    return {prefix: int(top) + 1 for prefix, top in rows if top and top.isdigit()}


class Loader:
    """Write batches of rows; counts what it wrote per table."""

    def __init__(self, using: str = "default") -> None:
        self.connection = connections[using]
        self.using = using
        self.is_postgres = self.connection.vendor == "postgresql"
        self.counts: Counter[str] = Counter()
        self._layout = {key: self._columns(key) for key in TABLES}

    def _columns(self, key: str) -> tuple[list[str], list[str], tuple[Any, ...], list[int]]:
        """Attribute names, column names, default values of the columns the generator leaves out
        (fields added to a model later), and the positions of JSON columns."""
        model = MODELS[key]
        names = list(TABLES[key])
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [name for name in names if name not in fields]
        if unknown:
            raise ImproperlyConfigured(f"{model.__name__} has no field {', '.join(unknown)}")
        extras: list[Any] = []
        for attname, f in fields.items():
            if attname in names:
                continue
            if not f.null and not f.has_default():
                raise ImproperlyConfigured(
                    f"The seed does not fill the required field {model.__name__}.{attname}"
                )
            names.append(attname)
            extras.append(f.get_default())
        columns = [fields[name].column for name in names]
        json_positions = [
            i for i, name in enumerate(names) if fields[name].get_internal_type() == "JSONField"
        ]
        return names, columns, tuple(extras), json_positions

    def write(self, batch: Batch) -> None:
        for key in TABLE_ORDER:
            rows = batch.get(key)
            if not rows:
                continue
            if self.is_postgres:
                self._copy(key, rows)
            else:
                self._bulk_create(key, rows)
            self.counts[key] += len(rows)

    def _copy(self, key: str, rows: list[Row]) -> None:
        from psycopg import sql

        _, columns, extras, json_positions = self._layout[key]
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(MODELS[key]._meta.db_table),
            sql.SQL(", ").join(sql.Identifier(c) for c in columns),
        )
        with self.connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
            with raw.copy(statement) as copy:
                self._copy_rows(copy, rows, extras, json_positions)

    @staticmethod
    def _copy_rows(
        copy: Any, rows: list[Row], extras: tuple[Any, ...], json_positions: list[int]
    ) -> None:
        from psycopg.types.json import Jsonb

        write = copy.write_row
        if json_positions or extras:
            for row in rows:
                values = list(row) + list(extras)
                for i in json_positions:
                    values[i] = Jsonb(values[i])
                write(values)
        else:
            for row in rows:
                write(row)

    def _bulk_create(self, key: str, rows: list[Row]) -> None:
        model = MODELS[key]
        names, _, extras, _ = self._layout[key]
        objects = [model(**dict(zip(names, row + extras, strict=True))) for row in rows]
        model.objects.using(self.using).bulk_create(objects, batch_size=BULK_BATCH_SIZE)

    def analyze(self) -> None:
        """Refresh the planner's statistics after a bulk load (PostgreSQL)."""
        if not self.is_postgres:
            return
        with self.connection.cursor() as cursor:
            for key in TABLE_ORDER:
                cursor.execute(f'ANALYZE "{MODELS[key]._meta.db_table}"')  # noqa: S608 (table names from models)
