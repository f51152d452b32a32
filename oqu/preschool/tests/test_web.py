"""The preschool pages end to end: the head's groups with free places, the educator's one-form
attendance of the whole group, the month table and its XLSX, the child's profile with photos for
the parent, the medical statuses opened on request (journaled), the catalogue (PRE-25, PRE-26)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from oqu.audit.models import ActionRecord
from oqu.preschool import selectors
from oqu.preschool.models import Activity, Attendance, CatalogueItem, CreativeWork

from .conftest import PNG


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pre25_3_head_sees_groups_and_free_places_and_creates_a_group(kg: Any) -> None:
    head = _client(kg.head)
    home = head.get("/preschool/")
    assert home.status_code == 200
    assert kg.org.name in home.content.decode()
    page = head.get(f"/preschool/org/{kg.org.pk}/?year=2026-2027")
    assert page.status_code == 200
    assert f'data-testid="free-{kg.group.pk}">19<' in page.content.decode()
    created = head.post(
        f"/preschool/org/{kg.org.pk}/groups/add/",
        {
            "school_year": "2026-2027",
            "name": "Жұлдыз",
            "kind": "senior",
            "capacity": "25",
            "language": "kk",
        },
    )
    assert created.status_code == 302
    assert "Жұлдыз" in head.get(f"/preschool/org/{kg.org.pk}/?year=2026-2027").content.decode()
    assert _client(kg.foreign_head).get(f"/preschool/org/{kg.org.pk}/").status_code == 404


def test_pre25_5_educator_marks_the_whole_group_in_one_form(kg: Any) -> None:
    educator = _client(kg.educator)
    page = educator.get(f"/preschool/groups/{kg.group.pk}/?date=2026-10-05")
    assert page.status_code == 200
    assert 'data-testid="save-attendance"' in page.content.decode()
    saved = educator.post(
        f"/preschool/groups/{kg.group.pk}/attendance/",
        {
            "date": "2026-10-05",
            f"status-{kg.child.pk}": "vacation",
            f"note-{kg.child.pk}": "отпуск",
        },
    )
    assert saved.status_code == 302
    assert Attendance.objects.get(child=kg.child).status == "vacation"
    month = educator.get(f"/preschool/groups/{kg.group.pk}/month/?year=2026&month=10")
    assert month.status_code == 200
    assert kg.child.last_name_ru in month.content.decode()
    xlsx = educator.get(f"/preschool/groups/{kg.group.pk}/month.xlsx?year=2026&month=10")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxml")
    # the schedule, in the same page
    educator.post(
        f"/preschool/groups/{kg.group.pk}/activities/add/",
        {"weekday": "3", "starts_at": "09:00", "ends_at": "09:25", "title": "Жапсыру"},
    )
    assert Activity.objects.get(group=kg.group).title == "Жапсыру"
    assert "Жапсыру" in educator.get(f"/preschool/groups/{kg.group.pk}/").content.decode()
    # another group's educator sees the page but has no form, and a forged post is refused
    other = _client(kg.other_educator)
    assert (
        'data-testid="save-attendance"'
        not in other.get(f"/preschool/groups/{kg.group.pk}/").content.decode()
    )
    assert (
        other.post(
            f"/preschool/groups/{kg.group.pk}/attendance/",
            {"date": "2026-10-06", f"status-{kg.child.pk}": "present"},
        ).status_code
        == 403
    )


def test_pre25_11_parent_sees_the_childs_photos_another_parent_does_not(kg: Any) -> None:
    educator = _client(kg.educator)
    educator.post(
        f"/preschool/children/{kg.child.pk}/works/add/",
        {"title": "Гүлдер", "file": SimpleUploadedFile("flowers.png", PNG)},
    )
    work = CreativeWork.objects.get(child=kg.child)
    parent = _client(kg.parent)
    home = parent.get("/preschool/")
    assert home.status_code == 200
    assert 'data-testid="my-children"' in home.content.decode()
    profile = parent.get(f"/preschool/children/{kg.child.pk}/")
    assert profile.status_code == 200
    assert "Гүлдер" in profile.content.decode()
    assert 'data-testid="show-medical"' not in profile.content.decode()
    assert parent.get(f"/preschool/works/{work.pk}/").status_code == 200
    other = _client(kg.other_parent)
    assert other.get(f"/preschool/children/{kg.child.pk}/").status_code == 404
    assert other.get(f"/preschool/works/{work.pk}/").status_code == 404


def test_pre25_1_medical_statuses_open_on_request_and_the_read_is_journaled(kg: Any) -> None:
    head = _client(kg.head)
    head.post(
        f"/preschool/children/{kg.child.pk}/medical/set/",
        {"health_group": "III", "allergies": "Арахис", "restrictions": ""},
    )
    profile = head.get(f"/preschool/children/{kg.child.pk}/").content.decode()
    assert "Арахис" not in profile  # not opened (nor journaled) until asked
    assert not ActionRecord.objects.filter(action="preschool.medical.read").exists()
    opened = head.get(f"/preschool/children/{kg.child.pk}/medical/", HTTP_HX_REQUEST="true")
    assert "Арахис" in opened.content.decode()
    assert ActionRecord.objects.filter(action="preschool.medical.read").count() == 1
    head.post(
        f"/preschool/children/{kg.child.pk}/statuses/add/",
        {"status": "social:disability", "since": "2026-09-01"},
    )
    assert [s.code for s in selectors.child_statuses(kg.child)] == ["disability"]


def test_pre26_catalogue_page_publish_and_read(kg: Any) -> None:
    methodologist = _client(kg.methodologist)
    page = methodologist.get("/preschool/catalogue/")
    assert page.status_code == 200
    assert 'name="organization"' in page.content.decode()
    methodologist.post(
        "/preschool/catalogue/add/",
        {
            "organization": str(kg.org.pk),
            "kind": "manual",
            "title": "Ойындар жинағы",
            "language": "kk",
            "file": SimpleUploadedFile("games.pdf", b"%PDF-1.4 games"),
        },
    )
    item = CatalogueItem.objects.get()
    withdraw = f"/preschool/catalogue/{item.pk}/withdraw/"
    assert withdraw in methodologist.get("/preschool/catalogue/").content.decode()
    educator_page = _client(kg.educator).get("/preschool/catalogue/").content.decode()
    assert "Ойындар жинағы" in educator_page
    assert 'name="organization"' not in educator_page
    assert _client(kg.educator).get(f"/preschool/catalogue/{item.pk}/").status_code == 200
    assert withdraw not in educator_page
    assert _client(kg.educator).post(withdraw).status_code == 403
    methodologist.post(withdraw)
    item.refresh_from_db()
    assert item.is_active is False


def test_pre25_3_yearly_move_through_the_pages_in_august(kg: Any) -> None:
    import datetime as dt

    import time_machine

    from oqu.preschool.models import AgeGroup, TransitionBatch

    senior = AgeGroup.objects.create(
        organization=kg.org, school_year="2027-2028", name="Жұлдыз", kind="senior", capacity=20
    )
    other = AgeGroup.objects.create(
        organization=kg.org, school_year="2027-2028", name="Ақбота", kind="senior", capacity=20
    )
    with time_machine.travel(dt.datetime(2027, 8, 10, 10, 0, tzinfo=dt.UTC), tick=False):
        head = _client(kg.head)
        page = head.get(f"/preschool/org/{kg.org.pk}/?year=2026-2027").content.decode()
        assert 'data-testid="prepare-move"' in page
        prepared = head.post(
            f"/preschool/org/{kg.org.pk}/moves/prepare/", {"from_year": "2026-2027"}
        )
        batch = TransitionBatch.objects.get()
        assert prepared["Location"].endswith(f"/preschool/moves/{batch.pk}/")
        line = batch.lines.get(child=kg.child)
        row = head.post(
            f"/preschool/move-lines/{line.pk}/", {"to_group": str(other.pk)}, HTTP_HX_REQUEST="true"
        )
        assert f'value="{other.pk}" selected' in row.content.decode()
        assert "<html" not in row.content.decode()
        head.post(f"/preschool/moves/{batch.pk}/apply/")
    batch.refresh_from_db()
    assert batch.status == "applied"
    from oqu.preschool import services

    assert services.current_membership(kg.child).group == other
    assert services.current_membership(kg.sibling_group_child).group in (senior, other)
