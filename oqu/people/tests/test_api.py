"""People and their relations over HTTP (G-5.2, G-5.10, MAP-PASS): who sees whom, registering
and enrolling, employment, guardianship, history, and bounded list costs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from oqu.audit.models import ActionRecord, FailedAccess
from oqu.people.models import Enrolment, Guardianship, Person
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


def _post(api: Any, path: str, payload: dict[str, Any]) -> Any:
    return api.post(f"{API}{path}", payload, content_type="application/json")


# -- who sees whom (G-5.10) --------------------------------------------------------------------


@pytest.mark.smoke
def test_g5_10_teacher_gets_404_for_learner_of_another_school(
    org_tree, family, user_with_role, login
):
    # given a teacher of school A1 and a learner of school B1
    teacher = user_with_role("school_teacher", org_tree.school_a1)
    api = login(teacher)
    # when the teacher asks for the other school's learner, and for an id that does not exist
    other = api.get(f"{API}/people/{family.other_learner.pk}")
    missing = api.get(f"{API}/people/00000000-0000-4000-8000-0000000000ee")
    # then both answer the same 404, and both are journaled as failed access
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()
    assert other.json()["code"] == "not_found"
    denial = FailedAccess.objects.get(actor=teacher, target_id=str(family.other_learner.pk))
    assert (denial.status, denial.action, denial.target_type) == (
        404,
        "people.person.view",
        "people.person",
    )
    # and their own learner is readable, while the other does not appear in lists
    assert api.get(f"{API}/people/{family.learner.pk}").status_code == 200
    listed = _ids(api.get(f"{API}/people"))
    assert str(family.learner.pk) in listed
    assert str(family.other_learner.pk) not in listed
    assert api.get(f"{API}/enrolments?person={family.other_learner.pk}").json()["items"] == []


@pytest.mark.smoke
def test_g5_10_parent_reads_only_own_children(org_tree, family, login):
    # given a parent with an account whose child learns in school A1
    api = login(family.parent_user)
    # when the parent lists people and enrolments
    people = api.get(f"{API}/people")
    enrolments = api.get(f"{API}/enrolments")
    guardianships = api.get(f"{API}/guardianships")
    # then they see their child (and themselves), the child's enrolment and their own guardianship
    assert _ids(people) == {str(family.learner.pk), str(family.parent.pk)}
    assert {row["person"]["id"] for row in enrolments.json()["items"]} == {str(family.learner.pk)}
    assert [
        (row["guardian"]["id"], row["child"]["id"]) for row in guardianships.json()["items"]
    ] == [(str(family.parent.pk), str(family.learner.pk))]
    assert api.get(f"{API}/people/{family.learner.pk}").status_code == 200
    # and another learner is 404 like a missing one
    assert api.get(f"{API}/people/{family.other_learner.pk}").status_code == 404
    other_enrolment = Enrolment.objects.get(person=family.other_learner)
    assert api.get(f"{API}/enrolments/{other_enrolment.pk}").status_code == 404
    # and a parent cannot change their child's record
    before = Person.objects.get(pk=family.learner.pk).last_name_ru
    changed = api.patch(
        f"{API}/people/{family.learner.pk}",
        {"last_name_ru": "Другой"},
        content_type="application/json",
    )
    assert changed.status_code == 403
    assert Person.objects.get(pk=family.learner.pk).last_name_ru == before


def test_g5_10_people_filtered_by_an_organization_out_of_scope_is_404(
    org_tree, family, user_with_role, login
):
    api = login(user_with_role("school_teacher", org_tree.school_a1))
    assert _ids(api.get(f"{API}/people?organization={org_tree.school_a1.pk}")) == {
        str(family.learner.pk)
    }
    assert api.get(f"{API}/people?organization={org_tree.school_b1.pk}").status_code == 404


def test_g5_2_people_search_by_iin_prefix_and_name(org_tree, family, user_with_role, login):
    api = login(user_with_role("school_director", org_tree.school_a1))
    assert _ids(api.get(f"{API}/people?q={family.learner.iin[:6]}")) == {str(family.learner.pk)}
    assert _ids(api.get(f"{API}/people?q=Серікова")) == {str(family.parent.pk)}


# -- registering and enrolling (MAP-PASS) ------------------------------------------------------


def _person_payload(organization: Any, iin: str, **extra: Any) -> dict[str, Any]:
    return {
        "organization_id": str(organization.pk),
        "iin": iin,
        "last_name_kk": "Жанұзақова",
        "first_name_kk": "Әйгерім",
        "last_name_ru": "Жанузакова",
        "first_name_ru": "Айгерим",
        **extra,
    }


def test_map_pass_director_registers_and_enrols_a_learner(org_tree, user_with_role, login):
    director = user_with_role("school_director", org_tree.school_a1)
    api = login(director)
    iin = f.free_iin(dt.date(2014, 2, 11), "F")
    # when the director registers a girl by IIN
    registered = _post(api, "/people", _person_payload(org_tree.school_a1, iin))
    assert registered.status_code == 201
    person = registered.json()
    # then birth date and sex come from the IIN
    assert (person["birth_date"], person["sex"], person["needs_verification"]) == (
        "2014-02-11",
        "F",
        False,
    )
    assert person["full_name"] == "Жанұзақова Әйгерім"
    # and once enrolled she is visible to the school
    enrolled = _post(
        api,
        "/enrolments",
        {
            "person_id": person["id"],
            "organization_id": str(org_tree.school_a1.pk),
            "level": "school",
            "grade": 6,
            "group_name": "6 Ә",
            "start_date": "2025-09-01",
        },
    )
    assert enrolled.status_code == 201
    assert (
        enrolled.json()["is_main"],
        enrolled.json()["grade"],
        enrolled.json()["organization_id"],
    ) == (
        True,
        6,
        str(org_tree.school_a1.pk),
    )
    assert api.get(f"{API}/people/{person['id']}").status_code == 200
    assert list(
        ActionRecord.objects.filter(actor=director).order_by("at").values_list("action", flat=True)
    ) == [
        "people.person.register",
        "people.enrolment.create",
    ]


def test_g5_2_full_name_follows_the_request_language(org_tree, user_with_role, login):
    learner = Person.objects.create(
        iin=f.free_iin(dt.date(2014, 2, 11), "F"),
        last_name_kk="Жанұзақова",
        first_name_kk="Әйгерім",
        last_name_ru="Жанузакова",
        first_name_ru="Айгерим",
        birth_date=dt.date(2014, 2, 11),
        sex="F",
    )
    f.enrol(learner, org_tree.school_a1)
    api = login(user_with_role("school_teacher", org_tree.school_a1))
    kazakh = api.get(f"{API}/people/{learner.pk}").json()
    api.cookies["oqu_language"] = "ru"
    russian = api.get(f"{API}/people/{learner.pk}").json()
    assert kazakh["full_name"] == "Жанұзақова Әйгерім"
    assert russian["full_name"] == "Жанузакова Айгерим"
    assert kazakh["iin"] == russian["iin"] == learner.iin


def test_map_pass_transfer_enrols_by_iin_after_the_old_school_ends_it(
    org_tree, family, user_with_role
):
    # given a learner of school B1 moving to school A1, whose director cannot see her yet
    school_a = Client()
    school_a.force_login(user_with_role("school_director", org_tree.school_a1))
    school_b = Client()
    school_b.force_login(user_with_role("school_director", org_tree.school_b1))
    assert school_a.get(f"{API}/people/{family.other_learner.pk}").status_code == 404
    payload = {
        "iin": family.other_learner.iin,
        "organization_id": str(org_tree.school_a1.pk),
        "level": "school",
        "grade": 9,
        "start_date": "2026-01-10",
    }
    # when school A1 enrols her while the B1 enrolment is active, it is a conflict
    early = _post(school_a, "/enrolments", payload)
    assert (early.status_code, early.json()["code"]) == (409, "main_enrolment_exists")
    # then school B1 ends its enrolment (ending it twice is a conflict)
    old = Enrolment.objects.get(person=family.other_learner)
    end = {"end_date": "2026-01-09", "reason": "transfer"}
    ended = _post(school_b, f"/enrolments/{old.pk}/end", end)
    assert (ended.status_code, ended.json()["end_date"], ended.json()["end_reason"]) == (
        200,
        "2026-01-09",
        "transfer",
    )
    assert _post(school_b, f"/enrolments/{old.pk}/end", end).status_code == 409
    # and school A1 enrols her by IIN, and now sees her
    response = _post(school_a, "/enrolments", payload)
    assert response.status_code == 201
    assert response.json()["person"]["id"] == str(family.other_learner.pk)
    assert school_a.get(f"{API}/people/{family.other_learner.pk}").status_code == 200


def test_g5_8_teacher_may_not_enrol_and_the_lookup_tells_nothing(org_tree, user_with_role, login):
    teacher = user_with_role("school_teacher", org_tree.school_a1)
    api = login(teacher)
    stranger = f.make_person("Қасымов", "Арман", dt.date(2013, 1, 1), "M")
    before = Enrolment.objects.count()
    for reference in ({"person_id": str(stranger.pk)}, {"iin": "000000000000"}):
        response = _post(
            api,
            "/enrolments",
            {
                **reference,
                "organization_id": str(org_tree.school_a1.pk),
                "level": "school",
                "start_date": "2025-09-01",
            },
        )
        # an existing and a made-up person give the same 403: the capability is checked first
        assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert Enrolment.objects.count() == before
    assert (
        FailedAccess.objects.filter(
            actor=teacher, status=403, action="people.enrolment.manage"
        ).count()
        == 2
    )


def test_g5_4_enrolment_needs_exactly_one_person_reference(org_tree, user_with_role, login):
    api = login(user_with_role("school_director", org_tree.school_a1))
    response = _post(
        api,
        "/enrolments",
        {
            "organization_id": str(org_tree.school_a1.pk),
            "level": "school",
            "start_date": "2025-09-01",
        },
    )
    assert (response.status_code, response.json()["code"]) == (422, "validation_error")
    assert response.json()["fields"] == {"__all__": ["value_error"]}


def test_g5_4_register_with_a_mistyped_iin_is_a_400_and_a_duplicate_a_409(
    org_tree, family, user_with_role, login
):
    api = login(user_with_role("school_director", org_tree.school_a1))
    good = f.free_iin(dt.date(2014, 2, 11), "F")
    mistyped = good[:11] + str((int(good[11]) + 1) % 10)
    bad = _post(api, "/people", _person_payload(org_tree.school_a1, mistyped))
    duplicate = _post(api, "/people", _person_payload(org_tree.school_a1, family.learner.iin))
    assert (bad.status_code, bad.json()["code"], bad.json()["fields"]) == (
        400,
        "iin_checksum",
        {"iin": ["iin_checksum"]},
    )
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "iin_duplicate")
    assert not Person.objects.filter(iin=mistyped).exists()


def test_g5_8_person_change_is_journaled_and_kept_in_history(
    org_tree, family, user_with_role, login
):
    api = login(user_with_role("school_director", org_tree.school_a1))
    url = f"{API}/people/{family.learner.pk}"
    changed = api.patch(url, {"middle_name_ru": "Серикович"}, content_type="application/json")
    assert changed.status_code == 200
    assert changed.json()["middle_name_ru"] == "Серикович"
    record = ActionRecord.objects.get(
        action="people.person.change", target_id=str(family.learner.pk)
    )
    assert (record.before, record.after) == (
        {"middle_name_ru": ""},
        {"middle_name_ru": "Серикович"},
    )
    history = api.get(f"{url}/history").json()["items"]
    assert [row["values"]["middle_name_ru"] for row in history] == ["Серикович", ""]
    assert [row["change"] for row in history] == ["changed", "created"]


def test_g5_4_person_patch_refuses_null_for_a_required_name(
    org_tree, family, user_with_role, login
):
    api = login(user_with_role("school_director", org_tree.school_a1))
    response = api.patch(
        f"{API}/people/{family.learner.pk}", {"last_name_ru": None}, content_type="application/json"
    )
    assert (response.status_code, response.json()["fields"]) == (
        422,
        {"last_name_ru": ["string_type"]},
    )


# -- employment and guardianship --------------------------------------------------------------


def test_map_pass_director_hires_and_ends_employment(org_tree, user_with_role, login):
    api = login(user_with_role("school_director", org_tree.school_a1))
    teacher = f.make_person("Нұрланова", "Гүлнар", dt.date(1988, 4, 5), "F")
    hired = _post(
        api,
        "/employments",
        {
            "person_id": str(teacher.pk),
            "organization_id": str(org_tree.school_a1.pk),
            "position": "teacher",
            "start_date": "2025-08-25",
            "rate": "1.5",
        },
    )
    assert hired.status_code == 201
    assert (hired.json()["position"], hired.json()["rate"]) == ("teacher", "1.50")
    listed = api.get(f"{API}/employments?organization={org_tree.school_a1.pk}")
    assert _ids(listed) == {hired.json()["id"]}
    ended = _post(api, f"/employments/{hired.json()['id']}/end", {"end_date": "2026-05-31"})
    assert (ended.status_code, ended.json()["end_date"]) == (200, "2026-05-31")
    assert api.get(f"{API}/employments").json()["items"] == []
    assert _ids(api.get(f"{API}/employments?active=false")) == {hired.json()["id"]}


def test_map_pass_director_records_a_guardian_by_iin(org_tree, family, user_with_role, login):
    api = login(user_with_role("school_director", org_tree.school_a1))
    father = f.make_person("Серікұлы", "Бауыржан", dt.date(1982, 9, 10), "M")
    created = _post(
        api,
        "/guardianships",
        {
            "child_id": str(family.learner.pk),
            "guardian_iin": father.iin,
            "kind": "father",
            "start_date": "2025-09-01",
        },
    )
    assert created.status_code == 201
    assert (created.json()["guardian"]["id"], created.json()["kind"]) == (str(father.pk), "father")
    again = _post(
        api,
        "/guardianships",
        {"child_id": str(family.learner.pk), "guardian_id": str(father.pk), "kind": "father"},
    )
    assert (again.status_code, again.json()["code"]) == (409, "guardianship_exists")
    ended = _post(api, f"/guardianships/{created.json()['id']}/end", {"end_date": "2026-02-01"})
    assert (ended.status_code, ended.json()["end_date"]) == (200, "2026-02-01")
    # a guardianship of another school's learner cannot be recorded: the child is out of scope
    other = _post(
        api,
        "/guardianships",
        {"child_id": str(family.other_learner.pk), "guardian_id": str(father.pk), "kind": "father"},
    )
    assert other.status_code == 404
    assert not Guardianship.objects.filter(child=family.other_learner).exists()


# -- bounded list costs (G-5.2) --------------------------------------------------------------


@pytest.fixture
def bulk(org_tree):  # type: ignore[no-untyped-def]
    """30 learners with a parent each and 30 staff in school A1; 30 versions of one learner."""
    learners = []
    for n in range(30):
        learner = f.make_person(f"Оқушы{n}", "Бала", dt.date(2013, 1, 1 + n % 28), "M")
        parent = f.make_person(f"Ата-ана{n}", "Ана", dt.date(1985, 1, 1 + n % 28), "F")
        f.enrol(learner, org_tree.school_a1, grade=1 + n % 11)
        f.guard(parent, learner)
        f.employ(
            f.make_person(f"Мұғалім{n}", "Ұстаз", dt.date(1980, 1, 1 + n % 28), "F"),
            org_tree.school_a1,
        )
        learners.append(learner)
    for n in range(30):
        learners[0].middle_name_ru = f"Версия {n}"
        learners[0].save()
    return learners[0]


LIST_URLS = [
    "/people",
    "/people?q=Оқушы&organization={school_a1}",
    "/people/{learner}/history",
    "/enrolments",
    "/enrolments?organization={school_a1}&active=true",
    "/employments",
    "/guardianships",
]


@pytest.mark.parametrize("path", LIST_URLS)
def test_g5_2_list_query_count_bounded(
    org_tree, bulk, user_with_role, login, django_assert_max_num_queries, path
):
    # given a district specialist over school A1
    api = login(user_with_role("district_specialist", org_tree.district_a1))
    url = API + path.format(school_a1=org_tree.school_a1.pk, learner=bulk.pk)
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
    assert large_rows >= 30
    assert small_queries == large_queries
