"""Properties of the pure allocation (MAP-QUEUE): capacity, no justified envy, the interleave,
determinism. Hypothesis draws queues and places; nothing here touches the database."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from oqu.equeue import allocation as al

GROUP_IDS = [f"g{i}" for i in range(5)]


@st.composite
def markets(draw):  # type: ignore[no-untyped-def]
    groups = [
        al.Group(id=g, places=draw(st.integers(0, 6)), counter=draw(st.integers(0, 9)))
        for g in draw(st.lists(st.sampled_from(GROUP_IDS), min_size=1, max_size=5, unique=True))
    ]
    n = draw(st.integers(0, 30))
    applicants = []
    for i in range(n):
        prefs = draw(st.lists(st.sampled_from(GROUP_IDS), max_size=5, unique=True))
        applicants.append(
            al.Applicant(
                id=f"a{i:03d}",
                category=draw(st.sampled_from(al.CATEGORIES)),
                # few distinct times, so exact ties (and the lottery) happen often
                submitted_at=draw(st.integers(0, 5)),
                preferences=tuple(prefs),
            )
        )
    every = draw(st.integers(0, 5))
    seed = draw(st.text(min_size=1, max_size=8))
    return applicants, groups, every, seed


@settings(max_examples=300, deadline=None)
@given(markets())
def test_map_queue_capacity_is_never_exceeded_and_seats_are_a_prefix(market):
    applicants, groups, every, seed = market
    result = al.allocate(applicants, groups, every=every, seed=seed)
    for group in groups:
        seats = sorted(s.sequence for s in result.assignments.values() if s.group_id == group.id)
        assert len(seats) <= group.places
        assert seats == list(range(group.counter + 1, group.counter + 1 + len(seats)))
        assert result.counters[group.id] == group.counter + len(seats)


@settings(max_examples=300, deadline=None)
@given(markets())
def test_map_queue_everyone_placed_only_in_a_group_they_asked_for(market):
    applicants, groups, every, seed = market
    result = al.allocate(applicants, groups, every=every, seed=seed)
    prefs = {a.id: a.preferences for a in applicants}
    for applicant_id, seat in result.assignments.items():
        assert seat.group_id in prefs[applicant_id]


@settings(max_examples=300, deadline=None)
@given(markets())
def test_map_queue_no_justified_envy(market):
    applicants, groups, every, seed = market
    result = al.allocate(applicants, groups, every=every, seed=seed)
    assert al.blocking_pairs(applicants, groups, result, every=every) == []


@settings(max_examples=200, deadline=None)
@given(markets())
def test_map_queue_no_one_of_lower_standing_holds_an_ordinary_seat_someone_wanted(market):
    """The plain reading of "no justified envy" on ordinary seats: if A wanted group G more than
    what A got, every ordinary seat of G is held by someone standing higher than A."""
    applicants, groups, every, seed = market
    result = al.allocate(applicants, groups, every=every, seed=seed)
    by_id = {a.id: a for a in applicants}
    for a in applicants:
        got = result.assignments.get(a.id)
        wanted = (
            a.preferences if got is None else a.preferences[: a.preferences.index(got.group_id)]
        )
        for holder_id, seat in result.assignments.items():
            if seat.group_id in wanted and not seat.priority_slot:
                holder = by_id[holder_id]
                assert al.general_key(holder, result.lottery[holder_id]) < al.general_key(
                    a, result.lottery[a.id]
                )


@settings(max_examples=200, deadline=None)
@given(markets())
def test_map_queue_same_inputs_and_seed_give_the_same_result_and_hash(market):
    applicants, groups, every, seed = market
    first = al.allocate(applicants, groups, every=every, seed=seed)
    second = al.allocate(list(reversed(applicants)), list(reversed(groups)), every=every, seed=seed)
    assert first.assignments == second.assignments
    assert first.result_hash == second.result_hash
    assert first.inputs_hash == second.inputs_hash


def _applicant(i: int, category: str, at: int) -> al.Applicant:
    return al.Applicant(id=f"a{i:02d}", category=category, submitted_at=at, preferences=("g",))


def test_map_queue_interleave_gives_every_fourth_place_to_first_priority():
    # 8 general applicants who applied earlier, 3 first-priority ones who applied later
    applicants = [_applicant(i, al.GENERAL, i) for i in range(8)]
    applicants += [_applicant(10 + i, al.FIRST, 100 + i) for i in range(3)]
    result = al.allocate(applicants, [al.Group("g", places=8)], every=4, seed="s")
    by_seq = {s.sequence: a for a, s in result.assignments.items()}
    # seats 4 and 8 go to the first-priority applicants in order of time; the rest by time
    assert by_seq[4] == "a10"
    assert by_seq[8] == "a11"
    assert [by_seq[n] for n in (1, 2, 3, 5, 6, 7)] == ["a00", "a01", "a02", "a03", "a04", "a05"]


def test_map_queue_interleave_counter_is_carried_over_between_runs():
    applicants = [_applicant(i, al.GENERAL, i) for i in range(3)] + [_applicant(9, al.FIRST, 50)]
    # 3 places were allocated before: the next place is number 4, a priority place
    result = al.allocate(applicants, [al.Group("g", places=1, counter=3)], every=4, seed="s")
    assert result.assignments == {"a09": al.Seat("g", 4, True)}
    assert result.counters == {"g": 4}


def test_map_queue_extraordinary_stand_first_on_every_seat():
    applicants = [_applicant(i, al.GENERAL, i) for i in range(3)] + [
        _applicant(7, al.EXTRAORDINARY, 99)
    ]
    result = al.allocate(applicants, [al.Group("g", places=1)], every=4, seed="s")
    assert list(result.assignments) == ["a07"]


def test_map_queue_exact_tie_is_decided_by_the_seeded_lottery():
    applicants = [_applicant(i, al.GENERAL, 5) for i in range(6)]
    winners = {
        seed: next(
            iter(al.allocate(applicants, [al.Group("g", 1)], every=4, seed=seed).assignments)
        )
        for seed in ("s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8")
    }
    # the seed decides, and the winner is the lowest lottery number of that seed
    assert len(set(winners.values())) > 1
    for seed, winner in winners.items():
        assert winner == min(applicants, key=lambda a: al.lottery_number(seed, a.id)).id


def test_map_queue_deferred_acceptance_honours_the_order_of_preferences():
    # A (earlier) wants g1 then g2; B (later) wants g1 only: A gets g1, B nothing
    a = al.Applicant("A", al.GENERAL, 1, ("g1", "g2"))
    b = al.Applicant("B", al.GENERAL, 2, ("g1",))
    c = al.Applicant("C", al.GENERAL, 3, ("g2", "g1"))
    result = al.allocate([a, b, c], [al.Group("g1", 1), al.Group("g2", 1)], every=0, seed="x")
    assert result.assignments["A"].group_id == "g1"
    assert result.assignments["C"].group_id == "g2"
    assert "B" not in result.assignments
