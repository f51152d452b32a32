"""Privacy (G-9, G-3): the privacy policy in Kazakh and Russian, and "my data": what the platform
holds about the signed-in user and their children, and who read or changed it — for oneself and
one's own children only."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from oqu.audit import journal
from oqu.audit.models import ActionRecord, FailedAccess
from oqu.kernel.consents import consent_record
from oqu.tests import factories as f

API = "/api/v1"


def _client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("language", "title", "law"),
    [
        ("kk", "Құпиялылық және дербес деректерді қорғау саясаты", "№ 94-V Заңына"),
        (
            "ru",
            "Политика конфиденциальности и защиты персональных данных",
            "№ 94-V «О персональных",
        ),
    ],
)
def test_g9_privacy_policy_is_public_in_kazakh_and_russian(
    db: Any, language: str, title: str, law: str, settings: Any
) -> None:
    settings.OQU_PRIVACY_CONTACT_EMAIL = "dpo@edu.example.kz"
    client = Client()
    client.cookies["oqu_language"] = language
    page = client.get("/privacy/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<html lang="{language}">' in html
    assert title in html
    assert law in html
    assert "dpo@edu.example.kz" in html
    assert 'href="/my-data/"' in html
    # Linked from the login page and from the footer of every page.
    login = client.get("/accounts/login/").content.decode()
    assert login.count('href="/privacy/"') >= 1
    assert 'href="/privacy/"' in html.split('class="site-footer"')[1]


@pytest.fixture
def parent_with_children(org_tree: Any, family: Any, user_with_role: Any) -> Any:
    """The `family` parent with a second child, records touched by school staff, and a consent."""
    second = f.make_person("Серікқызы", "Дана", dt.date(2014, 2, 3), "F")
    f.enrol(second, org_tree.school_a1, grade=6)
    f.guard(family.parent, second, "mother")
    headteacher = user_with_role("school_director", org_tree.school_a1)
    journal.record(
        actor=headteacher,
        action="people.person.update",
        target=family.learner,
        before={"last_name_ru": "Сериков"},
        after={"last_name_ru": "Серікұлы"},
    )
    journal.record(actor=headteacher, action="people.restricted.read", target=second)
    # The child's own account (e.g. an MFA reset) counts as the child's data too.
    journal.record(actor=headteacher, action="identity.mfa.reset", target=family.learner_user)
    # Someone else's record touched too: must not show.
    journal.record(actor=headteacher, action="people.person.update", target=family.other_learner)
    consent_record(subject=family.learner, given_by=family.parent, purpose="mfa_exemption")
    family.second = second
    family.headteacher = headteacher
    return family


def test_g9_my_data_lists_children_and_accessors(parent_with_children: Any) -> None:
    family = parent_with_children
    client = _client_for(family.parent_user)
    data = client.get(f"{API}/me/data").json()
    assert data["account"]["username"] == "parent"
    assert data["self"]["person"]["iin"] == family.parent.iin
    assert {c["person"]["iin"] for c in data["children"]} == {
        family.learner.iin,
        family.second.iin,
    }
    learner = next(c for c in data["children"] if c["person"]["iin"] == family.learner.iin)
    assert learner["enrolments"][0]["grade"] == 8
    assert learner["consents"][0]["purpose"] == "mfa_exemption"
    assert data["self"]["guardianships"]
    assert data["self"]["consents"]
    accesses = {(a["actor"], a["action"], a["object_id"]) for a in data["accesses"]}
    who = family.headteacher.username
    assert (who, "people.person.update", str(family.learner.pk)) in accesses
    assert (who, "people.restricted.read", str(family.second.pk)) in accesses
    assert (who, "identity.mfa.reset", str(family.learner_user.pk)) in accesses
    assert learner["account"]["username"] == "learner"
    assert str(family.other_learner.pk) not in json.dumps(data)
    assert family.other_learner.iin not in json.dumps(data)

    page = client.get("/my-data/")
    assert page.status_code == 200
    html = page.content.decode()
    assert family.learner.iin in html
    assert family.second.iin in html
    assert "people.restricted.read" in html
    assert who in html
    assert family.other_learner.iin not in html


def test_g9_my_data_of_another_person_answers_nothing(parent_with_children: Any) -> None:
    family = parent_with_children
    client = _client_for(family.parent_user)
    other = client.get(f"{API}/me/data", {"person_id": str(family.other_learner.pk)})
    assert other.status_code == 404
    assert family.other_learner.iin not in other.content.decode()
    assert client.get("/my-data/", {"person": str(family.other_learner.pk)}).status_code == 404
    assert FailedAccess.objects.filter(target_id=str(family.other_learner.pk)).count() == 2
    # One's own child is fine, and then only that child (not the account or the other child).
    own = client.get(f"{API}/me/data", {"person_id": str(family.second.pk)}).json()
    assert [c["person"]["iin"] for c in own["children"]] == [family.second.iin]
    assert own["self"] is None
    assert own["account"] is None
    # The child sees themselves, not their parent's other child.
    learner_view = _client_for(family.learner_user).get(f"{API}/me/data").json()
    assert learner_view["self"]["person"]["iin"] == family.learner.iin
    assert learner_view["children"] == []
    # Staff with wide grants get no one else through this page either.
    staff = _client_for(family.headteacher).get(f"{API}/me/data").json()
    assert staff["self"] is None
    assert staff["children"] == []
    assert Client().get(f"{API}/me/data").status_code == 401


def test_g9_my_data_download_is_a_journaled_json_file(parent_with_children: Any) -> None:
    family = parent_with_children
    client = _client_for(family.parent_user)
    for url in ("/my-data/download/", f"{API}/me/data?download=true"):
        response = client.get(url)
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        body = json.loads(response.content)
        assert len(body["children"]) == 2
    rows = ActionRecord.objects.filter(action="privacy.my_data.export")
    assert rows.count() == 2
    assert rows.first().target_id == str(family.parent_user.pk)


def test_g9_my_data_query_count_does_not_grow_with_children(
    parent_with_children: Any, org_tree: Any
) -> None:
    family = parent_with_children
    client = _client_for(family.parent_user)
    client.get(f"{API}/me/data")  # warm up (session, language)
    with CaptureQueriesContext(connection) as two_children:
        assert client.get(f"{API}/me/data").status_code == 200
    for n in range(3):
        child = f.make_person("Серікұлы", f"Бала{n}", dt.date(2015, 1, n + 1), "M")
        f.enrol(child, org_tree.school_a1, grade=3)
        f.guard(family.parent, child, "mother")
        journal.record(actor=family.headteacher, action="people.person.update", target=child)
    with CaptureQueriesContext(connection) as five_children:
        response = client.get(f"{API}/me/data")
    assert len(response.json()["children"]) == 5
    assert len(five_children) == len(two_children)
    with CaptureQueriesContext(connection) as page:
        assert client.get("/my-data/").status_code == 200
    assert len(page) <= len(five_children) + 8
