"""A parent's link to a child becomes active only when the child's organization confirms it or the
state person register matches it (G-5.7); other organizations see nothing (G-5.10)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from oqu.audit.models import ActionRecord, FailedAccess
from oqu.notifications.models import Notification
from oqu.people.models import Guardianship
from oqu.registration.models import LinkRequest, ParentProfile
from oqu.tests import factories as f

from .conftest import register_person

API = "/api/v1/registration"
PARENT_PHONE = "+77051234567"


@dataclass
class Scene:
    child: Any
    parent: Any
    parent_user: Any
    director: Any
    deputy: Any
    teacher: Any
    other_director: Any
    client: Client


@pytest.fixture
def scene(org_tree: Any, user_with_role: Any, client: Client) -> Scene:
    """A child of school_a1, a self-registered parent not yet linked, and staff of two schools."""
    child = f.make_person("Ахметов", "Арман", dt.date(2014, 2, 3), "M")
    f.enrol(child, org_tree.school_a1, grade=6)
    parent = f.make_person("Ахметова", "Дина", dt.date(1986, 9, 10), "F")
    parent_user = f.make_user(parent.iin, person=parent, language="ru")
    ParentProfile.objects.create(
        user=parent_user, phone=PARENT_PHONE, phone_verified_at=dt.datetime.now(tz=dt.UTC)
    )
    return Scene(
        child=child,
        parent=parent,
        parent_user=parent_user,
        director=user_with_role("school_director", org_tree.school_a1),
        deputy=user_with_role("school_deputy_director", org_tree.school_a1),
        teacher=user_with_role("school_teacher", org_tree.school_a1),
        other_director=user_with_role("school_director", org_tree.school_b1),
        client=client,
    )


def _as(scene: Scene, user: Any) -> Client:
    scene.client.force_login(user)
    return scene.client


def _request_link(scene: Scene, capture: Any, kind: str = "mother", child_iin: str = "") -> Any:
    api = _as(scene, scene.parent_user)
    with capture(execute=True):
        return api.post(
            f"{API}/links",
            {"child_iin": child_iin or scene.child.iin, "kind": kind},
            content_type="application/json",
        )


def _state(scene: Scene, response: Any) -> dict[str, Any]:
    """The request as the parent sees it now (the register is asked after the request commits)."""
    assert response.status_code == 201, response.content
    link_id = response.json()["id"]
    return _as(scene, scene.parent_user).get(f"{API}/links/{link_id}").json()


def _active_link(scene: Scene) -> bool:
    return Guardianship.objects.filter(
        guardian=scene.parent, child=scene.child, end_date__isnull=True
    ).exists()


# -- organization confirms -----------------------------------------------------------------------


@pytest.mark.django_db
def test_g5_7_link_active_only_after_org_confirmation(
    scene: Scene, no_register: None, sms_outbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given the parent asks to be linked, and the register is not configured
    response = _request_link(scene, django_capture_on_commit_callbacks)
    assert response.status_code == 201, response.content
    assert response.json()["register_check"] == "not_checked"
    body = _state(scene, response)
    assert body["status"] == "pending"
    assert body["register_check"] == "unavailable"
    # then the link is not active yet and the parent does not see the child
    assert not _active_link(scene)
    people = _as(scene, scene.parent_user).get("/api/v1/people").json()["items"]
    assert scene.child.iin not in {p["iin"] for p in people}
    # when the director of the child's school lists and confirms the request
    api = _as(scene, scene.director)
    pending = api.get(f"{API}/link-requests").json()["items"]
    assert [row["id"] for row in pending] == [body["id"]]
    assert pending[0]["child_name"] == "Ахметов Арман"
    assert pending[0]["parent_iin"] == scene.parent.iin
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = api.post(f"{API}/link-requests/{body['id']}/confirm")
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["status"] == "confirmed"
    assert confirmed.json()["decision_source"] == "organization"
    # then the guardianship is active and the parent sees the child
    assert _active_link(scene)
    assert Guardianship.objects.get(guardian=scene.parent, child=scene.child).kind == "mother"
    people = _as(scene, scene.parent_user).get("/api/v1/people").json()["items"]
    assert scene.child.iin in {p["iin"] for p in people}
    # and the parent is told in the app and by SMS, in the account's language
    note = Notification.objects.get(user=scene.parent_user, topic="registration.link")
    assert set(note.channels) == {"in_app", "sms"}
    assert [to for to, _text in sms_outbox] == [PARENT_PHONE]
    # and each change is journaled in the school's chain
    actions = set(
        ActionRecord.objects.filter(target_id=body["id"]).values_list("action", flat=True)
    )
    assert {
        "registration.link.request",
        "registration.link.register_check",
        "registration.link.confirm",
    } <= actions
    confirm_row = ActionRecord.objects.get(target_id=body["id"], action="registration.link.confirm")
    assert confirm_row.organization_id == scene.child.enrolments.get().organization_id
    assert confirm_row.actor == scene.director
    assert ActionRecord.objects.filter(action="people.guardianship.create").exists()
    # and a second decision is refused
    again = _as(scene, scene.deputy).post(f"{API}/link-requests/{body['id']}/confirm")
    assert again.status_code == 409


@pytest.mark.django_db
def test_g5_7_other_organization_staff_gets_404(
    scene: Scene, no_register: None, django_capture_on_commit_callbacks: Any
) -> None:
    link_id = _request_link(scene, django_capture_on_commit_callbacks).json()["id"]
    api = _as(scene, scene.other_director)
    assert api.get(f"{API}/link-requests").json()["items"] == []
    for path in (f"{API}/link-requests/{link_id}/confirm", f"{API}/link-requests/{link_id}/reject"):
        response = api.post(path, {"reason": "x"}, content_type="application/json")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    # the web page answers the same
    web = api.post(f"/registration/link-requests/{link_id}/", {"decision": "confirm"})
    assert web.status_code == 404
    assert LinkRequest.objects.get(pk=link_id).status == "pending"
    assert not _active_link(scene)
    assert (
        FailedAccess.objects.filter(
            actor=scene.other_director, action="registration.link.confirm", status=404
        ).count()
        == 3
    )


@pytest.mark.django_db
def test_g5_7_teacher_who_sees_the_child_gets_403(
    scene: Scene, no_register: None, django_capture_on_commit_callbacks: Any
) -> None:
    link_id = _request_link(scene, django_capture_on_commit_callbacks).json()["id"]
    api = _as(scene, scene.teacher)
    assert api.get(f"{API}/link-requests").json()["items"] == []
    response = api.post(f"{API}/link-requests/{link_id}/confirm")
    assert response.status_code == 403
    assert not _active_link(scene)


@pytest.mark.django_db
def test_g5_7_org_rejects_with_a_reason_and_the_parent_reads_it(
    scene: Scene, no_register: None, sms_outbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    link_id = _request_link(scene, django_capture_on_commit_callbacks).json()["id"]
    web = _as(scene, scene.deputy)
    missing_reason = web.post(f"/registration/link-requests/{link_id}/", {"decision": "reject"})
    assert missing_reason.status_code == 302
    assert LinkRequest.objects.get(pk=link_id).status == "pending"
    with django_capture_on_commit_callbacks(execute=True):
        web.post(
            f"/registration/link-requests/{link_id}/",
            {"decision": "reject", "reason": "Документы не представлены"},
        )
    link = LinkRequest.objects.get(pk=link_id)
    assert link.status == "rejected"
    assert link.decided_by == scene.deputy
    assert not _active_link(scene)
    parent_view = _as(scene, scene.parent_user).get(f"{API}/links/{link_id}").json()
    assert parent_view["status"] == "rejected"
    assert parent_view["reason"] == "Документы не представлены"
    assert "Документы не представлены" in sms_outbox[-1][1]
    page = _as(scene, scene.parent_user).get("/registration/links/").content.decode()
    assert "Документы не представлены" in page


@pytest.mark.django_db
def test_g5_7_web_parent_requests_and_director_confirms(
    scene: Scene, no_register: None, django_capture_on_commit_callbacks: Any
) -> None:
    web = _as(scene, scene.parent_user)
    assert "/registration/links/" in web.get("/").content.decode()  # the menu item
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post(
            "/registration/links/", {"child_iin": scene.child.iin, "kind": "mother"}
        )
    assert response.status_code == 302
    assert scene.child.iin in web.get("/registration/links/").content.decode()
    web = _as(scene, scene.director)
    page = web.get("/registration/link-requests/").content.decode()
    assert "Ахметова Дина" in page
    link = LinkRequest.objects.get(parent=scene.parent)
    web.post(f"/registration/link-requests/{link.pk}/", {"decision": "confirm"})
    assert _active_link(scene)


@pytest.mark.django_db
def test_g5_7_pending_requests_per_parent_are_limited(
    scene: Scene, no_register: None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.OQU_REGISTRATION = {"max_pending_links": 2}
    children = [f.make_person("Бала", str(i), dt.date(2015, 1, 1 + i), "M") for i in range(3)]
    statuses = [
        _request_link(scene, django_capture_on_commit_callbacks, child_iin=c.iin).status_code
        for c in children
    ]
    assert statuses == [201, 201, 409]
    duplicate = _request_link(scene, django_capture_on_commit_callbacks, child_iin=children[0].iin)
    assert duplicate.json()["code"] == "link_pending_exists"
    assert LinkRequest.objects.filter(parent=scene.parent).count() == 2


@pytest.mark.django_db
def test_g5_7_link_request_input_is_checked(
    scene: Scene, no_register: None, django_capture_on_commit_callbacks: Any
) -> None:
    iin = scene.child.iin
    mistyped = iin[:11] + str((int(iin[11]) + 1) % 10)
    bad = _request_link(scene, django_capture_on_commit_callbacks, child_iin=mistyped)
    assert bad.status_code == 400
    assert bad.json()["code"] == "iin_checksum"
    itself = _request_link(scene, django_capture_on_commit_callbacks, child_iin=scene.parent.iin)
    assert itself.json()["code"] == "guardian_is_child"
    anonymous = Client().post(
        f"{API}/links", {"child_iin": iin, "kind": "mother"}, content_type="application/json"
    )
    assert anonymous.status_code == 401
    assert not LinkRequest.objects.exists()


@pytest.mark.django_db
def test_g5_7_pending_list_costs_the_same_for_more_rows(
    scene: Scene, org_tree: Any, no_register: None, django_capture_on_commit_callbacks: Any
) -> None:
    def add_requests(count: int) -> None:
        for i in range(count):
            child = f.make_person("Оқушы", str(i), dt.date(2013, 3, 1 + i), "F")
            f.enrol(child, org_tree.school_a1, grade=7)
            parent = f.make_person("Ата", str(i), dt.date(1980, 1, 1 + i), "M")
            LinkRequest.objects.create(
                requested_by=f.make_user(parent.iin, person=parent),
                parent=parent,
                child_iin=child.iin,
                kind="father",
            )

    api = _as(scene, scene.director)
    add_requests(2)
    api.get(f"{API}/link-requests")
    with CaptureQueriesContext(connection) as few:
        assert len(api.get(f"{API}/link-requests").json()["items"]) == 2
    add_requests(6)
    with CaptureQueriesContext(connection) as many:
        assert len(api.get(f"{API}/link-requests").json()["items"]) == 8
    assert len(many) == len(few)


# -- the state person register, a real simulated peer --------------------------------------------


@pytest.mark.django_db
def test_g5_7_register_match_activates_link(
    scene: Scene,
    person_register: Any,
    sms_outbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given the register names the parent as the child's mother
    person_register(persons=[register_person(scene.child, [(scene.parent, "mother")])])
    # when the parent asks to be linked as mother
    response = _request_link(scene, django_capture_on_commit_callbacks, kind="mother")
    # then the link is confirmed at once, by the register
    body = _state(scene, response)
    assert body["status"] == "confirmed"
    assert body["register_check"] == "match"
    assert body["decision_source"] == "register"
    assert _active_link(scene)
    guardianship_row = ActionRecord.objects.get(action="people.guardianship.create")
    assert guardianship_row.after["evidence"] == f"person_register:{body['id']}"
    assert guardianship_row.actor == scene.parent_user
    assert Notification.objects.filter(user=scene.parent_user, topic="registration.link").exists()
    assert [to for to, _text in sms_outbox] == [PARENT_PHONE]
    # and nothing is left for the school to decide
    assert _as(scene, scene.director).get(f"{API}/link-requests").json()["items"] == []


@pytest.mark.django_db
def test_g5_7_register_mismatch_keeps_link_pending(
    scene: Scene, person_register: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given the register names the parent as the child's guardian, not the father
    person_register(persons=[register_person(scene.child, [(scene.parent, "guardian")])])
    body = _state(scene, _request_link(scene, django_capture_on_commit_callbacks, kind="father"))
    assert body["status"] == "pending"
    assert body["register_check"] == "mismatch"
    assert not _active_link(scene)
    # and the school still sees and may decide it
    pending = _as(scene, scene.director).get(f"{API}/link-requests").json()["items"]
    assert [row["register_check"] for row in pending] == ["mismatch"]


@pytest.mark.django_db
def test_g5_7_register_unknown_child_keeps_link_pending(
    scene: Scene, person_register: Any, django_capture_on_commit_callbacks: Any
) -> None:
    person_register(persons=[])
    body = _state(scene, _request_link(scene, django_capture_on_commit_callbacks))
    assert (body["status"], body["register_check"]) == ("pending", "mismatch")
    assert LinkRequest.objects.get(pk=body["id"]).register_reason == "child_unknown"


@pytest.mark.django_db
def test_g5_7_register_refusing_our_key_is_unavailable_not_a_500(
    scene: Scene, person_register: Any, django_capture_on_commit_callbacks: Any
) -> None:
    person_register(
        persons=[register_person(scene.child, [(scene.parent, "mother")])], api_key="another-key"
    )
    body = _state(scene, _request_link(scene, django_capture_on_commit_callbacks))
    assert (body["status"], body["register_check"]) == ("pending", "unavailable")
    assert LinkRequest.objects.get(pk=body["id"]).register_reason == "unauthorized"
    assert not _active_link(scene)


@pytest.mark.django_db
def test_g5_7_register_down_keeps_link_pending(
    scene: Scene, person_register: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given a register that was running and has stopped: nothing listens on its port any more
    peer = person_register(persons=[register_person(scene.child, [(scene.parent, "mother")])])
    peer.stop()
    body = _state(scene, _request_link(scene, django_capture_on_commit_callbacks))
    assert (body["status"], body["register_check"]) == ("pending", "unavailable")
    assert LinkRequest.objects.get(pk=body["id"]).register_reason == "unreachable"
    assert not _active_link(scene)


# -- housekeeping --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_g5_7_register_is_asked_again_for_unanswered_requests(
    scene: Scene, person_register: Any, django_capture_on_commit_callbacks: Any, time_machine: Any
) -> None:
    from oqu.registration.tasks import recheck_unavailable_links

    # given the register was down when the request was made
    peer = person_register(persons=[register_person(scene.child, [(scene.parent, "mother")])])
    peer.stop()
    link_id = _request_link(scene, django_capture_on_commit_callbacks).json()["id"]
    assert LinkRequest.objects.get(pk=link_id).register_check == "unavailable"
    # when it is back and the hourly job runs
    person_register(persons=[register_person(scene.child, [(scene.parent, "mother")])])
    time_machine.move_to(dt.datetime.now(tz=dt.UTC) + dt.timedelta(hours=2))
    assert recheck_unavailable_links.call() == 1
    # then the match confirms the link
    link = LinkRequest.objects.get(pk=link_id)
    assert (link.status, link.register_check, link.decision_source) == (
        "confirmed",
        "match",
        "register",
    )
    assert _active_link(scene)


@pytest.mark.django_db
def test_g5_7_old_code_rows_are_purged(time_machine: Any) -> None:
    from oqu.registration.models import PhoneVerification
    from oqu.registration.tasks import purge_phone_verifications

    now = dt.datetime.now(tz=dt.UTC)
    for iin in ("880412400011", "880412400022"):
        PhoneVerification.objects.create(
            iin=iin, phone="+77011234567", code_hash="x", expires_at=now, last_sent_at=now
        )
    PhoneVerification.objects.filter(iin="880412400011").update(
        created_at=now - dt.timedelta(days=8)
    )
    assert purge_phone_verifications.call() == 1
    assert list(PhoneVerification.objects.values_list("iin", flat=True)) == ["880412400022"]


# -- who sees which request (G-5.10) -------------------------------------------------------------


@pytest.mark.django_db
def test_g5_7_another_parent_gets_404_for_a_request(
    scene: Scene, no_register: None, django_capture_on_commit_callbacks: Any
) -> None:
    link_id = _request_link(scene, django_capture_on_commit_callbacks).json()["id"]
    stranger = f.make_person("Бөтен", "Адам", dt.date(1980, 2, 2), "M")
    api = _as(scene, f.make_user(stranger.iin, person=stranger))
    assert api.get(f"{API}/links/{link_id}").status_code == 404
    assert api.get(f"{API}/links").json()["items"] == []
    # a parent cannot decide their own request either
    own = _as(scene, scene.parent_user).post(f"{API}/link-requests/{link_id}/confirm")
    assert own.status_code == 404
    assert not _active_link(scene)


@pytest.mark.django_db
def test_g5_7_api_flow_register_then_link_then_confirm(
    org_tree: Any,
    user_with_role: Any,
    no_register: None,
    sms_outbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The whole parent journey over the API only: account, link request, the school confirms."""
    child = f.make_person("Қасымов", "Ерлан", dt.date(2016, 4, 5), "M")
    f.enrol(child, org_tree.school_a1, grade=4)
    parent_iin = f.free_iin(dt.date(1990, 8, 9), "M")
    anonymous = Client()
    with django_capture_on_commit_callbacks(execute=True):
        started = anonymous.post(
            f"{API}/start",
            {"iin": parent_iin, "phone": "+7 777 000 11 22"},
            content_type="application/json",
        ).json()
    code = next(word.strip(".") for word in sms_outbox[-1][1].split() if word.strip(".").isdigit())
    token = anonymous.post(
        f"{API}/verify",
        {"verification_id": started["verification_id"], "code": code},
        content_type="application/json",
    ).json()["completion_token"]
    created = anonymous.post(
        f"{API}/complete",
        {
            "verification_id": started["verification_id"],
            "completion_token": token,
            "password": "Saryarka-Tau-1990",
            "last_name_kk": "Қасымов",
            "first_name_kk": "Асқар",
            "last_name_ru": "Касымов",
            "first_name_ru": "Аскар",
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    parent = Client()
    assert parent.login(username=parent_iin, password="Saryarka-Tau-1990")
    # a new account sets its authenticator app up first (G-5.11), over the API as well
    secret = parent.post("/api/v1/mfa/totp/secret").json()["secret"]
    activated = parent.post(
        "/api/v1/mfa/totp",
        {"secret": secret, "code": f.totp_now(secret)},
        content_type="application/json",
    )
    assert activated.status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        link = parent.post(
            f"{API}/links",
            {"child_iin": child.iin, "kind": "father"},
            content_type="application/json",
        ).json()
    director = Client()
    director.force_login(user_with_role("school_director", org_tree.school_a1))
    with django_capture_on_commit_callbacks(execute=True):
        decided = director.post(f"{API}/link-requests/{link['id']}/confirm")
    assert decided.json()["status"] == "confirmed"
    children = parent.get("/api/v1/people").json()["items"]
    assert child.iin in {row["iin"] for row in children}
    assert sms_outbox[-1][0] == "+77770001122"
