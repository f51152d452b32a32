"""The preschool API end to end: groups with free places, the whole-group attendance, the month
as XLSX, the child's profile and photos for the parent, the catalogue; forbidden paths
(another organization → 404, missing capability → 403, a parent of another child → 404)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
from django.test import Client

from oqu.audit.models import ActionRecord
from oqu.preschool.models import Attendance

from .conftest import PNG

API = "/api/v1/preschool"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pre25_3_api_groups_with_live_free_places(kg: Any) -> None:
    head = _client(kg.head)
    listed = head.get(f"{API}/groups").json()["items"]
    assert {g["name"]: g["free_places"] for g in listed} == {"Күншуақ": 19, "Балапан": 19}
    created = head.post(
        f"{API}/groups",
        {
            "organization_id": str(kg.org.pk),
            "school_year": "2026-2027",
            "name": "Жұлдыз",
            "kind": "senior",
            "capacity": 2,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    group_id = created.json()["id"]
    enrolled = head.post(
        f"{API}/groups/{group_id}/children",
        {"iin": kg.foreign_child.iin, "date": "2026-09-01"},
        content_type="application/json",
    )
    # a child of another kindergarten must be let go there first
    assert enrolled.status_code == 409
    detail = head.get(f"{API}/groups/{kg.group.pk}").json()
    assert [m["child_id"] for m in detail["members"]] == [str(kg.child.pk)]
    assert _client(kg.foreign_head).get(f"{API}/groups/{kg.group.pk}").status_code == 404
    assert (
        _client(kg.educator)
        .patch(f"{API}/groups/{kg.group.pk}", {"capacity": 30}, content_type="application/json")
        .status_code
        == 403
    )


def test_pre25_5_api_whole_group_attendance_and_month_xlsx(kg: Any) -> None:
    educator = _client(kg.educator)
    marked = educator.put(
        f"{API}/groups/{kg.group.pk}/attendance",
        {"date": "2026-10-05", "marks": [{"child_id": str(kg.child.pk), "status": "sick"}]},
        content_type="application/json",
    )
    assert marked.status_code == 200, marked.content
    assert marked.json()["marks"][0]["status"] == "sick"
    month = educator.get(f"{API}/groups/{kg.group.pk}/attendance/month?year=2026&month=10").json()
    assert month["rows"][0]["totals"]["sick"] == 1
    assert month["days_to_pay"] == 0
    xlsx = educator.get(f"{API}/groups/{kg.group.pk}/attendance/month.xlsx?year=2026&month=10")
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert any(kg.child.iin in [str(v) for v in row] for row in sheet.iter_rows(values_only=True))
    refused = _client(kg.other_educator).put(
        f"{API}/groups/{kg.group.pk}/attendance",
        {"date": "2026-10-06", "marks": [{"child_id": str(kg.child.pk), "status": "present"}]},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert Attendance.objects.count() == 1
    parent_days = _client(kg.parent).get(
        f"{API}/children/{kg.child.pk}/attendance?year=2026&month=10"
    )
    assert {d["date"]: d["status"] for d in parent_days.json()}["2026-10-05"] == "sick"
    assert (
        _client(kg.other_parent)
        .get(f"{API}/children/{kg.child.pk}/attendance?year=2026&month=10")
        .status_code
        == 404
    )


def test_pre25_11_api_photo_upload_and_the_parents_view(kg: Any) -> None:
    educator = _client(kg.educator)
    from django.core.files.uploadedfile import SimpleUploadedFile

    uploaded = educator.post(
        f"{API}/children/{kg.child.pk}/works",
        {"title": "Менің үйім", "file": SimpleUploadedFile("house.png", PNG)},
    )
    assert uploaded.status_code == 201, uploaded.content
    work = uploaded.json()
    parent = _client(kg.parent)
    profile = parent.get(f"{API}/children/{kg.child.pk}").json()
    assert [w["id"] for w in profile["works"]] == [work["id"]]
    photo = parent.get(f"{API}/works/{work['id']}/file")
    assert photo.status_code == 200
    assert b"".join(photo.streaming_content) == PNG
    assert _client(kg.other_parent).get(f"{API}/works/{work['id']}/file").status_code == 404
    assert _client(kg.other_parent).get(f"{API}/children/{kg.child.pk}").status_code == 404
    # the parent reads, does not delete
    assert parent.delete(f"{API}/works/{work['id']}").status_code in (403, 404)


def test_pre25_1_api_medical_read_is_journaled_and_refused_to_others(kg: Any) -> None:
    head = _client(kg.head)
    saved = head.put(
        f"{API}/children/{kg.child.pk}/medical",
        {"health_group": "II", "allergies": "Цитрус"},
        content_type="application/json",
    )
    assert saved.status_code == 200, saved.content
    assert (
        _client(kg.educator).get(f"{API}/children/{kg.child.pk}/medical").json()["allergies"]
        == "Цитрус"
    )
    assert ActionRecord.objects.filter(action="preschool.medical.read").count() == 1
    assert _client(kg.parent).get(f"{API}/children/{kg.child.pk}/medical").status_code == 403
    assert (
        _client(kg.other_educator).get(f"{API}/children/{kg.child.pk}/medical").status_code == 403
    )
    assert _client(kg.foreign_head).get(f"{API}/children/{kg.child.pk}/medical").status_code == 404
    status = head.post(
        f"{API}/children/{kg.child.pk}/statuses",
        {"kind": "social", "code": "large_family", "since": "2026-09-01"},
        content_type="application/json",
    )
    assert status.status_code == 201
    assert (
        _client(kg.parent).get(f"{API}/children/{kg.child.pk}").json()["statuses"][0]["code"]
        == "large_family"
    )


def test_pre26_api_catalogue(kg: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    methodologist = _client(kg.methodologist)
    created = methodologist.post(
        f"{API}/catalogue",
        {
            "organization_id": str(kg.org.pk),
            "kind": "variable_program",
            "title": "Шахмат",
            "file": SimpleUploadedFile("chess.pdf", b"%PDF-1.4 chess"),
        },
    )
    assert created.status_code == 201, created.content
    item_id = created.json()["id"]
    educator = _client(kg.educator)
    assert [i["id"] for i in educator.get(f"{API}/catalogue").json()["items"]] == [item_id]
    assert educator.get(f"{API}/catalogue/{item_id}/file").status_code == 200
    assert _client(kg.foreign_head).get(f"{API}/catalogue/{item_id}").status_code == 404
    assert (
        educator.patch(
            f"{API}/catalogue/{item_id}", {"title": "X"}, content_type="application/json"
        ).status_code
        == 403
    )


def test_pre25_3_api_transition_outside_august_is_refused(kg: Any) -> None:
    response = _client(kg.head).post(
        f"{API}/transitions",
        {"organization_id": str(kg.org.pk), "from_year": "2026-2027"},
        content_type="application/json",
    )
    today = dt.date.today()
    if today.month != 8:
        assert response.status_code == 400
        assert response.json()["code"] == "outside_move_window"
