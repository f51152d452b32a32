"""The hierarchy over HTTP: regions, districts, tree navigation, organizations, attributes, cards,
history, the reference lists, and the one error format (G-5.2, G-5.4, R503-3, MAP-ENT)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from oqu.access.scope import actor_for
from oqu.audit.models import ActionRecord, FailedAccess
from oqu.orgs import services
from oqu.orgs.models import AttributeValue, Unit
from oqu.tests import factories as f

API = "/api/v1"


def _ids(response: Any) -> set[str]:
    return {row["id"] for row in response.json()["items"]}


@pytest.fixture
def login(client):  # type: ignore[no-untyped-def]
    def as_user(user: Any) -> Any:
        client.force_login(user)
        return client

    return as_user


@pytest.fixture
def admin(db: Any) -> Any:
    return f.make_user("root", is_superuser=True)


# -- regions, districts, the tree ----------------------------------------------------------


def test_g5_2_regions_list_only_the_actors_region(org_tree, user_with_role, login):
    # given a regional specialist of Almaty city
    api = login(user_with_role("region_specialist", org_tree.region_a))
    # when they list regions
    response = api.get(f"{API}/regions")
    # then they get their own region only, in the page format
    assert response.status_code == 200
    assert _ids(response) == {str(org_tree.region_a.pk)}
    assert response.json()["next_cursor"] is None


def test_g5_2_platform_admin_lists_all_twenty_regions(org_tree, admin, login):
    response = login(admin).get(f"{API}/regions?limit=200")
    assert response.status_code == 200
    assert len(response.json()["items"]) == 20
    assert {row["kind"] for row in response.json()["items"]} == {"region"}


def test_g5_10_region_of_another_actor_is_404_and_journaled(org_tree, user_with_role, login):
    user = user_with_role("region_specialist", org_tree.region_a)
    response = login(user).get(f"{API}/regions/{org_tree.region_b.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    denial = FailedAccess.objects.get(actor=user)
    assert (denial.status, denial.target_id, denial.action) == (
        404,
        str(org_tree.region_b.pk),
        "orgs.unit.view",
    )


def test_g5_2_a_district_is_not_served_as_a_region(org_tree, user_with_role, login):
    api = login(user_with_role("region_specialist", org_tree.region_a))
    assert api.get(f"{API}/regions/{org_tree.district_a1.pk}").status_code == 404
    assert api.get(f"{API}/districts/{org_tree.district_a1.pk}").status_code == 200


def test_g5_2_districts_filtered_by_region(org_tree, user_with_role, login):
    api = login(user_with_role("region_head", org_tree.region_a))
    own = api.get(f"{API}/districts?region={org_tree.region_a.pk}")
    other = api.get(f"{API}/districts?region={org_tree.region_b.pk}")
    assert _ids(own) == {str(org_tree.district_a1.pk), str(org_tree.district_a2.pk)}
    assert other.status_code == 200
    assert other.json()["items"] == []


def test_r503_3_region_head_opens_and_renames_a_district(org_tree, user_with_role, login):
    api = login(user_with_role("region_head", org_tree.region_a))
    # when the region head opens a district
    created = api.post(
        f"{API}/districts",
        {
            "region_id": str(org_tree.region_a.pk),
            "name_kk": "Наурызбай ауданы",
            "name_ru": "Наурызбайский район",
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    district = Unit.objects.get(pk=created.json()["id"])
    assert (district.kind, district.parent_id) == ("district", org_tree.region_a.pk)
    # and renames it in Russian
    changed = api.patch(
        f"{API}/districts/{district.pk}",
        {"name_ru": "Наурызбайский район г. Алматы"},
        content_type="application/json",
    )
    assert changed.status_code == 200
    assert changed.json()["name_ru"] == "Наурызбайский район г. Алматы"
    assert changed.json()["name_kk"] == "Наурызбай ауданы"
    assert list(
        ActionRecord.objects.filter(target_id=str(district.pk))
        .order_by("at")
        .values_list("action", flat=True)
    ) == ["orgs.unit.create", "orgs.unit.change"]


def test_g5_8_region_specialist_may_not_open_a_district(org_tree, user_with_role, login):
    user = user_with_role("region_specialist", org_tree.region_a)
    before = Unit.objects.count()
    response = login(user).post(
        f"{API}/districts",
        {"region_id": str(org_tree.region_a.pk), "name_kk": "Жаңа", "name_ru": "Новый"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert Unit.objects.count() == before
    assert (
        FailedAccess.objects.filter(actor=user, status=403, action="orgs.unit.manage").count() == 1
    )


def test_g5_2_tree_navigation_shows_the_way_down_only(org_tree, user_with_role, login):
    # given a teacher of school A1
    api = login(user_with_role("school_teacher", org_tree.school_a1))
    # when they walk down from the top
    roots = api.get(f"{API}/units")
    regions = api.get(f"{API}/units/{org_tree.republic.pk}/children")
    districts = api.get(f"{API}/units/{org_tree.region_a.pk}/children")
    schools = api.get(f"{API}/units/{org_tree.district_a1.pk}/children")
    # then each level shows only the way down to their school
    assert _ids(roots) == {str(org_tree.republic.pk)}
    assert _ids(regions) == {str(org_tree.region_a.pk)}
    assert _ids(districts) == {str(org_tree.district_a1.pk)}
    assert _ids(schools) == {str(org_tree.school_a1.pk)}
    assert schools.json()["items"][0]["org_type"] == "school"
    # and a unit off the way is 404
    assert api.get(f"{API}/units/{org_tree.region_b.pk}/children").status_code == 404
    # and the units on the way are not opened as cards
    assert api.get(f"{API}/units/{org_tree.district_a1.pk}").status_code == 404
    assert api.get(f"{API}/units/{org_tree.school_a1.pk}").status_code == 200


# -- organizations ---------------------------------------------------------------------------


@pytest.fixture
def with_attributes(org_tree, admin):  # type: ignore[no-untyped-def]
    """school_a1 is small with no computer class; school_a2 is small with two; school_b1 is not small."""
    root = actor_for(admin)
    today = dt.date(2026, 1, 1)
    for school, small, computers in (
        (org_tree.school_a1, True, 0),
        (org_tree.school_a2, True, 2),
        (org_tree.school_b1, False, 0),
    ):
        services.attribute_value_set(
            actor=root, organization=school, code="small_class", value=small, as_of=today
        )
        services.attribute_value_set(
            actor=root, organization=school, code="computer_classes", value=computers, as_of=today
        )
    return org_tree


def test_g5_2_organizations_filtered_by_type_and_attributes(with_attributes, admin, login):
    tree = with_attributes
    api = login(admin)
    response = api.get(
        f"{API}/organizations?type=school&attr=small_class:true&attr=computer_classes:0"
    )
    assert response.status_code == 200
    assert _ids(response) == {str(tree.school_a1.pk)}
    assert _ids(api.get(f"{API}/organizations?type=preschool")) == {str(tree.preschool_a1.pk)}


def test_g5_2_organizations_filtered_by_hierarchy_unit_name_bin_and_status(org_tree, admin, login):
    api = login(admin)
    services.organization_close(
        actor=actor_for(admin), organization=org_tree.school_a2, closed_on=dt.date(2026, 6, 1)
    )
    under_a1 = api.get(f"{API}/organizations?under={org_tree.district_a1.pk}")
    under_a = api.get(f"{API}/organizations?under={org_tree.region_a.pk}&status=active")
    by_bin = api.get(f"{API}/organizations?q=940140000385")
    by_name = api.get(f"{API}/organizations?q=Балапан")
    closed = api.get(f"{API}/organizations?status=closed")
    assert _ids(under_a1) == {
        str(u.pk) for u in (org_tree.school_a1, org_tree.school_a1_other, org_tree.preschool_a1)
    }
    assert _ids(under_a) == {
        str(u.pk) for u in (org_tree.school_a1, org_tree.school_a1_other, org_tree.preschool_a1)
    }
    assert _ids(by_bin) == {str(org_tree.school_a1.pk)}
    assert _ids(by_name) == {str(org_tree.preschool_a1.pk)}
    assert _ids(closed) == {str(org_tree.school_a2.pk)}


def test_g5_10_organizations_list_is_scoped(org_tree, user_with_role, login):
    api = login(user_with_role("district_specialist", org_tree.district_a1))
    response = api.get(f"{API}/organizations")
    assert _ids(response) == {
        str(u.pk) for u in (org_tree.school_a1, org_tree.school_a1_other, org_tree.preschool_a1)
    }
    # a filter on a unit off the actor's tree is 404, not an empty list that confirms it exists
    assert api.get(f"{API}/organizations?under={org_tree.region_b.pk}").status_code == 404


def test_g5_4_unknown_attribute_in_filter_is_a_400_with_fields(org_tree, admin, login):
    response = login(admin).get(f"{API}/organizations?type=school&attr=no_such:1")
    assert response.status_code == 400
    assert response.json()["code"] == "attribute_unknown"
    assert response.json()["fields"] == {"attr": ["no_such:1"]}


def test_r503_3_organization_life_cycle(org_tree, user_with_role, login):
    district_head = user_with_role("district_head", org_tree.district_a1)
    api = login(district_head)
    # open
    created = api.post(
        f"{API}/organizations",
        {
            "parent_id": str(org_tree.district_a1.pk),
            "org_type": "school",
            "name_kk": "№ 5 мектеп-лицей",
            "name_ru": "Школа-лицей № 5",
            "languages": ["ru", "kk"],
            "opened_on": "2020-09-01",
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["org_type"], body["languages"], body["status"], body["opened_on"]) == (
        "school",
        ["kk", "ru"],
        "active",
        "2020-09-01",
    )
    url = f"{API}/organizations/{body['id']}"
    # change the card
    changed = api.patch(
        url, {"address": "Абай даңғылы, 1", "org_type": "special"}, content_type="application/json"
    )
    assert changed.status_code == 200
    assert (changed.json()["address"], changed.json()["org_type"]) == ("Абай даңғылы, 1", "special")
    # close, and closing again is a conflict
    closed = api.post(f"{url}/close", {"closed_on": "2026-05-31"}, content_type="application/json")
    assert (closed.status_code, closed.json()["status"], closed.json()["closed_on"]) == (
        200,
        "closed",
        "2026-05-31",
    )
    again = api.post(f"{url}/close", {}, content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (409, "already_closed")
    # reopen
    reopened = api.post(f"{url}/reopen")
    assert (reopened.status_code, reopened.json()["status"], reopened.json()["closed_on"]) == (
        200,
        "active",
        None,
    )
    # moving it to another district is beyond the district head's scope: 404
    moved = api.post(
        f"{url}/move", {"parent_id": str(org_tree.district_a2.pk)}, content_type="application/json"
    )
    assert moved.status_code == 404
    assert Unit.objects.get(pk=body["id"]).parent_id == org_tree.district_a1.pk


def test_r503_3_region_head_moves_an_organization_and_its_history_follows(
    org_tree, user_with_role, login
):
    api = login(user_with_role("region_head", org_tree.region_a))
    url = f"{API}/organizations/{org_tree.school_a1.pk}"
    moved = api.post(
        f"{url}/move", {"parent_id": str(org_tree.district_a2.pk)}, content_type="application/json"
    )
    assert moved.status_code == 200
    assert moved.json()["parent_id"] == str(org_tree.district_a2.pk)
    assert moved.json()["path"].startswith(org_tree.district_a2.path)
    # the history, newest first, shows the old and the new place
    history = api.get(f"{url}/history").json()["items"]
    assert [row["change"] for row in history] == ["changed", "created"]
    assert history[0]["values"]["parent_id"] == str(org_tree.district_a2.pk)
    assert history[1]["values"]["parent_id"] == str(org_tree.district_a1.pk)
    assert history[0]["by"] is not None


def test_g5_4_organization_with_invalid_bin_is_a_400(org_tree, user_with_role, login):
    api = login(user_with_role("district_head", org_tree.district_a1))
    before = Unit.objects.count()
    response = api.post(
        f"{API}/organizations",
        {
            "parent_id": str(org_tree.district_a1.pk),
            "org_type": "school",
            "name_kk": "А",
            "name_ru": "А",
            "bin": "940140000386",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bin_checksum"
    assert response.json()["fields"] == {"bin": ["bin_checksum"]}
    assert Unit.objects.count() == before


def test_g5_4_duplicate_bin_is_a_409(org_tree, user_with_role, login):
    api = login(user_with_role("district_head", org_tree.district_a1))
    response = api.post(
        f"{API}/organizations",
        {
            "parent_id": str(org_tree.district_a1.pk),
            "org_type": "school",
            "name_kk": "Б",
            "name_ru": "Б",
            "bin": "940140000385",
        },
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "bin_duplicate"


def test_g5_4_unknown_organization_type_is_a_400(org_tree, user_with_role, login):
    api = login(user_with_role("district_head", org_tree.district_a1))
    response = api.post(
        f"{API}/organizations",
        {
            "parent_id": str(org_tree.district_a1.pk),
            "org_type": "castle",
            "name_kk": "В",
            "name_ru": "В",
        },
        content_type="application/json",
    )
    assert (response.status_code, response.json()["code"], response.json()["fields"]) == (
        400,
        "org_type_unknown",
        {"org_type": ["castle"]},
    )


# -- attributes, card, reference lists ------------------------------------------------------


def test_map_ent_director_sets_an_attribute_and_the_old_value_is_kept(
    org_tree, user_with_role, login
):
    api = login(user_with_role("school_director", org_tree.school_a1))
    url = f"{API}/organizations/{org_tree.school_a1.pk}/attributes"
    first = api.put(
        f"{url}/computer_classes",
        {"value": 1, "valid_from": "2026-01-01"},
        content_type="application/json",
    )
    second = api.put(
        f"{url}/computer_classes",
        {"value": 3, "valid_from": "2026-03-01"},
        content_type="application/json",
    )
    assert first.status_code == 200
    assert second.json() == {
        "code": "computer_classes",
        "label": second.json()["label"],
        "value_type": "number",
        "value": 3.0,
        "unit_of_measure": "",
        "valid_from": "2026-03-01",
        "valid_to": None,
    }
    current = api.get(url).json()
    assert [(row["code"], row["value"]) for row in current] == [("computer_classes", 3.0)]
    periods = AttributeValue.objects.filter(organization=org_tree.school_a1).order_by("valid_from")
    assert [(v.valid_from, v.valid_to) for v in periods] == [
        (dt.date(2026, 1, 1), dt.date(2026, 2, 28)),
        (dt.date(2026, 3, 1), None),
    ]


def test_g5_4_attribute_value_of_the_wrong_type_is_a_400(org_tree, user_with_role, login):
    api = login(user_with_role("school_director", org_tree.school_a1))
    url = f"{API}/organizations/{org_tree.school_a1.pk}/attributes"
    wrong = api.put(f"{url}/small_class", {"value": "maybe"}, content_type="application/json")
    unknown = api.put(f"{url}/no_such_thing", {"value": 1}, content_type="application/json")
    assert (wrong.status_code, wrong.json()["code"], wrong.json()["fields"]) == (
        400,
        "attribute_bool_expected",
        {"value": ["attribute_bool_expected"]},
    )
    assert (unknown.status_code, unknown.json()["code"]) == (400, "attribute_unknown")
    assert not AttributeValue.objects.filter(organization=org_tree.school_a1).exists()


def test_mon_organization_card_counts_staff_and_learners_by_grade(
    org_tree, family, user_with_role, login
):
    f.employ(f.make_person("Ахметова", "Сәуле", dt.date(1980, 2, 3), "F"), org_tree.school_a1)
    f.enrol(f.make_person("Бекұлы", "Ерлан", dt.date(2012, 7, 8), "M"), org_tree.school_a1, grade=8)
    f.enrol(
        f.make_person("Оспанова", "Дана", dt.date(2015, 7, 8), "F"), org_tree.school_a1, grade=5
    )
    api = login(user_with_role("school_director", org_tree.school_a1))
    card = api.get(f"{API}/organizations/{org_tree.school_a1.pk}/card")
    assert card.status_code == 200
    body = card.json()
    assert body["organization"]["id"] == str(org_tree.school_a1.pk)
    assert body["staff_count"] == 1
    assert body["learners_total"] == 3
    assert body["learners"] == [
        {"level": "school", "grade": 5, "count": 1},
        {"level": "school", "grade": 8, "count": 2},
    ]
    # another school's card is out of scope
    assert api.get(f"{API}/organizations/{org_tree.school_b1.pk}/card").status_code == 404


def test_g5_2_reference_lists_of_types_and_attributes(org_tree, user_with_role, login):
    api = login(user_with_role("school_teacher", org_tree.school_a1))
    types = api.get(f"{API}/organization-types?limit=200").json()["items"]
    definitions = api.get(f"{API}/attribute-definitions?type=school&limit=200").json()["items"]
    assert {"school", "preschool", "college", "authority"} <= {row["code"] for row in types}
    assert {row["org_type"] for row in definitions} == {"school"}
    assert {"small_class", "computer_classes"} <= {row["code"] for row in definitions}


def test_map_ent_ministry_adds_an_attribute_and_a_district_may_not(org_tree, user_with_role, login):
    payload = {
        "org_type": "school",
        "code": "solar_panels",
        "label_kk": "Күн панельдері",
        "label_ru": "Солнечные панели",
        "value_type": "bool",
        "valid_from": "2026-09-01",
    }
    denied = login(user_with_role("district_head", org_tree.district_a1)).post(
        f"{API}/attribute-definitions", payload, content_type="application/json"
    )
    assert denied.status_code == 403
    created = login(user_with_role("ministry_specialist", org_tree.republic)).post(
        f"{API}/attribute-definitions", payload, content_type="application/json"
    )
    assert created.status_code == 201
    assert (created.json()["org_type"], created.json()["code"], created.json()["value_type"]) == (
        "school",
        "solar_panels",
        "bool",
    )


# -- the error format (G-5.4) ------------------------------------------------------------------


def test_g5_4_error_format_on_invalid_fields(org_tree, user_with_role, login):
    api = login(user_with_role("district_head", org_tree.district_a1))
    response = api.post(
        f"{API}/organizations",
        {"parent_id": "not-a-uuid", "name_kk": ""},
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == "validation_error"
    assert body["fields"] == {
        "parent_id": ["uuid_parsing"],
        "org_type": ["missing"],
        "name_kk": ["string_too_short"],
        "name_ru": ["missing"],
    }


def test_g5_4_error_format_on_unreadable_json(org_tree, user_with_role, login):
    api = login(user_with_role("district_head", org_tree.district_a1))
    response = api.post(f"{API}/organizations", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "bad_request",
        "message": response.json()["message"],
        "fields": {},
    }


def test_g5_4_error_format_for_missing_and_out_of_scope_ids_is_the_same(
    org_tree, user_with_role, login
):
    user = user_with_role("school_teacher", org_tree.school_a1)
    api = login(user)
    missing = api.get(f"{API}/organizations/00000000-0000-4000-8000-0000000000ff")
    hidden = api.get(f"{API}/organizations/{org_tree.school_b1.pk}")
    assert missing.status_code == hidden.status_code == 404
    assert missing.json() == hidden.json()
    assert FailedAccess.objects.filter(actor=user, status=404).count() == 2


def test_g5_4_error_format_when_not_signed_in(org_tree, client):
    response = client.get(f"{API}/organizations")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("account_language", "headers", "cookies", "language"),
    [
        ("kk", {}, {}, "kk"),
        ("ru", {}, {}, "ru"),
        ("kk", {}, {"oqu_language": "ru"}, "ru"),
        ("ru", {}, {"oqu_language": "kk"}, "kk"),
        # the language saved on the account is a stronger signal than the browser's header
        ("kk", {"HTTP_ACCEPT_LANGUAGE": "ru"}, {}, "kk"),
    ],
)
def test_g5_4_error_format_message_in_the_users_language(
    org_tree, login, account_language, headers, cookies, language
):
    user = f.make_user("teacher", language=account_language)
    f.grant(user, "school_teacher", org_tree.school_a1)
    api = login(user)
    for name, value in cookies.items():
        api.cookies[name] = value
    response = api.get(f"{API}/organizations/{org_tree.school_b1.pk}", **headers)
    assert response.status_code == 404
    assert response["Content-Language"] == language
    with translation.override(language):
        assert response.json()["message"] == translation.gettext("Not found.")


@pytest.mark.parametrize(
    ("headers", "language"), [({}, "kk"), ({"HTTP_ACCEPT_LANGUAGE": "ru"}, "ru")]
)
def test_g5_4_error_format_without_an_account_follows_accept_language(
    org_tree, client, headers, language
):
    response = client.get(f"{API}/organizations", **headers)
    assert response.status_code == 401
    assert response["Content-Language"] == language
    with translation.override(language):
        assert response.json()["message"] == translation.gettext(
            "Sign in or present a valid access token."
        )


def test_g5_4_error_format_on_an_invalid_cursor(org_tree, admin, login):
    response = login(admin).get(f"{API}/organizations?cursor=%%%not-base64")
    assert (response.status_code, response.json()["code"], response.json()["fields"]) == (
        400,
        "cursor_invalid",
        {"cursor": ["invalid"]},
    )
    forged = login(admin).get(
        f"{API}/organizations?cursor=WyJ4IiwgIm5vdC1hLXV1aWQiXQ=="
    )  # ["x", "not-a-uuid"]
    assert (forged.status_code, forged.json()["code"]) == (400, "cursor_invalid")


def test_g5_4_error_format_on_an_unexpected_failure(org_tree, admin, login, monkeypatch):
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("oqu.orgs.selectors.organization_list", broken)
    response = login(admin).get(f"{API}/organizations")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert "disk on fire" not in response.json()["message"]


# -- pagination and query counts (G-5.2) -------------------------------------------------------


def test_g5_2_keyset_pages_walk_every_row_once(org_tree, admin, login):
    for n in range(12):
        f.make_unit(org_tree.district_a2, "organization", f"Мектеп {n}", "school")
    api = login(admin)
    seen: list[str] = []
    url = f"{API}/organizations?under={org_tree.district_a2.pk}&limit=5"
    pages = 0
    while url:
        body = api.get(url).json()
        seen += [row["id"] for row in body["items"]]
        pages += 1
        url = (
            f"{API}/organizations?under={org_tree.district_a2.pk}&limit=5&cursor={body['next_cursor']}"
            if body["next_cursor"]
            else ""
        )
    assert pages == 3
    assert len(seen) == len(set(seen)) == 13


def test_g5_2_page_size_is_clamped_to_the_maximum(org_tree, admin, login, settings):
    settings.OQU_API_MAX_PAGE_SIZE = 4
    body = login(admin).get(f"{API}/organizations?limit=1000").json()
    assert len(body["items"]) == 4
    assert body["next_cursor"] is not None


@pytest.fixture
def bulk(org_tree, admin):  # type: ignore[no-untyped-def]
    """30 districts, 30 schools with attributes, 30 versions of one school's card."""
    root = actor_for(admin)
    for n in range(30):
        district = f.make_unit(org_tree.region_a, "district", f"Аудан {n}")
        school = f.make_unit(district, "organization", f"Мектеп {n}", "school")
        services.attribute_value_set(
            actor=root,
            organization=school,
            code="small_class",
            value=True,
            as_of=dt.date(2026, 1, 1),
        )
        services.unit_change(actor=root, unit=org_tree.school_a1, address=f"Көше {n}")
    return org_tree


LIST_URLS = [
    "/regions",
    "/districts?region={region_a}",
    "/units/{region_a}/children",
    "/organizations",
    "/organizations?under={region_a}&type=school&attr=small_class:true&q=Мектеп&status=active",
    "/organizations/{school_a1}/history",
    "/organization-types",
    "/attribute-definitions?type=school",
]


@pytest.mark.parametrize("path", LIST_URLS)
def test_g5_2_list_query_count_bounded(
    bulk, user_with_role, login, django_assert_max_num_queries, path
):
    # given a ministry official (a grant on the republic goes through the scope filter)
    api = login(user_with_role("ministry_head", bulk.republic))
    url = API + path.format(region_a=bulk.region_a.pk, school_a1=bulk.school_a1.pk)
    joiner = "&" if "?" in url else "?"

    def run(limit: int) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"{url}{joiner}limit={limit}")
        assert response.status_code == 200
        return len(queries), len(response.json()["items"])

    # when the same list is read with a page of 5 and a page of 200
    small_queries, small_rows = run(5)
    with django_assert_max_num_queries(8):
        large_queries, large_rows = run(200)
    # then more rows cost no more queries
    assert small_rows == 5
    assert large_rows > 5
    assert small_queries == large_queries
