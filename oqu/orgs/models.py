"""The management hierarchy: Republic → region → district/city → organization (R503-3, MON-3).

One table holds every node so that a grant on any node covers its subtree with one prefix filter
on the materialized `path`. Path segments come from the node's stable UUID, never from KATO:
KATO codes change when regions are re-formed (2022), so KATO is stored beside it with its version.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from oqu.kernel.models import BaseModel

PATH_SEPARATOR = "/"
ROOT_PATH = "KZ/"


class Unit(BaseModel):
    class Kind(models.TextChoices):
        REPUBLIC = "republic", _("Republic")
        REGION = "region", _("Region")
        DISTRICT = "district", _("District or city")
        ORGANIZATION = "organization", _("Organization")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    path = models.CharField(_("path"), max_length=255, unique=True)
    depth = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name"), max_length=300)
    kato_code = models.CharField(_("KATO code"), max_length=9, blank=True, db_index=True)
    kato_version = models.CharField(_("KATO version"), max_length=20, blank=True)
    centre = models.CharField(_("administrative centre"), max_length=200, blank=True)
    # Organization-only fields (kind == organization)
    org_type = models.ForeignKey(
        "orgs.OrganizationType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
    )
    bin = models.CharField(_("BIN"), max_length=12, blank=True, db_index=True)
    languages = models.JSONField(_("languages of instruction"), default=list, blank=True)
    address = models.CharField(_("address"), max_length=400, blank=True)
    is_private = models.BooleanField(_("private ownership"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        ordering = ["path"]
        indexes = [
            models.Index(
                fields=["path"], name="unit_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["parent", "kind"], name="unit_parent_kind"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["bin"],
                condition=~models.Q(bin=""),
                name="unit_bin_unique_when_set",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_organization(self) -> bool:
        return self.kind == self.Kind.ORGANIZATION

    def ancestor_paths(self) -> list[str]:
        """Paths of this node and of every node above it, root first."""
        parts = self.path.rstrip(PATH_SEPARATOR).split(PATH_SEPARATOR)
        return [PATH_SEPARATOR.join(parts[: i + 1]) + PATH_SEPARATOR for i in range(len(parts))]


class Organization(Unit):
    """The organization nodes of the tree (a proxy: same table, filtered)."""

    class OrganizationManager(models.Manager["Organization"]):
        def get_queryset(self):  # type: ignore[no-untyped-def]
            return super().get_queryset().filter(kind=Unit.Kind.ORGANIZATION)

    objects = OrganizationManager()

    class Meta:
        proxy = True


class OrganizationType(BaseModel):
    """Preschool, school, college, additional education, special, support centre, youth house, authority."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(
        _("education level"),
        max_length=20,
        blank=True,
        help_text=_("preschool, school, college or additional: the level of its main enrolments"),
    )
    ordering = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordering", "code"]

    def __str__(self) -> str:
        return self.name


class AttributeDefinition(BaseModel):
    """A typed attribute of an organization type, taken from the map's entity tables (MAP-ENT)."""

    class ValueType(models.TextChoices):
        BOOL = "bool", _("Yes/no")
        NUMBER = "number", _("Number")
        CHOICE = "choice", _("Choice")
        TEXT = "text", _("Text")

    org_type = models.ForeignKey(
        OrganizationType, on_delete=models.CASCADE, related_name="attribute_definitions"
    )
    code = models.SlugField(_("code"), max_length=60)
    label = models.CharField(_("label"), max_length=200)
    value_type = models.CharField(_("value type"), max_length=10, choices=ValueType.choices)
    choices = models.JSONField(
        _("choices"), default=list, blank=True, help_text=_("[{code, label_kk, label_ru}]")
    )
    unit_of_measure = models.CharField(_("unit of measure"), max_length=30, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    ordering = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["org_type", "ordering", "code"]
        constraints = [
            models.UniqueConstraint(fields=["org_type", "code"], name="attrdef_type_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.org_type.code}.{self.code}"


class AttributeValue(BaseModel):
    """An organization's value of an attribute over a period; the current one has no `valid_to`."""

    organization = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="attribute_values"
    )
    definition = models.ForeignKey(
        AttributeDefinition, on_delete=models.PROTECT, related_name="values"
    )
    value_bool = models.BooleanField(null=True, blank=True)
    value_number = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    value_text = models.CharField(max_length=500, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        ordering = ["organization", "definition", "-valid_from"]
        indexes = [
            models.Index(fields=["definition", "value_bool"], name="attrval_def_bool"),
            models.Index(fields=["definition", "value_number"], name="attrval_def_number"),
            models.Index(fields=["definition", "value_text"], name="attrval_def_text"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "definition"],
                condition=models.Q(valid_to__isnull=True),
                name="attrval_one_current",
            )
        ]

    @property
    def value(self):  # type: ignore[no-untyped-def]
        kind = self.definition.value_type
        if kind == AttributeDefinition.ValueType.BOOL:
            return self.value_bool
        if kind == AttributeDefinition.ValueType.NUMBER:
            return None if self.value_number is None else float(self.value_number)
        return self.value_text
