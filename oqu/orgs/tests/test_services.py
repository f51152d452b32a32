"""The hierarchy at the service level: regions, opening, changing, moving and closing units, and the
typed attribute catalogue (R503-3, MON-3, MAP-ENT, G-5.8, G-5.10, G-5.13)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from oqu.audit.models import ActionRecord
from oqu.kernel.errors import Conflict, Forbidden, NotFound, ValidationError
from oqu.kernel.identifiers import make_bin
from oqu.orgs import services
from oqu.orgs.models import AttributeDefinition, AttributeValue, OrganizationType, Unit
from oqu.orgs.reference import KATO_VERSION, REGIONS, region_id
from oqu.orgs.selectors import unit_get
from oqu.tests import factories as f


def _state() -> tuple[int, int, int, int, int]:
    """What a refused call must leave untouched."""
    return (
        Unit.objects.count(),
        Unit.history.count(),
        AttributeValue.objects.count(),
        AttributeDefinition.objects.count(),
        ActionRecord.objects.count(),
    )


def _school_type() -> OrganizationType:
    return OrganizationType.objects.get(code="school")


@pytest.fixture
def admin(db, actor_of):
    return actor_of(f.make_user("admin", is_superuser=True))


# -- the seeded hierarchy -------------------------------------------------------------------


def test_r503_3_republic_has_twenty_regions_with_kk_ru_names_and_versioned_kato(db):
    regions = Unit.objects.filter(kind="region")
    assert regions.count() == 20
    assert {r.kato_code for r in regions} == {f"{kato}0000000" for kato, *_ in REGIONS}
    assert {r.kato_version for r in regions} == {KATO_VERSION}
    almaty = regions.get(kato_code="750000000")
    assert (almaty.name_kk, almaty.name_ru, almaty.parent.kind) == (
        "Алматы қаласы",
        "город Алматы",
        "republic",
    )


def test_r503_3_region_path_comes_from_its_stable_id_not_from_kato(db):
    abai = Unit.objects.get(kato_code="100000000")
    assert abai.pk == region_id("10")
    assert abai.path == f"KZ/{abai.pk.hex[:8]}/"
    assert "10" not in abai.path.split("/")


# -- opening units --------------------------------------------------------------------------


@pytest.mark.smoke
def test_mon_3_district_head_opens_a_school_with_bin_languages_and_type(
    org_tree, user_with_role, actor_of
):
    head = user_with_role("district_head", org_tree.district_a1)
    bin_ = make_bin(2005, 3, 123)
    school = services.unit_create(
        actor=actor_of(head),
        parent=org_tree.district_a1,
        kind="organization",
        name_kk=" № 5 мектеп ",
        name_ru="Школа № 5",
        org_type=_school_type(),
        bin=bin_,
        languages=["ru", "kk", "kk"],
        opened_on=dt.date(2026, 9, 1),
    )
    school.refresh_from_db()
    assert school.path == f"{org_tree.district_a1.path}{school.pk.hex[:8]}/"
    assert (school.depth, school.name_kk, school.name_ru, school.bin, school.languages) == (
        3,
        "№ 5 мектеп",
        "Школа № 5",
        bin_,
        ["kk", "ru"],
    )
    assert (school.status, school.opened_on, school.org_type.code) == (
        "active",
        dt.date(2026, 9, 1),
        "school",
    )
    assert [h.history_type for h in school.history.all()] == ["+"]
    record = ActionRecord.objects.get(action="orgs.unit.create")
    assert (record.actor, record.target_id, record.organization_id) == (
        head,
        str(school.pk),
        school.pk,
    )


def test_mon_3_region_head_opens_a_district(org_tree, user_with_role, actor_of):
    actor = actor_of(user_with_role("region_head", org_tree.region_b))
    district = services.unit_create(
        actor=actor,
        parent=org_tree.region_b,
        kind="district",
        name_kk="Жаңа аудан",
        name_ru="Новый район",
        kato_code="101010000",
        kato_version=KATO_VERSION,
    )
    assert (district.parent, district.kind, district.org_type, district.kato_code) == (
        org_tree.region_b,
        "district",
        None,
        "101010000",
    )


@pytest.mark.parametrize(
    ("role", "granted_on", "error"),
    [
        ("district_head", "district_a2", NotFound),  # another district: out of sight
        ("district_specialist", "district_a1", Forbidden),  # sees it, may not open units
        ("school_director", "school_a1", NotFound),  # the district is above the school
    ],
)
def test_g5_10_opening_a_school_is_refused_outside_the_right(
    org_tree, user_with_role, actor_of, role, granted_on, error
):
    actor = actor_of(user_with_role(role, getattr(org_tree, granted_on)))
    before = _state()
    with pytest.raises(error):
        services.unit_create(
            actor=actor,
            parent=org_tree.district_a1,
            kind="organization",
            name_kk="x",
            name_ru="x",
            org_type=_school_type(),
        )
    assert _state() == before


@pytest.mark.parametrize(
    ("bin_", "code"),
    [
        ("940140000386", "bin_checksum"),
        ("94014000038", "bin_format"),
        ("941740000385", "bin_month"),
    ],
)
def test_r503_3_invalid_bin_is_refused(org_tree, admin, bin_, code):
    before = _state()
    with pytest.raises(ValidationError) as caught:
        services.unit_create(
            actor=admin,
            parent=org_tree.district_a1,
            kind="organization",
            name_kk="x",
            name_ru="x",
            org_type=_school_type(),
            bin=bin_,
        )
    assert (caught.value.code, caught.value.fields) == (code, {"bin": [code]})
    assert _state() == before


def test_r503_3_a_bin_is_registered_once(org_tree, admin):
    before = _state()
    with pytest.raises(Conflict) as caught:
        services.unit_create(
            actor=admin,
            parent=org_tree.district_a2,
            kind="organization",
            name_kk="x",
            name_ru="x",
            org_type=_school_type(),
            bin=org_tree.school_a1.bin,
        )
    assert caught.value.code == "bin_duplicate"
    assert _state() == before


@pytest.mark.parametrize(
    ("parent_name", "kind", "org_type", "name_ru", "languages", "code"),
    [
        ("school_a1", "organization", "school", "x", [], "parent_not_allowed"),
        ("district_a1", "district", None, "x", [], "parent_not_allowed"),
        ("republic", "district", None, "x", [], "parent_not_allowed"),
        ("district_a1", "organization", None, "x", [], "org_type_required"),
        ("district_a1", "organization", "school", "  ", [], "name_required"),
        ("district_a1", "organization", "school", "x", ["kk", "fr"], "language_unknown"),
    ],
)
def test_r503_3_unit_create_validates_the_card(
    org_tree, admin, parent_name, kind, org_type, name_ru, languages, code
):
    before = _state()
    with pytest.raises(ValidationError) as caught:
        services.unit_create(
            actor=admin,
            parent=getattr(org_tree, parent_name),
            kind=kind,
            name_kk="x",
            name_ru=name_ru,
            org_type=OrganizationType.objects.get(code=org_type) if org_type else None,
            languages=languages,
        )
    assert caught.value.code == code
    assert _state() == before


def test_r503_3_colleges_may_sit_directly_under_a_region(org_tree, admin):
    college = services.unit_create(
        actor=admin,
        parent=org_tree.region_a,
        kind="organization",
        name_kk="Колледж",
        name_ru="Колледж",
        org_type=OrganizationType.objects.get(code="college"),
    )
    assert college.depth == 2


# -- changing the card ----------------------------------------------------------------------


def test_r503_3_new_kato_code_keeps_the_path_and_journals_the_change(
    org_tree, user_with_role, actor_of
):
    head = user_with_role("district_head", org_tree.district_a1)
    path = org_tree.district_a1.path
    services.unit_change(
        actor=actor_of(head), unit=org_tree.district_a1, kato_code="751710000", kato_version="2024"
    )
    district = Unit.objects.get(pk=org_tree.district_a1.pk)
    assert (district.path, district.kato_code, district.kato_version) == (path, "751710000", "2024")
    record = ActionRecord.objects.get(action="orgs.unit.change")
    assert (record.before, record.after) == (
        {"kato_code": "", "kato_version": ""},
        {"kato_code": "751710000", "kato_version": "2024"},
    )


def test_r503_3_renaming_in_kazakh_in_a_russian_session_keeps_the_russian_name(org_tree, admin):
    school = org_tree.school_a2
    with translation.override("ru"):
        services.unit_change(actor=admin, unit=school, name_kk="Абай атындағы № 3 мектеп")
    school.refresh_from_db()
    assert (school.name_kk, school.name_ru) == ("Абай атындағы № 3 мектеп", "№ 3 мектеп")


def test_r503_3_unit_change_refuses_fields_that_are_not_on_the_card(org_tree, admin):
    before = _state()
    with pytest.raises(ValidationError) as caught:
        services.unit_change(actor=admin, unit=org_tree.school_a1, path="KZ/", status="closed")
    assert (caught.value.code, set(caught.value.fields)) == (
        "field_not_editable",
        {"path", "status"},
    )
    assert _state() == before


def test_r503_3_unit_change_refuses_an_invalid_or_taken_bin(org_tree, admin):
    before = _state()
    with pytest.raises(ValidationError):
        services.unit_change(actor=admin, unit=org_tree.school_a2, bin="940140000386")
    with pytest.raises(Conflict):
        services.unit_change(actor=admin, unit=org_tree.school_a2, bin=org_tree.school_a1.bin)
    assert Unit.objects.get(pk=org_tree.school_a2.pk).bin == ""
    assert _state() == before


# -- moving ---------------------------------------------------------------------------------


def test_mon_3_moving_a_school_keeps_its_id_and_history_and_the_grants_follow(
    org_tree, user_with_role, actor_of
):
    # given specialists of both districts and a region head who moves a school between them
    old_district = actor_of(user_with_role("district_specialist", org_tree.district_a1))
    new_district = actor_of(user_with_role("district_specialist", org_tree.district_a2))
    head = user_with_role("region_head", org_tree.region_a)
    school = org_tree.school_a1_other
    old_path = school.path
    # when the school is moved
    services.unit_move(actor=actor_of(head), unit=school, new_parent=org_tree.district_a2)
    # then it is the same row under the new parent, with its history kept
    moved = Unit.objects.get(pk=school.pk)
    assert (moved.parent, moved.path, moved.depth) == (
        org_tree.district_a2,
        f"{org_tree.district_a2.path}{school.pk.hex[:8]}/",
        3,
    )
    assert [(h.history_type, h.path) for h in moved.history.order_by("history_date")] == [
        ("+", old_path),
        ("~", moved.path),
    ]
    # and the grants of the districts follow the tree
    assert unit_get(new_district, school.pk) == moved
    with pytest.raises(NotFound):
        unit_get(old_district, school.pk)
    record = ActionRecord.objects.get(action="orgs.unit.move")
    assert (record.before["path"], record.after["path"]) == (old_path, moved.path)


def test_mon_3_moving_a_district_moves_its_organizations(org_tree, admin):
    services.unit_move(actor=admin, unit=org_tree.district_a1, new_parent=org_tree.region_b)
    district = Unit.objects.get(pk=org_tree.district_a1.pk)
    children = Unit.objects.filter(parent=district)
    assert district.path.startswith(org_tree.region_b.path)
    assert {c.path for c in children} == {f"{district.path}{c.pk.hex[:8]}/" for c in children}
    assert {c.depth for c in children} == {3}
    assert children.count() == 3


@pytest.mark.parametrize(
    ("unit_name", "new_parent_name", "code"),
    [
        ("district_a1", "district_a1", "move_into_self"),
        ("region_a", "district_a1", "move_into_self"),
        ("school_a1", "school_a2", "parent_not_allowed"),
        ("district_a1", "district_b1", "parent_not_allowed"),
    ],
)
def test_mon_3_move_refuses_impossible_places(org_tree, admin, unit_name, new_parent_name, code):
    before = _state()
    with pytest.raises(ValidationError) as caught:
        services.unit_move(
            actor=admin,
            unit=getattr(org_tree, unit_name),
            new_parent=getattr(org_tree, new_parent_name),
        )
    assert caught.value.code == code
    assert _state() == before


def test_g5_10_district_head_cannot_move_a_school_out_of_the_district(
    org_tree, user_with_role, actor_of
):
    actor = actor_of(user_with_role("district_head", org_tree.district_a1))
    before = _state()
    with pytest.raises(NotFound):
        services.unit_move(actor=actor, unit=org_tree.school_a1, new_parent=org_tree.district_a2)
    assert Unit.objects.get(pk=org_tree.school_a1.pk).path == org_tree.school_a1.path
    assert _state() == before


# -- closing and reopening ------------------------------------------------------------------


def test_mon_3_closing_and_reopening_keep_the_history(org_tree, user_with_role, actor_of):
    head = actor_of(user_with_role("district_head", org_tree.district_a1))
    school = org_tree.school_a1_other
    services.organization_close(actor=head, organization=school, closed_on=dt.date(2026, 6, 30))
    with pytest.raises(Conflict):
        services.organization_close(actor=head, organization=school, closed_on=dt.date(2026, 7, 1))
    services.organization_reopen(actor=head, organization=school)
    with pytest.raises(Conflict):
        services.organization_reopen(actor=head, organization=school)
    states = [(h.status, h.closed_on) for h in school.history.order_by("history_date")]
    assert states == [("active", None), ("closed", dt.date(2026, 6, 30)), ("active", None)]
    actions = list(
        ActionRecord.objects.filter(target_id=str(school.pk))
        .order_by("at")
        .values_list("action", flat=True)
    )
    assert actions == ["orgs.unit.close", "orgs.unit.reopen"]


def test_g5_10_a_school_director_cannot_close_the_school(org_tree, user_with_role, actor_of):
    actor = actor_of(user_with_role("school_director", org_tree.school_a1))
    before = _state()
    with pytest.raises(Forbidden):
        services.organization_close(
            actor=actor, organization=org_tree.school_a1, closed_on=dt.date(2026, 6, 30)
        )
    assert Unit.objects.get(pk=org_tree.school_a1.pk).status == "active"
    assert _state() == before


# -- attributes (MAP-ENT) -------------------------------------------------------------------


def test_map_ent_each_type_has_a_typed_catalogue(db):
    school = dict(
        AttributeDefinition.objects.filter(org_type__code="school").values_list(
            "code", "value_type"
        )
    )
    assert (school["small_class"], school["capacity"], school["status"]) == (
        "bool",
        "number",
        "choice",
    )
    assert (
        AttributeDefinition.objects.get(org_type__code="college", code="specialties").value_type
        == "text"
    )
    assert set(AttributeDefinition.objects.values_list("value_type", flat=True)) == {
        "bool",
        "number",
        "choice",
        "text",
    }
    assert set(AttributeDefinition.objects.values_list("valid_from", flat=True)) == {
        dt.date(2026, 1, 1)
    }


@pytest.mark.parametrize(
    ("code", "raw", "column", "stored", "value"),
    [
        ("small_class", "true", "value_bool", True, True),
        ("small_class", False, "value_bool", False, False),
        ("capacity", "1200", "value_number", 1200, 1200.0),
        ("capacity", 12.5, "value_number", 12.5, 12.5),
        ("status", "lyceum", "value_text", "lyceum", "lyceum"),
    ],
)
def test_map_ent_director_sets_a_typed_attribute(
    org_tree, user_with_role, actor_of, code, raw, column, stored, value
):
    actor = actor_of(user_with_role("school_director", org_tree.school_a1))
    item = services.attribute_value_set(
        actor=actor,
        organization=org_tree.school_a1,
        code=code,
        value=raw,
        as_of=dt.date(2026, 9, 1),
    )
    item.refresh_from_db()
    assert (getattr(item, column), item.value, item.valid_from, item.valid_to) == (
        stored,
        value,
        dt.date(2026, 9, 1),
        None,
    )


@pytest.mark.parametrize(
    ("code", "raw", "error"),
    [
        ("small_class", "maybe", "attribute_bool_expected"),
        ("capacity", "many", "attribute_number_expected"),
        ("capacity", True, "attribute_number_expected"),
        ("capacity", "NaN", "attribute_number_expected"),
        ("status", "university", "attribute_choice_unknown"),
        ("dormitory", "true", "attribute_unknown"),  # a college attribute, not a school's
    ],
)
def test_map_ent_a_value_that_does_not_fit_the_type_is_refused(org_tree, admin, code, raw, error):
    before = _state()
    with pytest.raises(ValidationError) as caught:
        services.attribute_value_set(
            actor=admin, organization=org_tree.school_a1, code=code, value=raw
        )
    assert caught.value.code == error
    assert _state() == before


def test_map_ent_a_new_value_closes_the_previous_one(org_tree, admin):
    school = org_tree.school_a1
    services.attribute_value_set(
        actor=admin,
        organization=school,
        code="computer_classes",
        value=1,
        as_of=dt.date(2026, 1, 10),
    )
    services.attribute_value_set(
        actor=admin,
        organization=school,
        code="computer_classes",
        value=3,
        as_of=dt.date(2026, 9, 1),
    )
    rows = AttributeValue.objects.filter(organization=school).order_by("valid_from")
    assert [(r.value, r.valid_from, r.valid_to) for r in rows] == [
        (1.0, dt.date(2026, 1, 10), dt.date(2026, 8, 31)),
        (3.0, dt.date(2026, 9, 1), None),
    ]
    record = ActionRecord.objects.filter(action="orgs.attribute.set").order_by("at").last()
    assert (record.before, record.after) == (
        {"value": 1.0, "valid_from": "2026-01-10"},
        {"attribute": "computer_classes", "value": 3.0, "valid_from": "2026-09-01"},
    )


def test_map_ent_a_second_value_on_the_same_day_replaces_the_first(org_tree, admin):
    day = dt.date(2026, 9, 1)
    services.attribute_value_set(
        actor=admin, organization=org_tree.school_a1, code="library", value=True, as_of=day
    )
    services.attribute_value_set(
        actor=admin, organization=org_tree.school_a1, code="library", value=False, as_of=day
    )
    rows = AttributeValue.objects.filter(organization=org_tree.school_a1)
    assert [(r.value, r.valid_from, r.valid_to) for r in rows] == [(False, day, None)]


def test_map_ent_an_attribute_no_longer_in_use_takes_no_values(org_tree, admin):
    AttributeDefinition.objects.filter(org_type__code="school", code="library").update(
        valid_to=dt.date(2026, 6, 30)
    )
    with pytest.raises(ValidationError) as caught:
        services.attribute_value_set(
            actor=admin,
            organization=org_tree.school_a1,
            code="library",
            value=True,
            as_of=dt.date(2026, 7, 1),
        )
    assert caught.value.code == "attribute_not_in_force"


def test_g5_10_attribute_of_a_sibling_school_is_out_of_sight(org_tree, user_with_role, actor_of):
    actor = actor_of(user_with_role("school_director", org_tree.school_a1))
    before = _state()
    with pytest.raises(NotFound):
        services.attribute_value_set(
            actor=actor, organization=org_tree.school_a1_other, code="library", value=True
        )
    assert _state() == before


def test_map_ent_the_catalogue_grows_at_republic_level(org_tree, admin, user_with_role, actor_of):
    definition = services.attribute_definition_create(
        actor=admin,
        org_type=_school_type(),
        code="robotics_club",
        label_kk="Робототехника үйірмесі",
        label_ru="Кружок робототехники",
        value_type="bool",
        valid_from=dt.date(2026, 9, 1),
    )
    assert (definition.label_kk, definition.label_ru, definition.valid_from) == (
        "Робототехника үйірмесі",
        "Кружок робототехники",
        dt.date(2026, 9, 1),
    )
    # a director who sets values on their school does not change the catalogue: 403, not 404
    director = actor_of(user_with_role("school_director", org_tree.school_a1))
    before = _state()
    with pytest.raises(Forbidden):
        services.attribute_definition_create(
            actor=director,
            org_type=_school_type(),
            code="chess_club",
            label_kk="x",
            label_ru="x",
            value_type="bool",
            valid_from=timezone.localdate(),
        )
    assert _state() == before


@pytest.mark.parametrize(
    ("code", "value_type", "choices", "error"),
    [
        ("robotics", "date", [], "value_type_unknown"),
        ("robotics", "choice", [], "choices_required"),
    ],
)
def test_map_ent_attribute_definition_is_validated(
    org_tree, admin, code, value_type, choices, error
):
    with pytest.raises(ValidationError) as caught:
        services.attribute_definition_create(
            actor=admin,
            org_type=_school_type(),
            code=code,
            label_kk="x",
            label_ru="x",
            value_type=value_type,
            choices=choices,
            valid_from=dt.date(2026, 9, 1),
        )
    assert caught.value.code == error


def test_map_ent_attribute_definition_code_is_unique_per_type(org_tree, admin):
    with pytest.raises(Conflict):
        services.attribute_definition_create(
            actor=admin,
            org_type=_school_type(),
            code="library",
            label_kk="x",
            label_ru="x",
            value_type="bool",
            valid_from=dt.date(2026, 9, 1),
        )


def test_map_ent_a_value_cannot_start_before_the_value_in_force(org_tree, admin):
    # given a value in force since September
    services.attribute_value_set(
        actor=admin,
        organization=org_tree.school_a1,
        code="library",
        value=True,
        as_of=dt.date(2026, 9, 1),
    )
    before = list(AttributeValue.objects.values_list("value_bool", "valid_from", "valid_to"))
    # when someone sets a value from an earlier date
    with pytest.raises(ValidationError) as caught:
        services.attribute_value_set(
            actor=admin,
            organization=org_tree.school_a1,
            code="library",
            value=False,
            as_of=dt.date(2026, 3, 1),
        )
    # then it is refused and the history is untouched
    assert caught.value.code == "attribute_backdated"
    assert (
        list(AttributeValue.objects.values_list("value_bool", "valid_from", "valid_to")) == before
    )


def test_map_ent_an_attribute_takes_no_values_before_it_exists(org_tree, admin):
    with pytest.raises(ValidationError) as caught:
        services.attribute_value_set(
            actor=admin,
            organization=org_tree.school_a1,
            code="library",
            value=True,
            as_of=dt.date(2025, 12, 31),
        )
    assert caught.value.code == "attribute_not_in_force"
