"""The parent's TODAY is a constant number of queries (SEC-27.1, R503-12; issue 5 figures)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oqu.school.models import Substitution
from oqu.school.tests.conftest import put_in_class
from oqu.tests import factories as f

from .conftest import DAY, attend, homework, lesson, mark

pytestmark = pytest.mark.django_db
# session, the account with its grants, the MFA re-check now and then (authenticator + session
# save), and TODAY itself (one query: access, class stay, lessons, marks, homework)
MAX_QUERIES = 6


def _fill(cab, learners, lessons: int) -> None:  # type: ignore[no-untyped-def]
    """`lessons` lessons of 5А on DAY, each with attendance, a mark and homework for `learners`."""
    assignments = [cab.assignments["math_5a"], cab.assignments["kazakh_5a"]]
    for number in range(1, lessons + 1):
        held = lesson(assignments[number % 2], DAY, number, room=cab.room, topic=f"T{number}")
        if number % 3 == 0:
            Substitution.objects.create(
                organization=cab.org,
                lesson=held,
                absent_teacher=cab.teacher,
                substitute=cab.substitute,
            )
        homework(held, DAY + dt.timedelta(days=number % 2))
        for learner in learners:
            attend(held, learner, "absent_excused" if number == 2 else "present")
            mark(held, learner, "7")


def _count(client, child) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/cabinet/{child.pk}/today", {"date": DAY})
    assert response.status_code == 200
    return len(queries), response.json()


def test_sec_27_1_r503_12_parent_today_query_count_is_constant(cab, api):
    """Same count with 1 and 3 children's data and with 3 and 8 lessons."""
    client = api(cab.parent_user)
    _fill(cab, [cab.child], lessons=3)
    small, body = _count(client, cab.child)
    assert len(body["lessons"]) == 3
    assert len(body["marks"]) == 3

    third = f.make_person("Серікұлы", "Әлихан")
    put_in_class(third, cab.class_5a)
    f.guard(cab.parent, third)
    _fill_more(cab, [cab.child, cab.classmate, third])
    large, body = _count(client, cab.child)
    assert len(body["lessons"]) == 8
    assert len(body["marks"]) == 8
    assert large == small <= MAX_QUERIES


def _fill_more(cab, learners) -> None:  # type: ignore[no-untyped-def]
    from oqu.school.models import Lesson

    Lesson.objects.filter(date=DAY).delete()
    _fill(cab, learners, lessons=8)


def test_sec_27_1_parent_today_page_query_count_is_constant(cab, api):
    client = api(cab.parent_user)
    _fill(cab, [cab.child], lessons=3)
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"/cabinet/{cab.child.pk}/", {"date": DAY}).status_code == 200
    _fill_more(cab, [cab.child, cab.classmate])
    with CaptureQueriesContext(connection) as large:
        assert client.get(f"/cabinet/{cab.child.pk}/", {"date": DAY}).status_code == 200
    assert len(large) == len(small)


def test_sec_27_1_today_is_one_query_with_its_access_check(cab):
    """TODAY's own work — who may open it, the stay, lessons, marks, homework — is one query, for
    an allowed learner and for a refused one alike (the refusal reads nothing of the learner)."""
    from oqu.access.scope import actor_for
    from oqu.cabinet import selectors
    from oqu.kernel.errors import NotFound

    _fill(cab, [cab.child, cab.classmate], lessons=3)
    parent = actor_for(cab.parent_user)
    with CaptureQueriesContext(connection) as queries:
        page = selectors.today_of(parent, cab.child.pk, DAY)
    assert len(queries) == 1
    assert (len(page["lessons"]), len(page["marks"]), len(page["homework"])) == (3, 3, 3)
    with CaptureQueriesContext(connection) as refused, pytest.raises(NotFound):
        selectors.today_of(parent, cab.classmate.pk, DAY)
    assert len(refused) == 1
