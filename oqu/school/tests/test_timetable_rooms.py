# ruff: noqa: F811
"""SEC-27.8: typed rooms (a reference list of room types, a subject may need one: a room of
another type is refused in the grid, the draft places such lessons only in rooms of that type and
reports what it could not place), and moving a cell from the web grid (a move form or drag and
drop) with the same live checks, journaled."""

from __future__ import annotations

from decimal import Decimal

import pytest

from oqu.audit.models import ActionRecord
from oqu.school import timetable_plan as plan
from oqu.school.models import Room, RoomKind, TimetableEntry

# The `tt` fixture is imported from the API tests; pytest passes it by name (hence F811).
from .test_timetable import API, FROM, _entry, _send, place, tt  # noqa: F401

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _needs(tt, subject, kind):  # type: ignore[no-untyped-def]
    return _send(tt.deputy, f"/school/subjects/{subject.pk}/room-kind", {"room_kind": kind}, "put")


def _lab(tt, name="Lab 1", kind=RoomKind.COMPUTER):  # type: ignore[no-untyped-def]
    return Room.objects.create(organization=tt.school.year.organization, name=name, kind=kind)


# -- the reference list and rooms' types -----------------------------------------------------------


def test_sec_27_8_room_types_are_a_reference_list_and_rooms_carry_one(tt):
    kinds = tt.deputy.get(f"{API}/school/room-kinds").json()
    codes = [k["code"] for k in kinds]
    assert {"classroom", "laboratory", "computer", "gym", "workshop"} <= set(codes)
    org = str(tt.school.year.organization_id)
    created = _send(
        tt.deputy, "/school/rooms", {"organization_id": org, "name": "Gym", "kind": "gym"}
    )
    assert created.status_code == 201, created.content
    assert created.json()["kind"] == "gym"
    default = _send(tt.deputy, "/school/rooms", {"organization_id": org, "name": "205"})
    assert default.json()["kind"] == "classroom"
    changed = _send(
        tt.deputy, f"/school/rooms/{default.json()['id']}", {"kind": "workshop"}, "patch"
    )
    assert changed.json()["kind"] == "workshop"
    bad = _send(tt.deputy, "/school/rooms", {"organization_id": org, "name": "X", "kind": "pool"})
    assert (bad.status_code, bad.json()["code"]) == (400, "room_kind_unknown")
    assert ActionRecord.objects.filter(
        action="school.room.change", target_id=default.json()["id"]
    ).exists()


def test_sec_27_8_a_subject_needs_a_room_type_set_by_the_deputy_journaled(tt, login):
    answer = _needs(tt, tt.school.math, "computer")
    assert answer.status_code == 200, answer.content
    assert answer.json()["room_kind"] == "computer"
    record = ActionRecord.objects.get(action="school.subject.room_kind")
    assert (record.before, record.after) == ({"room_kind": ""}, {"room_kind": "computer"})
    subjects = tt.deputy.get(f"{API}/school/subjects").json()["items"]
    assert {s["code"]: s["room_kind"] for s in subjects}["MATH"] == "computer"
    bad = _needs(tt, tt.school.math, "pool")
    assert (bad.status_code, bad.json()["code"]) == (400, "room_kind_unknown")
    # the web form on the year's timetable page
    year = tt.school.year
    page = tt.deputy.get(f"/school/years/{year.pk}/timetable/").content.decode()
    assert 'data-testid="subject-rooms"' in page
    tt.deputy.post(
        f"/school/subjects/{tt.school.kazakh.pk}/room-kind/",
        {"room_kind": "language", "year": year.pk},
    )
    tt.school.kazakh.refresh_from_db()
    assert tt.school.kazakh.room_kind == "language"
    # `login` signs the test client in as another user: the teacher comes last
    teacher = login(tt.school.teacher_user)
    refused = _send(
        teacher, f"/school/subjects/{tt.school.math.pk}/room-kind", {"room_kind": ""}, "put"
    )
    assert refused.status_code == 403


# -- manual edits ----------------------------------------------------------------------------------


def test_sec_27_8_a_room_of_the_wrong_type_is_refused_and_no_room_is_warned(tt):
    _needs(tt, tt.school.math, "computer")
    lab = _lab(tt)
    check = _send(
        tt.deputy,
        "/school/timetable/check",
        {
            "assignment_id": str(tt.math_5a.pk),
            "weekday": 1,
            "lesson_number": 1,
            "room_id": str(tt.room_101.pk),
        },
    ).json()
    assert [c["code"] for c in check["conflicts"]] == ["room_kind_wrong"]
    refused = _entry(tt, tt.math_5a, 1, 1, tt.room_101)
    assert (refused.status_code, refused.json()["code"]) == (409, "room_kind_wrong")
    assert not TimetableEntry.objects.filter(assignment=tt.math_5a).exists()
    roomless = _entry(tt, tt.math_5a, 1, 1)
    assert roomless.status_code == 201
    assert "room_kind_unset" in {w["code"] for w in roomless.json()["warnings"]}
    in_lab = _entry(tt, tt.math_5a, 2, 1, lab)
    assert in_lab.status_code == 201
    assert not any(
        w["code"].startswith("room_kind") and w["weekday"] == 2 for w in in_lab.json()["warnings"]
    )
    # a subject without a need goes to any room, the lab too
    assert _entry(tt, tt.kaz_5a, 3, 1, lab).status_code == 201
    # the web live check names the refusal in place
    form = {
        "assignment": tt.math_5a.pk,
        "weekday": "4",
        "lesson_number": "1",
        "room": tt.room_101.pk,
    }
    body = tt.deputy.post(
        f"/school/classes/{tt.school.class_5a.pk}/timetable/check/", form, **HTMX
    ).content.decode()
    assert 'data-code="room_kind_wrong"' in body


# -- the automatic draft ---------------------------------------------------------------------------


def _teaching(i, kind="", hours=2, teacher=None):  # type: ignore[no-untyped-def]
    return plan.Teaching(
        f"a{i}", "c", "05A", 5, 1, f"s{i}", f"S{i}", teacher or f"t{i}", None, Decimal(hours), kind
    )


def test_sec_27_8_draft_puts_typed_lessons_only_in_rooms_of_their_type():
    rooms = ["r1", "r2", "gym"]
    kinds = {"r1": "classroom", "r2": "classroom", "gym": "gym"}
    teachings = [_teaching(0, "gym", 3), _teaching(1, "", 4), _teaching(2, "", 3)]
    draft = plan.build_draft(
        teachings=teachings,
        fixed=[],
        times={},
        rooms=rooms,
        weekdays=[1, 2, 3, 4, 5],
        day_limit={},
        room_kinds=kinds,
    )
    assert draft.unplaced == []
    gym = [c for c in draft.cells if c.teaching.assignment_id == "a0"]
    assert len(gym) == 3
    assert {c.room_id for c in gym} == {"gym"}
    others = [c for c in draft.cells if c.teaching.assignment_id != "a0"]
    assert "gym" not in {c.room_id for c in others}  # the gym is kept for the lessons needing it


def test_sec_27_8_draft_reports_no_room_of_the_type_and_all_such_rooms_taken():
    none = plan.build_draft(
        teachings=[_teaching(0, "laboratory")],
        fixed=[],
        times={},
        rooms=["r1"],
        weekdays=[1],
        day_limit={},
        room_kinds={"r1": "classroom"},
    )
    assert [(u.reason, u.missing) for u in none.unplaced] == [("no_room_of_kind", 2)]
    assert none.cells == []
    # the only gym is taken by another class at every lesson of the one day
    other = plan.Teaching("b", "c2", "06A", 6, 1, "sx", "SX", "tx", None, Decimal(8), "gym")
    fixed = [plan.Cell(other, 1, n, "gym", f"e{n}") for n in range(1, 9)]
    busy = plan.build_draft(
        teachings=[_teaching(0, "gym", 1)],
        fixed=fixed,
        times={},
        rooms=["gym"],
        weekdays=[1],
        day_limit={},
        room_kinds={"gym": "gym"},
    )
    assert [(u.reason, u.missing) for u in busy.unplaced] == [("room_kind_busy", 1)]


def test_sec_27_8_draft_over_the_api_honours_the_room_types(tt):
    _needs(tt, tt.school.math, "computer")
    lab = _lab(tt)
    body = _send(
        tt.deputy,
        f"/school/years/{tt.school.year.pk}/timetable/draft",
        {"class_ids": [str(tt.school.class_5a.pk), str(tt.school.class_5b.pk)]},
    ).json()
    maths = [p for p in body["placed"] if p["subject_id"] == str(tt.school.math.pk)]
    assert len(maths) == 5
    assert {p["room_id"] for p in maths} == {str(lab.pk)}
    assert not [
        p
        for p in body["placed"]
        if p["subject_id"] != str(tt.school.math.pk) and p["room_id"] == str(lab.pk)
    ]
    _needs(tt, tt.school.kazakh, "language")  # the school has no language laboratory
    body = _send(
        tt.deputy,
        f"/school/years/{tt.school.year.pk}/timetable/draft",
        {"class_ids": [str(tt.school.class_5a.pk)]},
    ).json()
    assert (str(tt.school.kazakh.pk), "no_room_of_kind") in {
        (u["subject_id"], u["reason"]) for u in body["unplaced"]
    }


# -- moving a cell in the web grid -----------------------------------------------------------------


def test_sec_27_8_web_move_form_live_check_and_journaled_move(tt):
    entry = place(tt.math_5a, 1, 1, tt.room_101)
    place(tt.kaz_5a, 2, 1, tt.room_102)
    grid = tt.deputy.get(f"/school/classes/{tt.school.class_5a.pk}/timetable/").content.decode()
    assert f'data-move-url="/school/timetable/entries/{entry.pk}/move/"' in grid
    assert "school/timetable_move.js" in grid
    form = tt.deputy.get(f"/school/timetable/entries/{entry.pk}/move/form/", **HTMX)
    assert 'data-testid="move-form"' in form.content.decode()
    busy = {"weekday": "2", "lesson_number": "1", "room": tt.room_101.pk}
    check = tt.deputy.post(f"/school/timetable/entries/{entry.pk}/move/check/", busy, **HTMX)
    assert 'data-code="class_busy"' in check.content.decode()
    refused = tt.deputy.post(f"/school/timetable/entries/{entry.pk}/move/", busy, **HTMX)
    assert 'data-testid="grid-error"' in refused.content.decode()
    assert TimetableEntry.objects.get(pk=entry.pk).weekday == 1
    # a drop posts only the target cell: the room stays the lesson's own
    moved = tt.deputy.post(
        f"/school/timetable/entries/{entry.pk}/move/",
        {"weekday": "3", "lesson_number": "2"},
        **HTMX,
    )
    html = moved.content.decode()
    assert 'data-testid="grid-error"' not in html
    now = TimetableEntry.objects.get(assignment=tt.math_5a, valid_to__isnull=True)
    assert (now.weekday, now.lesson_number, now.room_id) == (3, 2, tt.room_101.pk)
    record = ActionRecord.objects.get(action="school.timetable.move")
    assert (record.before["weekday"], record.after["weekday"]) == (1, 3)
    # the move refuses a room of the wrong type too
    _needs(tt, tt.school.math, "computer")
    wrong = tt.deputy.post(
        f"/school/timetable/entries/{now.pk}/move/",
        {"weekday": "4", "lesson_number": "1", "room": tt.room_102.pk},
        **HTMX,
    )
    assert 'data-testid="grid-error"' in wrong.content.decode()


def test_sec_27_8_api_move_check_answers_without_moving(tt):
    entry = place(tt.math_5a, 1, 1)
    place(tt.math_5b, 2, 2)
    check = _send(
        tt.deputy,
        f"/school/timetable/entries/{entry.pk}/check",
        {"weekday": 2, "lesson_number": 2},
    ).json()
    assert check["ok"] is False
    assert [c["code"] for c in check["conflicts"]] == ["teacher_busy"]
    assert TimetableEntry.objects.get(pk=entry.pk).weekday == 1
    moved = _send(
        tt.deputy,
        f"/school/timetable/entries/{entry.pk}",
        {"weekday": 3, "lesson_number": 2, "valid_from": FROM},
        "put",
    )
    assert moved.status_code == 200


def test_sec_27_8_web_move_forbidden_paths(tt, login, org_tree, user_with_role):
    entry = place(tt.math_5a, 1, 1)
    teacher = login(tt.school.teacher_user)
    grid = teacher.get(f"/school/classes/{tt.school.class_5a.pk}/timetable/").content.decode()
    assert "data-move-url" not in grid
    assert teacher.get(f"/school/timetable/entries/{entry.pk}/move/form/").status_code == 403
    assert (
        teacher.post(
            f"/school/timetable/entries/{entry.pk}/move/", {"weekday": "2", "lesson_number": "1"}
        ).status_code
        == 403
    )
    outsider = login(user_with_role("school_deputy_director", org_tree.school_b1))
    for url in (
        f"/school/timetable/entries/{entry.pk}/move/",
        f"/school/timetable/entries/{entry.pk}/move/check/",
        f"/school/subjects/{tt.school.math.pk}/room-kind/",
    ):
        assert outsider.post(url, {"weekday": "2", "lesson_number": "1"}).status_code == 404, url
    assert outsider.get(f"/school/timetable/entries/{entry.pk}/move/form/").status_code == 404
    assert TimetableEntry.objects.get(pk=entry.pk).weekday == 1
