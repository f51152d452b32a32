"""Age groups of a preschool organization and the children in them (PRE-25).

A group belongs to one preschool organization and one school year (the year a group is formed for,
e.g. "2026-2027"). Its norm (capacity) is a per-group field because the national norms are not
confirmed (DOMAIN.md §3). A child's stay in a group is a chain of `GroupMembership` rows: the
August move between age groups closes one row and opens another, nothing is overwritten, and the
free places of a group are counted live from the open rows.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from oqu.kernel.models import OrganizationOwnedModel


class AgeGroupKind(models.TextChoices):
    """The usual age groups, youngest first (the age band of each is a rule set, not this list)."""

    NURSERY = "nursery", _("Nursery group")
    JUNIOR = "junior", _("Junior group")
    MIDDLE = "middle", _("Middle group")
    SENIOR = "senior", _("Senior group")
    PRE_SCHOOL = "pre_school", _("Pre-school group")


class AgeGroup(OrganizationOwnedModel):
    """One group of children of about the same age, with its norm of places."""

    school_year = models.CharField(_("school year"), max_length=9, help_text="2026-2027")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("age group"), max_length=12, choices=AgeGroupKind.choices)
    language = models.CharField(_("language"), max_length=2, default="kk")
    capacity = models.PositiveSmallIntegerField(_("norm of places"))
    educator = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("age group")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "school_year", "name"], name="preschool_group_name"
            ),
            models.CheckConstraint(condition=models.Q(capacity__gt=0), name="preschool_capacity"),
        ]
        indexes = [
            models.Index(
                fields=["organization", "school_year", "kind"], name="preschool_group_year"
            )
        ]

    def __str__(self) -> str:
        return self.name


class GroupMembership(OrganizationOwnedModel):
    """One stay of a child in an age group; open while `end_date` is null."""

    class Move(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        MOVED = "moved", _("Moved to another group")
        LEFT = "left", _("Left the organization")

    group = models.ForeignKey(AgeGroup, on_delete=models.PROTECT, related_name="members")
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    enrolment = models.ForeignKey(
        "people.Enrolment", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    start_date = models.DateField(_("start date"))
    start_move = models.CharField(_("how it began"), max_length=10, choices=Move.choices)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    end_move = models.CharField(_("how it ended"), max_length=10, choices=Move.choices, blank=True)
    end_reason = models.CharField(_("reason"), max_length=200, blank=True)
    # What brought the child in, e.g. "equeue.Direction:<uuid>"; free text so later sources fit.
    source = models.CharField(_("source"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("group membership")
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=models.Q(end_date__isnull=True),
                name="preschool_one_active_group",
            ),
        ]
        indexes = [models.Index(fields=["group", "end_date"], name="preschool_member_group")]

    def __str__(self) -> str:
        return f"{self.child} · {self.group}"
