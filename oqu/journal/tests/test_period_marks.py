"""Period marks computed by rule and stored (SEC-27.8): recompute, never typed, confirmation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from oqu.audit.models import ActionRecord
from oqu.journal import services
from oqu.journal.models import PeriodMark
from oqu.kernel.models import RuleSet
from oqu.school.models import StudyPeriod

from .conftest import JournalWorld, build_world

pytestmark = pytest.mark.django_db


def _marks(
    world: JournalWorld, lesson: Any, kind: str, points: dict[int, Any], maximum: int = 0
) -> None:
    teacher = world.actor(world.teacher_user)
    work = services.assessment_create(
        actor=teacher, lesson=lesson, kind=kind, max_points=maximum or None
    )
    services.marks_record(
        actor=teacher,
        assessment=work,
        entries=[services.MarkEntry(world.learners[i].pk, p) for i, p in points.items()],
    )


def _recompute(client: Any, world: JournalWorld, period: Any = None) -> Any:
    url = f"/api/v1/journal/assignments/{world.assignment.pk}/period-marks/recompute"
    return client.post(url, {"period_id": str(period.pk) if period else None})


def test_sec_27_8_quarter_marks_computed_by_rule_and_stored(jw: JournalWorld, api: Any) -> None:
    day1 = jw.lesson(jw.today - dt.timedelta(days=1))
    day2 = jw.lesson(jw.today)
    # learner 0: ФО 8, 10 → 90 %; СОР 18/20 → 90 %; СОЧ 20/25 → 80 % ⇒ 0.25·90+0.25·90+0.5·80 = 85 → "5"
    _marks(jw, day1, "fo", {0: 8, 1: 5})
    _marks(jw, day2, "fo", {0: 10, 1: 5})
    _marks(jw, day1, "sor", {0: 18, 1: 10}, 20)
    _marks(jw, jw.lesson(jw.today, 2), "soch", {0: 20, 1: 10}, 25)
    response = _recompute(api(jw.teacher_user), jw, jw.q1)
    assert response.status_code == 200, response.content
    by_learner = {row["learner_id"]: row for row in response.json()["items"]}
    first = by_learner[str(jw.learners[0].pk)]
    assert Decimal(first["percent"]) == Decimal("85.00")
    assert first["computed_mark"] == 5
    # learner 1: ФО 50 %, СОР 50 %, СОЧ 40 % ⇒ 45 → "3"
    second = by_learner[str(jw.learners[1].pk)]
    assert Decimal(second["percent"]) == Decimal("45.00")
    assert second["computed_mark"] == 3
    # learner 2 was not assessed: no mark, but a row
    assert by_learner[str(jw.learners[2].pk)]["computed_mark"] is None
    stored = PeriodMark.objects.get(learner=jw.learners[0], period=jw.q1)
    assert stored.computed_mark == 5
    assert stored.final_mark is None
    record = ActionRecord.objects.get(action="journal.period_marks.compute")
    assert record.after["marks"][str(jw.learners[0].pk)]["computed_mark"] == 5


def test_sec_27_8_empty_soch_group_uses_the_rule_sets_weights(jw: JournalWorld, api: Any) -> None:
    # no СОЧ: ФО 50 / СОР 50 by the redistribution table in force → (100 + 60) / 2 = 80 → "4"
    _marks(jw, jw.lesson(jw.today), "fo", {0: 10})
    _marks(jw, jw.lesson(jw.today, 2), "sor", {0: 6}, 10)
    _recompute(api(jw.teacher_user), jw, jw.q1)
    row = PeriodMark.objects.get(learner=jw.learners[0], period=jw.q1)
    assert row.percent == Decimal("80.00")
    assert row.computed_mark == 4


def test_sec_27_8_rules_in_force_on_the_period_start(jw: JournalWorld, api: Any) -> None:
    # a later edition of the thresholds does not apply to a period that started before it
    RuleSet.objects.create(
        code="school.grading.thresholds",
        valid_from=jw.q1.start_date + dt.timedelta(days=1),
        value={"5": 95, "4": 75, "3": 50},
    )
    _marks(jw, jw.lesson(jw.today), "fo", {0: 9})
    _recompute(api(jw.teacher_user), jw, jw.q1)
    assert PeriodMark.objects.get(learner=jw.learners[0], period=jw.q1).computed_mark == 5


def test_sec_27_8_computed_mark_cannot_be_typed(jw: JournalWorld, api: Any) -> None:
    _marks(jw, jw.lesson(jw.today), "fo", {0: 6})
    client = api(jw.teacher_user)
    _recompute(client, jw, jw.q1)
    row = PeriodMark.objects.get(learner=jw.learners[0], period=jw.q1)
    for body in ({"final_mark": 5}, {"computed_mark": 5}):
        response = client.patch(f"/api/v1/journal/period-marks/{row.pk}", body)
        assert response.status_code == 400
        assert response.json()["code"] == "period_mark_computed"
    row.refresh_from_db()
    assert row.computed_mark == 3
    assert row.final_mark is None


def test_sec_27_8_teacher_confirms_the_computed_mark(jw: JournalWorld, api: Any) -> None:
    _marks(jw, jw.lesson(jw.today), "fo", {0: 9})
    client = api(jw.teacher_user)
    _recompute(client, jw, jw.q1)
    row = PeriodMark.objects.get(learner=jw.learners[0], period=jw.q1)
    # q1 ends in 10 days; confirmation opens 7 days before the end by the rule in force
    early = client.post(f"/api/v1/journal/period-marks/{row.pk}/confirm")
    assert early.status_code == 400
    assert early.json()["code"] == "confirmation_too_early"
    RuleSet.objects.filter(code="school.journal.period_mark_confirmation").update(
        value={"days_before_period_end": 30}
    )
    response = client.post(f"/api/v1/journal/period-marks/{row.pk}/confirm")
    assert response.status_code == 200, response.content
    row.refresh_from_db()
    assert row.final_mark == 5
    assert row.confirmed_by_id == jw.teacher.pk
    record = ActionRecord.objects.get(action="journal.period_mark.confirm")
    assert record.before["final_mark"] is None
    assert record.after["final_mark"] == 5
    # another teacher cannot confirm it
    other = api(jw.other_user).post(f"/api/v1/journal/period-marks/{row.pk}/confirm")
    assert other.status_code == 404
    # a change of the marks afterwards undoes the confirmation: the final mark is always computed
    _marks(jw, jw.lesson(jw.today, 3), "fo", {0: 1})
    _recompute(api(jw.teacher_user), jw, jw.q1)
    row.refresh_from_db()
    assert row.computed_mark == 3
    assert row.final_mark is None


def test_sec_27_8_year_mark_is_the_rounded_mean(jw: JournalWorld, api: Any) -> None:
    now = jw.today
    for number, (computed, final) in enumerate([(5, None), (4, 4), (4, None)], start=1):
        period = StudyPeriod.objects.get_or_create(
            organization=jw.org,
            year=jw.year,
            kind="quarter",
            number=number,
            defaults={
                "start_date": now + dt.timedelta(days=100 + number * 30),
                "end_date": now + dt.timedelta(days=120 + number * 30),
            },
        )[0]
        PeriodMark.objects.create(
            organization=jw.org,
            assignment=jw.assignment,
            learner=jw.learners[0],
            period=period,
            computed_mark=computed,
            final_mark=final,
            computed_at=timezone.now(),
        )
    response = _recompute(api(jw.teacher_user), jw, None)
    assert response.status_code == 200, response.content
    year_row = PeriodMark.objects.get(learner=jw.learners[0], period__isnull=True)
    assert year_row.computed_mark == 4  # (5 + 4 + 4) / 3 = 4.33 → 4
    assert response.json()["period"] is None


def test_sec_27_8_one_hour_subject_is_marked_per_half_year(jw: JournalWorld, api: Any) -> None:
    jw.assignment.hours_per_week = Decimal(1)
    jw.assignment.save()
    half = StudyPeriod.objects.create(
        organization=jw.org,
        year=jw.year,
        kind="half_year",
        number=1,
        start_date=jw.q1.start_date,
        end_date=jw.q2.end_date,
    )
    _marks(jw, jw.lesson(jw.today), "fo", {0: 10})
    _marks(jw, jw.lesson(jw.today, 2), "sor", {0: 3}, 10)
    client = api(jw.teacher_user)
    refused = _recompute(client, jw, jw.q1)
    assert refused.status_code == 400
    assert refused.json()["code"] == "period_kind_mismatch"
    assert _recompute(client, jw, half).status_code == 200
    row = PeriodMark.objects.get(learner=jw.learners[0], period=half)
    assert row.percent == Decimal("65.00")
    assert row.computed_mark == 4


def test_sec_27_8_grade_1_has_no_period_marks(org_tree: Any, api: Any) -> None:
    world = build_world(org_tree.school_a2, grade=1)
    response = _recompute(api(world.teacher_user), world, world.q1)
    assert response.status_code == 400
    assert response.json()["code"] == "grade_not_marked"
    assert not PeriodMark.objects.exists()


def test_sec_27_8_another_teacher_cannot_recompute(jw: JournalWorld, api: Any) -> None:
    assert _recompute(api(jw.other_user), jw, jw.q1).status_code == 404
    assert _recompute(api(jw.deputy_user), jw, jw.q1).status_code == 200
