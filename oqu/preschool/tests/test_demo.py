"""The demo kindergarten: this year's groups formed from the enrolled children by age (PRE-25.3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from oqu.preschool import selectors
from oqu.preschool.demo import ensure_demo_preschool
from oqu.preschool.models import AgeGroup, GroupMembership
from oqu.tests import factories as f


def test_pre25_3_demo_preschool_groups_children_by_age(org_tree: Any) -> None:
    org = org_tree.preschool_a1
    f.employ(f.make_person("Тәрбиеші", "Ая", dt.date(1990, 1, 1), "F"), org, "educator")
    for number in range(3):
        f.enrol(f.make_person("Бала", f"Б{number}", dt.date(2021, 3, 3)), org, "preschool", None)
    f.enrol(f.make_person("Кіші", "К", dt.date(2024, 3, 3)), org, "preschool", None)
    assert ensure_demo_preschool(org) == 2
    assert GroupMembership.objects.filter(organization=org, end_date__isnull=True).count() == 4
    groups = {g.kind: g for g in AgeGroup.objects.filter(organization=org)}
    counted = {
        g.kind: g.free_places
        for g in selectors.groups_with_places(AgeGroup.objects.filter(organization=org))
    }
    assert counted[next(k for k in groups if k != "nursery")] == 22
    assert groups["nursery"].activities.count() == 15
    assert ensure_demo_preschool(org) == 0
