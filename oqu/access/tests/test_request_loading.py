"""The account, its grants and the session are read afresh on every request (G-5.12, SEC-27.1).

The authentication backends load the account with its grants in one query and the session store
reads its row with a query written once; neither may let a revoked grant, a locked account or a
logout keep working on the next request.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from oqu.access.backends import AuthenticationBackend, ModelBackend
from oqu.access.scope import actor_for
from oqu.access.sessions import SessionStore
from oqu.tests import factories as f

pytestmark = pytest.mark.django_db

GRANTS_API = "/api/v1/grants"


def test_g5_12_account_and_grants_come_in_one_query_and_serve_one_actor(org_tree):
    user = f.make_user("teacher-one-query")
    f.grant(user, "school_teacher", org_tree.school_a1)
    with CaptureQueriesContext(connection) as queries:
        loaded = ModelBackend().get_user(str(user.pk))
        actor = actor_for(loaded)
    assert len(queries) == 1
    assert loaded == user
    assert [g.role_code for g in actor.grants] == ["school_teacher"]
    assert actor.relation_capabilities  # parent and learner relation roles
    with CaptureQueriesContext(connection) as again:
        assert [g.role_code for g in actor_for(loaded).grants] == ["school_teacher"]
    assert len(again) == 1  # the rows served one actor; a second call reads afresh


def test_g5_12_revoked_grant_and_locked_account_end_on_the_next_load(org_tree):
    user = f.make_user("teacher-revoked")
    grant = f.grant(user, "school_director", org_tree.school_a1)
    for backend in (ModelBackend(), AuthenticationBackend()):
        assert actor_for(backend.get_user(user.pk)).grants
    grant.valid_to = timezone.now() - dt.timedelta(seconds=1)
    grant.save()
    for backend in (ModelBackend(), AuthenticationBackend()):
        assert actor_for(backend.get_user(user.pk)).grants == ()
    user.is_active = False
    user.save()
    assert ModelBackend().get_user(user.pk) is None
    assert AuthenticationBackend().get_user(user.pk) is None
    assert ModelBackend().get_user("00000000-0000-0000-0000-000000000000") is None


def test_g5_12_revoked_grant_is_refused_on_the_next_api_request(client, org_tree):
    user = f.make_user("admin-revoked")
    grant = f.grant(user, "school_director", org_tree.school_a1)
    client.force_login(user)
    before = client.get(GRANTS_API)
    assert before.status_code == 200
    assert str(grant.pk) in {row["id"] for row in before.json()["items"]}
    grant.valid_to = timezone.now() - dt.timedelta(seconds=1)
    grant.save()
    after = client.get(GRANTS_API)
    assert after.status_code == 200
    assert after.json()["items"] == []  # the grant no longer opens the school


def test_g5_12_session_row_is_read_each_time_logout_and_expiry_end_it(client, org_tree):
    user = f.make_user("parent-session")
    client.force_login(user)
    key = client.session.session_key
    assert SessionStore(key).load()[SESSION_KEY] == str(user.pk)
    client.logout()
    assert SessionStore(key).load() == {}
    client.force_login(user)
    store = SessionStore(client.session.session_key)
    store.set_expiry(-1)  # already expired
    store.save()
    assert SessionStore(store.session_key).load() == {}
    assert SessionStore(None).load() == {}
