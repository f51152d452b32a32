"""MAP-SVC: the generic engine of tracked applications, configured by data (six services), over
the API and the web pages, scoped, journaled, with deadlines in working days and notifications."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from oqu.audit.models import ActionRecord
from oqu.eservices.definitions import DefinitionError, clean_form, validate
from oqu.eservices.loader import shipped_files
from oqu.eservices.models import ApplicationDocument, Service, ServiceApplication, StatusChange
from oqu.kernel.calendar import add_working_days
from oqu.kernel.errors import ValidationError
from oqu.notifications.models import Notification

from .conftest import API, PDF, client_for, pdf, submit

pytestmark = pytest.mark.django_db
ALMATY = dt.timezone(dt.timedelta(hours=5))
FIRST_GRADE = {"language": "kk", "attended_preschool": True}
SIX = {
    "first_grade_enrolment": "MAP-SVC-16",
    "school_transfer": "MAP-SVC-16",
    "additional_education_enrolment": "MAP-SVC-31",
    "education_document_duplicate": "MAP-SVC-18",
    "home_schooling": "MAP-SVC-38",
    "college_academic_leave": "MAP-SVC-58",
}


def _first_grade(svc: Any, **extra: Any) -> Any:
    return submit(
        svc.parent_user,
        "first_grade_enrolment",
        svc.tree.school_a1,
        svc.child,
        extra.pop("data", FIRST_GRADE),
        extra.pop("files", {"health_certificate": pdf("063.pdf")}),
    )


def _decide(user: Any, application_id: Any, transition: str, reason: str = "") -> Any:
    return client_for(user).post(
        f"{API}/applications/{application_id}/transitions",
        {"transition": transition, "reason": reason},
        content_type="application/json",
    )


def test_map_svc_six_services_are_data_loaded_by_the_migration(db):
    rows = {s.code: s.map_ref for s in Service.objects.all()}
    assert SIX.items() <= rows.items()
    assert len(shipped_files()) == 6


def test_map_svc_loader_is_idempotent_and_updates_a_changed_file(tmp_path, capsys):
    call_command("load_services")
    assert "created: 0, updated: 0, unchanged: 6" in capsys.readouterr().out
    changed = json.loads(shipped_files()[0].read_text())
    changed["name"]["ru"] = "Новое название"
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(changed))
    call_command("load_services", str(path))
    assert "updated: 1" in capsys.readouterr().out
    assert Service.objects.get(code=changed["code"]).name_ru == "Новое название"


def test_map_svc_a_changed_file_keeps_the_statuses_of_open_applications(svc, tmp_path):
    from django.core.management.base import CommandError

    assert _first_grade(svc).status_code == 201
    changed = json.loads(
        next(p for p in shipped_files() if p.name == "first_grade_enrolment.json").read_text()
    )
    changed["statuses"] = [s for s in changed["statuses"] if s["code"] != "submitted"]
    changed["initial"] = "under_review"
    for transition in changed["transitions"]:
        transition["from"] = [s for s in transition["from"] if s != "submitted"] or ["under_review"]
    path = tmp_path / "first_grade_enrolment.json"
    path.write_text(json.dumps(changed))
    with pytest.raises(CommandError, match="submitted"):
        call_command("load_services", str(path))
    assert "submitted" in json.dumps(Service.objects.get(code="first_grade_enrolment").definition)


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d.update(initial="nowhere"),
        lambda d: d["transitions"][0].update(to="nowhere"),
        lambda d: d.update(applicant="anyone"),
        lambda d: [s.pop("final", None) for s in d["statuses"]],
        lambda d: d["fields"].append(
            {"code": "x", "type": "file", "label": {"kk": "x", "ru": "x"}}
        ),
        lambda d: d["statuses"][0].update(deadline_working_days=0),
        lambda d: d["name"].pop("kk"),
    ],
)
def test_map_svc_a_malformed_definition_is_refused_at_load_time(breakage):
    definition = json.loads(shipped_files()[0].read_text())
    breakage(definition)
    with pytest.raises(DefinitionError):
        validate(definition)


def test_map_svc_form_is_validated_server_side_by_the_schema():
    definition = Service.objects.get(code="school_transfer").definition
    ok = clean_form(definition, {"current_organization": " №5 ", "grade": "7", "reason": ""})
    assert ok == {"current_organization": "№5", "grade": 7}
    for bad, code in [
        ({"grade": 7}, "field_required"),
        ({"current_organization": "x", "grade": 12}, "field_range"),
        ({"current_organization": "x", "grade": "seven"}, "field_integer"),
        ({"current_organization": "x", "grade": 7, "hack": 1}, "field_unknown"),
    ]:
        with pytest.raises(ValidationError) as error:
            clean_form(definition, bad)
        assert error.value.code == code


def test_map_svc_16_parent_applies_staff_decide_parent_sees_history_and_is_notified(svc):
    response = _first_grade(svc)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted"
    assert body["deadline"] == add_working_days(dt.date.today(), 1).isoformat()
    assert [d["kind"] for d in body["documents"]] == ["health_certificate"]
    app_id = body["id"]
    # the parent cannot decide; the director sees what the parent may do and what staff may do
    assert [t["code"] for t in body["transitions"]] == ["withdraw"]
    assert _decide(svc.parent_user, app_id, "review").status_code == 403
    detail = client_for(svc.director).get(f"{API}/applications/{app_id}").json()
    assert {t["code"] for t in detail["transitions"]} == {"review", "refuse"}
    assert _decide(svc.director, app_id, "review").status_code == 200
    assert _decide(svc.director, app_id, "enrol").json()["status"] == "enrolled"
    mine = client_for(svc.parent_user).get(f"{API}/applications", {"mine": True}).json()
    assert [(a["id"], a["status"], a["is_final"]) for a in mine["items"]] == [
        (app_id, "enrolled", True)
    ]
    history = client_for(svc.parent_user).get(f"{API}/applications/{app_id}").json()["history"]
    assert [h["to_status"] for h in history] == ["submitted", "under_review", "enrolled"]
    notes = Notification.objects.filter(user=svc.parent_user, topic="eservices.status")
    assert notes.count() == 3
    assert (
        ActionRecord.objects.filter(
            target_id=app_id,
            action__in=[
                "eservices.application.submit",
                "eservices.application.review",
                "eservices.application.enrol",
            ],
        ).count()
        == 3
    )


def test_map_svc_refusal_needs_a_reason_and_only_the_applicant_withdraws(svc):
    app_id = _first_grade(svc).json()["id"]
    refused = _decide(svc.director, app_id, "refuse")
    assert refused.status_code == 400
    assert refused.json()["code"] == "reason_required"
    assert _decide(svc.director, app_id, "withdraw").status_code == 403
    assert _decide(svc.parent_user, app_id, "withdraw").json()["status"] == "withdrawn"
    again = _decide(svc.parent_user, app_id, "withdraw")
    assert again.status_code == 409
    assert again.json()["code"] == "transition_not_allowed"
    assert StatusChange.objects.filter(application_id=app_id).count() == 2


def test_map_svc_documents_are_checked_by_content_and_required_ones_enforced(svc):
    fake = SimpleUploadedFile("063.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    response = _first_grade(svc, files={"health_certificate": fake})
    assert response.status_code == 400
    assert response.json()["code"] == "file_content"
    missing = _first_grade(svc, files={})
    assert missing.status_code == 400
    assert missing.json()["code"] == "document_required"
    unknown = _first_grade(svc, files={"health_certificate": pdf(), "passport_scan": pdf()})
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "document_unknown"
    assert not ServiceApplication.objects.exists()
    assert not ApplicationDocument.objects.exists()


def test_map_svc_applicant_organization_age_and_duplicates_are_checked(svc):
    # not the parent's child → 404, like a missing person
    assert (
        submit(
            svc.other_parent_user, "home_schooling", svc.tree.school_a1, svc.child, {}
        ).status_code
        == 404
    )
    # a preschool does not enrol into first grade
    wrong = submit(
        svc.parent_user,
        "first_grade_enrolment",
        svc.tree.preschool_a1,
        svc.child,
        FIRST_GRADE,
        {"health_certificate": pdf()},
    )
    assert wrong.json()["code"] == "organization_not_deciding"
    # a 18-year-old does not go to first grade
    too_old = submit(
        svc.parent_user,
        "first_grade_enrolment",
        svc.tree.school_a1,
        svc.student,
        FIRST_GRADE,
        {"health_certificate": pdf()},
    )
    assert too_old.json()["code"] == "subject_age"
    assert _first_grade(svc).status_code == 201
    duplicate = _first_grade(svc)
    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "application_open"


def test_map_svc_58_student_applies_for_academic_leave_college_decides(svc):
    response = submit(
        svc.student_user,
        "college_academic_leave",
        svc.college,
        svc.student,
        {"ground": "illness", "start_date": "2026-12-01", "end_date": "2027-06-01"},
        {"supporting_document": pdf("vkk.pdf")},
    )
    assert response.status_code == 201, response.content
    app_id = response.json()["id"]
    # the school director of the district does not see the college's application
    assert client_for(svc.director).get(f"{API}/applications/{app_id}").status_code == 404
    assert _decide(svc.college_head, app_id, "grant").json()["status"] == "granted"
    # the parent sees the application about their child, filed by the child
    assert client_for(svc.parent_user).get(f"{API}/applications/{app_id}").status_code == 200


def test_map_svc_31_and_38_and_18_services_run_end_to_end(svc):
    club = submit(
        svc.parent_user,
        "additional_education_enrolment",
        svc.club,
        svc.child,
        {"club": "Шахмат", "schedule": "weekend"},
    )
    assert club.status_code == 201, club.content
    home = submit(
        svc.parent_user,
        "home_schooling",
        svc.tree.school_a1,
        svc.child,
        {"start_date": "2026-12-01", "form": "mixed"},
        {"medical_conclusion": pdf("vkk.pdf")},
    )
    assert home.status_code == 201, home.content
    duplicate = submit(
        svc.student_user,
        "education_document_duplicate",
        svc.tree.school_a1,
        svc.student,
        {"document_type": "basic_secondary", "graduation_year": 2024, "cause": "lost"},
    )
    assert duplicate.status_code == 201, duplicate.content
    assert _decide(svc.director, home.json()["id"], "approve").json()["status"] == "approved"
    prepared = _decide(svc.director, duplicate.json()["id"], "prepare").json()
    assert prepared["deadline"] == add_working_days(dt.date.today(), 15).isoformat()


def test_map_svc_scope_others_get_404_the_district_sees_but_does_not_decide(svc):
    app_id = _first_grade(svc).json()["id"]
    for outsider in (svc.other_parent_user, svc.b_director, svc.teacher):
        assert client_for(outsider).get(f"{API}/applications/{app_id}").status_code == 404
        assert _decide(outsider, app_id, "review").status_code == 404
        listed = client_for(outsider).get(f"{API}/applications").json()["items"]
        assert app_id not in {a["id"] for a in listed}
    assert client_for(svc.district_head).get(f"{API}/applications/{app_id}").status_code == 200
    assert _decide(svc.district_head, app_id, "review").status_code == 403
    document = ApplicationDocument.objects.get(application_id=app_id)
    assert client_for(svc.b_director).get(f"{API}/documents/{document.pk}").status_code == 404
    got = client_for(svc.director).get(f"{API}/documents/{document.pk}")
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == PDF


def test_map_svc_deadline_in_working_days_and_the_overdue_list(svc):
    # Friday 4 December 2026 → 1 working day → Monday 7 December; overdue from Tuesday
    with time_machine.travel(dt.datetime(2026, 12, 4, 10, 0, tzinfo=ALMATY), tick=False):
        body = _first_grade(svc).json()
    assert body["deadline"] == "2026-12-07"
    overdue_url = f"{API}/organizations/{svc.tree.school_a1.pk}/overdue"
    with time_machine.travel(dt.datetime(2026, 12, 7, 12, 0, tzinfo=ALMATY), tick=False):
        assert client_for(svc.director).get(overdue_url).json() == []
    with time_machine.travel(dt.datetime(2026, 12, 8, 12, 0, tzinfo=ALMATY), tick=False):
        rows = client_for(svc.director).get(overdue_url).json()
        assert [(r["id"], r["overdue"]) for r in rows] == [(body["id"], True)]
        district = (
            client_for(svc.district_head)
            .get(f"{API}/applications", {"overdue": True})
            .json()["items"]
        )
        assert [r["id"] for r in district] == [body["id"]]
        assert client_for(svc.b_director).get(overdue_url).status_code == 404


def test_map_svc_list_query_count_does_not_grow(svc):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from oqu.tests import factories as f

    _first_grade(svc)
    client = client_for(svc.director)
    client.get(f"{API}/applications")
    with CaptureQueriesContext(connection) as first:
        client.get(f"{API}/applications")
    for i in range(4):
        kid = f.make_person("Бала", f"Екі{i}", dt.date(2020, 1, 1 + i), "M")
        f.guard(svc.parent, kid)
        submit(
            svc.parent_user,
            "first_grade_enrolment",
            svc.tree.school_a1,
            kid,
            FIRST_GRADE,
            {"health_certificate": pdf()},
        )
    with CaptureQueriesContext(connection) as second:
        items = client.get(f"{API}/applications").json()["items"]
    assert len(items) == 5
    assert len(second.captured_queries) == len(first.captured_queries) <= 12


def test_map_svc_new_service_from_a_fixture_file_alone(svc, tmp_path):
    """A service no code knows of: loaded from a file, applied for, decided, listed."""
    definition = {
        "code": "extern_permission",
        "map": "MAP-SVC-22",
        "name": {
            "kk": "Экстернат нысанында оқуға рұқсат",
            "ru": "Разрешение на обучение экстерном",
        },
        "applicant": "guardian_or_self",
        "decided_by": {"org_types": ["school"]},
        "initial": "received",
        "statuses": [
            {
                "code": "received",
                "name": {"kk": "Қабылданды", "ru": "Принято"},
                "deadline_working_days": 10,
            },
            {
                "code": "permitted",
                "name": {"kk": "Рұқсат берілді", "ru": "Разрешено"},
                "final": True,
            },
            {
                "code": "denied",
                "name": {"kk": "Рұқсат етілмеді", "ru": "Не разрешено"},
                "final": True,
            },
        ],
        "transitions": [
            {
                "code": "permit",
                "name": {"kk": "Рұқсат беру", "ru": "Разрешить"},
                "from": ["received"],
                "to": "permitted",
                "by": "organization",
            },
            {
                "code": "deny",
                "name": {"kk": "Бас тарту", "ru": "Отказать"},
                "from": ["received"],
                "to": "denied",
                "by": "organization",
                "reason_required": True,
            },
        ],
        "documents": [
            {
                "code": "grades_extract",
                "name": {"kk": "Бағалар үзіндісі", "ru": "Выписка оценок"},
                "required": True,
            }
        ],
        "fields": [
            {
                "code": "grade",
                "type": "integer",
                "required": True,
                "min": 1,
                "max": 11,
                "label": {"kk": "Сынып", "ru": "Класс"},
            }
        ],
    }
    path = tmp_path / "extern_permission.json"
    path.write_text(json.dumps(definition, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("load_services", str(path), stdout=out)
    assert "created: 1" in out.getvalue()
    catalogue = client_for(svc.parent_user).get(f"{API}/services").json()
    assert "extern_permission" in {s["code"] for s in catalogue}
    response = submit(
        svc.student_user,
        "extern_permission",
        svc.tree.school_a1,
        svc.student,
        {"grade": 10},
        {"grades_extract": pdf()},
    )
    assert response.status_code == 201, response.content
    app_id = response.json()["id"]
    assert response.json()["deadline"] == add_working_days(dt.date.today(), 10).isoformat()
    assert _decide(svc.director, app_id, "deny").json()["code"] == "reason_required"
    decided = _decide(svc.director, app_id, "deny", "Бағалар жеткіліксіз").json()
    assert (decided["status"], decided["reason"], decided["is_final"]) == (
        "denied",
        "Бағалар жеткіліксіз",
        True,
    )
    assert Notification.objects.filter(user=svc.student_user, topic="eservices.status").count() == 2


def test_map_svc_capabilities_migration_gives_roles_their_rights(db):
    from oqu.access.models import Role

    caps = dict(Role.objects.values_list("code", "capabilities"))
    assert "eservices.application.decide" in caps["school_director"]
    assert "eservices.application.decide" not in caps["district_head"]
    assert "eservices.application.view" in caps["district_head"]
    assert "eservices.application.apply" in caps["parent"]
    assert "eservices.application.view" not in caps["school_teacher"]


def test_map_svc_deciding_staff_are_reminded_of_overdue_applications(svc):
    from oqu.eservices.services import overdue_reminders
    from oqu.kernel.schedule import JOBS

    assert any(j.task_path == "oqu.eservices.tasks.remind_overdue" for j in JOBS)
    with time_machine.travel(dt.datetime(2026, 12, 4, 10, 0, tzinfo=ALMATY), tick=False):
        _first_grade(svc)
        assert overdue_reminders() == 0
    assert overdue_reminders(dt.date(2026, 12, 8)) == 1  # the director; not the teacher
    notice = Notification.objects.get(topic="eservices.overdue")
    assert notice.user == svc.director
    assert "1" in notice.subject
