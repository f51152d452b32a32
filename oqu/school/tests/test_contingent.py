"""Classes, the contingent and teacher assignments (SEC-27.3/4): every move a row in the
learner's class history, consistent with the school enrolment, journaled; scope and capability."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oqu.audit.models import ActionRecord, FailedAccess
from oqu.people.models import Enrolment
from oqu.school.models import ClassMembership, SchoolClass, TeachingAssignment
from oqu.tests import factories as f

from .conftest import make_class, put_in_class

API = "/api/v1"
D = dt.date


def _post(api: Any, path: str, payload: dict[str, Any], method: str = "post") -> Any:
    return getattr(api, method)(f"{API}{path}", payload, content_type="application/json")


@pytest.fixture
def director(school, user_with_role, login):  # type: ignore[no-untyped-def]
    return login(user_with_role("school_director", school.year.organization))


def test_sec_27_3_director_creates_class_with_employed_homeroom_teacher(school, director):
    response = _post(
        director,
        "/school/classes",
        {
            "year_id": str(school.year.pk),
            "grade": 1,
            "letter": "б",
            "language": "ru",
            "shift": 2,
            "capacity": 24,
            "homeroom_teacher_id": str(school.teacher.pk),
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["shift"], body["learner_count"]) == ("1Б", 2, 0)
    # a person not employed here cannot be a homeroom teacher
    stranger = f.make_person("Жоқ", "Адам", D(1990, 1, 1), "M")
    response = _post(
        director,
        "/school/classes",
        {
            "year_id": str(school.year.pk),
            "grade": 2,
            "letter": "А",
            "language": "kk",
            "homeroom_teacher_id": str(stranger.pk),
        },
    )
    assert response.status_code == 400
    assert response.json()["code"] == "not_employed_here"
    # the same class twice is a conflict
    again = _post(
        director,
        "/school/classes",
        {"year_id": str(school.year.pk), "grade": 1, "letter": "Б", "language": "kk"},
    )
    assert again.status_code == 409


def test_sec_27_4_enrol_creates_school_enrolment_and_history_row(school, director):
    newcomer = f.make_person("Жаңа", "Оқушы", D(2014, 6, 1), "F")
    response = _post(
        director,
        f"/school/classes/{school.class_5b.pk}/learners",
        {"person_id": str(newcomer.pk), "date": "2025-09-15"},
    )
    assert response.status_code == 201, response.json()
    enrolment = Enrolment.objects.get(person=newcomer, end_date__isnull=True)
    assert (enrolment.organization_id, enrolment.grade, enrolment.group_name) == (
        school.class_5b.organization_id,
        5,
        "5Ә",
    )
    assert response.json()["start_move"] == "enrolled"
    record = ActionRecord.objects.get(action="school.learner.enrolled")
    assert record.before is None
    assert record.after["start_date"] == "2025-09-15"
    # enrolling again is refused: a transfer is the move for that
    again = _post(
        director,
        f"/school/classes/{school.class_5a.pk}/learners",
        {"person_id": str(newcomer.pk), "date": "2025-09-16"},
    )
    assert again.status_code == 409
    assert again.json()["code"] == "already_in_class"


def test_sec_27_4_transfer_expel_history_never_overwritten(school, director):
    transfer = _post(
        director,
        f"/school/memberships/{school.membership.pk}/transfer",
        {"to_class_id": str(school.class_5b.pk), "date": "2025-11-10"},
    )
    assert transfer.status_code == 201, transfer.json()
    new_id = transfer.json()["id"]
    expel = _post(
        director,
        f"/school/memberships/{new_id}/expel",
        {"reason": "Решение педсовета", "date": "2026-02-02"},
    )
    assert expel.status_code == 200, expel.json()
    history = director.get(f"{API}/school/memberships?person={school.learner.pk}").json()["items"]
    rows = sorted(history, key=lambda r: r["start_date"])
    assert [(r["class_name"], r["start_move"], r["end_move"]) for r in rows] == [
        ("5А", "enrolled", "transferred"),
        ("5Ә", "transferred", "expelled"),
    ]
    assert rows[0]["end_date"] == "2025-11-10"
    assert rows[1]["end_reason"] == "Решение педсовета"
    enrolment = Enrolment.objects.get(person=school.learner)
    assert (enrolment.end_date, enrolment.end_reason) == (D(2026, 2, 2), "Решение педсовета")
    assert enrolment.group_name == "5Ә"
    expelled = ActionRecord.objects.get(action="school.learner.expelled")
    assert expelled.before["end_date"] is None
    assert expelled.after["end_move"] == "expelled"
    # a closed stay cannot be moved again
    again = _post(
        director, f"/school/memberships/{new_id}/expel", {"reason": "x", "date": "2026-02-03"}
    )
    assert again.status_code == 409


def test_sec_27_4_transfer_out_then_other_school_enrols(
    school, org_tree, user_with_role, login, director
):
    out = _post(
        director,
        f"/school/memberships/{school.membership.pk}/transfer-out",
        {"to_organization": "№ 3 мектеп", "date": "2025-12-01"},
    )
    assert out.status_code == 200, out.json()
    assert out.json()["end_move"] == "transferred_out"
    assert not Enrolment.objects.filter(person=school.learner, end_date__isnull=True).exists()
    # the receiving school enrols the learner into its own class
    from .conftest import make_year

    other_year = make_year(org_tree.school_a2)
    other_class = make_class(other_year, 5, "В")
    other_director = login(user_with_role("school_director", org_tree.school_a2))
    response = _post(
        other_director,
        f"/school/classes/{other_class.pk}/learners",
        {"iin": school.learner.iin, "date": "2025-12-02"},
    )
    assert response.status_code == 201, response.json()
    assert ClassMembership.objects.filter(person=school.learner).count() == 2


def test_sec_27_4_enrolment_elsewhere_blocks_enrol(school, org_tree, user_with_role, login):
    from .conftest import make_year

    other_class = make_class(make_year(org_tree.school_a2), 5, "В")
    api = login(user_with_role("school_director", org_tree.school_a2))
    response = _post(
        api,
        f"/school/classes/{other_class.pk}/learners",
        {"person_id": str(school.learner.pk), "date": "2025-12-02"},
    )
    assert response.status_code == 409


def test_sec_27_4_graduate_only_from_final_grades(school, director):
    refused = _post(
        director, f"/school/memberships/{school.membership.pk}/graduate", {"date": "2026-05-25"}
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "not_graduation_grade"
    class_11 = make_class(school.year, 11, "А")
    senior = f.make_person("Түлек", "Асқар", D(2008, 1, 1), "M")
    stay = put_in_class(senior, class_11)
    done = _post(director, f"/school/memberships/{stay.pk}/graduate", {"date": "2026-05-25"})
    assert done.status_code == 200, done.json()
    assert done.json()["end_move"] == "graduated"
    assert Enrolment.objects.get(person=senior).end_date == D(2026, 5, 25)


def test_sec_27_4_class_capacity_is_respected(school, director):
    SchoolClass.objects.filter(pk=school.class_5a.pk).update(capacity=1)
    newcomer = f.make_person("Толық", "Сынып", D(2014, 6, 1), "F")
    response = _post(
        director,
        f"/school/classes/{school.class_5a.pk}/learners",
        {"person_id": str(newcomer.pk), "date": "2025-09-15"},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "class_full"
    assert not Enrolment.objects.filter(person=newcomer).exists()  # nothing half-written


def test_sec_27_4_teacher_without_manage_gets_403(school, login):
    api = login(school.teacher_user)
    assert api.get(f"{API}/school/classes/{school.class_5a.pk}").status_code == 200
    response = _post(
        api,
        f"/school/memberships/{school.membership.pk}/expel",
        {"reason": "x", "date": "2026-01-10"},
    )
    assert response.status_code == 403
    assert ClassMembership.objects.get(pk=school.membership.pk).end_date is None
    assert FailedAccess.objects.filter(status=403, action="school.class.manage").exists()


def test_sec_27_4_teacher_of_another_school_gets_404(school, org_tree, user_with_role, login):
    api = login(user_with_role("school_teacher", org_tree.school_b1))
    assert api.get(f"{API}/school/classes/{school.class_5a.pk}").status_code == 404
    assert api.get(f"{API}/school/memberships/{school.membership.pk}").status_code == 404
    response = _post(
        api,
        f"/school/memberships/{school.membership.pk}/expel",
        {"reason": "x", "date": "2026-01-10"},
    )
    assert response.status_code == 404
    assert api.get(f"{API}/school/classes").json()["items"] == []


def test_sec_27_4_subgroups_hold_only_learners_of_the_class(school, director):
    group = _post(
        director, f"/school/classes/{school.class_5a.pk}/subgroups", {"name": "Ағылшын 1"}
    )
    assert group.status_code == 201, group.json()
    group_id = group.json()["id"]
    outsider = f.make_person("Бөтен", "Бала", D(2014, 1, 1), "M")
    refused = _post(
        director,
        f"/school/subgroups/{group_id}/learners",
        {"learner_ids": [str(outsider.pk)]},
        method="put",
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "not_in_class"
    ok = _post(
        director,
        f"/school/subgroups/{group_id}/learners",
        {"learner_ids": [str(school.learner.pk)]},
        method="put",
    )
    assert ok.status_code == 200
    listed = director.get(f"{API}/school/classes/{school.class_5a.pk}/subgroups").json()
    assert listed[0]["learner_ids"] == [str(school.learner.pk)]


def test_sec_27_4_assignment_of_employed_teacher_to_class_subject(school, director):
    payload = {
        "class_id": str(school.class_5a.pk),
        "subject_id": str(school.math.pk),
        "teacher_id": str(school.teacher.pk),
        "hours_per_week": "5",
    }
    created = _post(director, "/school/assignments", payload)
    assert created.status_code == 201, created.json()
    assert created.json()["class_name"] == "5А"
    assert _post(director, "/school/assignments", payload).status_code == 409
    stranger = f.make_person("Сырт", "Мұғалім", D(1985, 1, 1), "F")
    refused = _post(director, "/school/assignments", {**payload, "teacher_id": str(stranger.pk)})
    assert refused.status_code == 400
    assert refused.json()["code"] == "not_employed_here"
    listed = director.get(f"{API}/school/assignments?teacher={school.teacher.pk}").json()
    assert len(listed["items"]) == 1
    assert ActionRecord.objects.filter(action="school.assignment.create").count() == 1


@pytest.mark.parametrize(
    "path",
    [
        "/school/classes",
        "/school/memberships",
        "/school/assignments",
        "/school/classes/{c}/learners",
    ],
)
def test_sec_27_3_lists_constant_queries(school, org_tree, user_with_role, login, path):
    org = org_tree.school_a1
    teacher = school.teacher
    for n in range(6):
        extra = make_class(school.year, 6 + n % 5, f"Q{n}", homeroom_teacher=teacher)
        put_in_class(f.make_person("Көп", f"Бала{n}", D(2013, 1, 1 + n), "M"), school.class_5a)
        TeachingAssignment.objects.create(
            organization=org,
            year=school.year,
            teacher=teacher,
            school_class=extra,
            subject=school.math,
            hours_per_week=2,
        )
    api = login(user_with_role("district_specialist", org_tree.district_a1))
    url = API + path.format(c=school.class_5a.pk)

    def run(limit: int) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"{url}?limit={limit}")
        assert response.status_code == 200, response.json()
        return len(queries), len(response.json()["items"])

    small = run(1)
    large = run(200)
    assert large[1] >= 6 > small[1] == 1
    assert small[0] == large[0]


def test_sec_27_3_class_change_is_journaled_and_capacity_not_below_count(school, director):
    url = f"{API}/school/classes/{school.class_5a.pk}"
    changed = director.patch(
        url, {"shift": 2, "homeroom_teacher_id": None}, content_type="application/json"
    )
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["shift"], changed.json()["homeroom_teacher_id"]) == (2, None)
    record = ActionRecord.objects.get(action="school.class.change")
    assert record.before == {"shift": 1, "homeroom_teacher_id": str(school.teacher.pk)}
    too_small = director.patch(url, {"capacity": 0}, content_type="application/json")
    assert too_small.status_code == 422
    put_in_class(f.make_person("Екінші", "Бала", D(2014, 2, 2), "M"), school.class_5a)
    below = director.patch(url, {"capacity": 1}, content_type="application/json")
    assert below.status_code == 400
    assert below.json()["code"] == "capacity_below_count"


def test_sec_27_4_assignment_removed_with_journal(school, director):
    assignment = TeachingAssignment.objects.create(
        organization=school.year.organization,
        year=school.year,
        teacher=school.teacher,
        school_class=school.class_5a,
        subject=school.math,
        hours_per_week=5,
    )
    response = director.delete(f"{API}/school/assignments/{assignment.pk}")
    assert response.status_code == 204
    assert not TeachingAssignment.objects.exists()
    assert (
        ActionRecord.objects.get(action="school.assignment.delete").before["hours_per_week"]
        == "5.0"
    )
