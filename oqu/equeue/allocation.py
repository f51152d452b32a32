"""The allocation of preschool places: a pure function of its inputs (MAP-QUEUE, issue 6 §2).

No ORM and no clock here, so the same inputs and seed always give the same result (the run is
reproducible and its hash can be published), and the properties can be tested with hypothesis.

Each published place of an age group is a *seat* with a sequence number per group; the counter is
carried between runs. An applicant's standing for a seat is, in order:

1. the age band fits (the caller lists only the groups whose band and language fit);
2. the category: extraordinary before everyone else;
3. the interleave slot: on a seat whose sequence number is a multiple of the ratio in force
   (every 4th by default), first-priority applicants stand before general ones; on the other
   seats they stand with the general applicants;
4. the date and time of application;
5. a lottery number drawn from the run's seed, for exact ties.

Applicant-proposing deferred acceptance assigns the seats: every unplaced applicant proposes to
the next group on their ordered list; a group keeps the best proposers seat by seat in sequence
order and rejects the rest. The result has no justified envy (no applicant loses a group to
someone of lower standing for the seat taken) and never exceeds a group's places.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

EXTRAORDINARY = "extraordinary"
FIRST = "first"
GENERAL = "general"
CATEGORIES = (EXTRAORDINARY, FIRST, GENERAL)


@dataclass(frozen=True)
class Applicant:
    """One application as the run sees it; `preferences` are group ids, best first, all eligible."""

    id: str
    category: str
    submitted_at: int  # microseconds since the epoch: exact, comparable, JSON-safe
    preferences: tuple[str, ...]


@dataclass(frozen=True)
class Group:
    """An age group with `places` seats to fill, numbered from `counter + 1`."""

    id: str
    places: int
    counter: int = 0


@dataclass(frozen=True)
class Seat:
    group_id: str
    sequence: int
    priority_slot: bool


@dataclass
class Result:
    """Who got which seat, the groups' new counters, and the hashes that make the run checkable."""

    assignments: dict[str, Seat] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)
    lottery: dict[str, int] = field(default_factory=dict)
    inputs_hash: str = ""
    result_hash: str = ""
    rounds: int = 0


def lottery_number(seed: str, applicant_id: str) -> int:
    """A number drawn for an applicant from the run's seed (64 bits of SHA-256: ties practically never)."""
    digest = hashlib.sha256(f"{seed}:{applicant_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def is_priority_slot(sequence: int, every: int) -> bool:
    """Whether the seat with this sequence number is reserved first for first-priority applicants."""
    return every > 0 and sequence % every == 0


def general_key(a: Applicant, lottery: int) -> tuple[int, int, int]:
    """Standing on an ordinary seat: extraordinary first, then time of application, then lottery."""
    return (0 if a.category == EXTRAORDINARY else 1, a.submitted_at, lottery)


def priority_key(a: Applicant, lottery: int) -> tuple[int, int, int]:
    """Standing on a priority seat: extraordinary, then first-priority, then general; time; lottery."""
    return (CATEGORIES.index(a.category), a.submitted_at, lottery)


def standing(a: Applicant, lottery: int, seat: Seat) -> tuple[int, int, int]:
    """The applicant's standing for `seat`; smaller stands higher."""
    return priority_key(a, lottery) if seat.priority_slot else general_key(a, lottery)


def seats_of(group: Group, every: int) -> list[Seat]:
    return [
        Seat(group.id, n, is_priority_slot(n, every))
        for n in range(group.counter + 1, group.counter + group.places + 1)
    ]


@dataclass
class Keys:
    """Both standings of every applicant, computed once per run (sorting is the hot path)."""

    general: dict[str, tuple[int, int, int]]
    priority: dict[str, tuple[int, int, int]]

    @classmethod
    def of(cls, applicants: Iterable[Applicant], lottery: dict[str, int]) -> Keys:
        items = list(applicants)
        return cls(
            general={a.id: general_key(a, lottery[a.id]) for a in items},
            priority={a.id: priority_key(a, lottery[a.id]) for a in items},
        )


def choose(
    seats: Sequence[Seat],
    candidates: Iterable[Applicant],
    lottery: dict[str, int],
    keys: Keys | None = None,
) -> dict[str, Seat]:
    """The group's choice: seat by seat in sequence order, the best remaining candidate for it.

    Every candidate acceptable for an ordinary seat is acceptable for a priority one, so the filled
    seats are always the first ones: a prefix of the sequence.
    """
    pool = list(candidates)
    if not pool:
        return {}
    keys = keys or Keys.of(pool, lottery)
    by_general = sorted(pool, key=lambda a: keys.general[a.id])
    has_priority_seat = any(s.priority_slot for s in seats[: len(pool)])
    by_priority = sorted(pool, key=lambda a: keys.priority[a.id]) if has_priority_seat else []
    taken: dict[str, Seat] = {}
    i = j = 0
    for seat in seats:
        if len(taken) == len(pool):
            break
        if seat.priority_slot:
            while by_priority[j].id in taken:
                j += 1
            taken[by_priority[j].id] = seat
        else:
            while by_general[i].id in taken:
                i += 1
            taken[by_general[i].id] = seat
    return taken


def _canonical(data: object) -> str:
    return hashlib.sha256(
        json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()


def inputs_digest(
    applicants: Sequence[Applicant], groups: Sequence[Group], every: int, seed: str
) -> str:
    """The hash of everything the run depends on, in a canonical order."""
    return _canonical(
        {
            "seed": seed,
            "every": every,
            "groups": sorted([g.id, g.places, g.counter] for g in groups),
            "applicants": sorted(
                [a.id, a.category, a.submitted_at, list(a.preferences)] for a in applicants
            ),
        }
    )


def result_digest(inputs_hash: str, assignments: dict[str, Seat]) -> str:
    return _canonical(
        {
            "inputs": inputs_hash,
            "assignments": sorted([k, s.group_id, s.sequence] for k, s in assignments.items()),
        }
    )


def allocate(
    applicants: Sequence[Applicant], groups: Sequence[Group], *, every: int, seed: str
) -> Result:
    """Assign seats by applicant-proposing deferred acceptance; a pure, deterministic function."""
    if every < 0:
        raise ValueError("every must be non-negative")
    group_by_id = {g.id: g for g in groups}
    seats = {g.id: seats_of(g, every) for g in groups}
    lottery = {a.id: lottery_number(seed, a.id) for a in applicants}
    keys = Keys.of(applicants, lottery)
    by_id = {a.id: a for a in applicants}
    # The next preference each applicant will propose to.
    cursor = dict.fromkeys(by_id, 0)
    held: dict[str, dict[str, Seat]] = {g.id: {} for g in groups}
    # Sorted by id so that the order of proposing (which never changes the outcome) is fixed too.
    free = sorted(by_id)
    rounds = 0
    while free:
        rounds += 1
        proposals: dict[str, list[Applicant]] = {}
        for applicant_id in free:
            applicant = by_id[applicant_id]
            prefs = applicant.preferences
            k = cursor[applicant_id]
            while k < len(prefs) and (prefs[k] not in group_by_id or not seats[prefs[k]]):
                k += 1
            cursor[applicant_id] = k + 1
            if k < len(prefs):
                proposals.setdefault(prefs[k], []).append(applicant)
        free = []
        for group_id in sorted(proposals):
            current = held[group_id]
            candidates = [by_id[a] for a in current] + proposals[group_id]
            chosen = choose(seats[group_id], candidates, lottery, keys)
            held[group_id] = chosen
            free.extend(a.id for a in candidates if a.id not in chosen)
        free = sorted(a for a in free if cursor[a] < len(by_id[a].preferences))
    result = Result(lottery=lottery, rounds=rounds)
    for group_id, chosen in held.items():
        result.assignments.update(chosen)
        result.counters[group_id] = group_by_id[group_id].counter + len(chosen)
    result.inputs_hash = inputs_digest(applicants, groups, every, seed)
    result.result_hash = result_digest(result.inputs_hash, result.assignments)
    return result


def blocking_pairs(
    applicants: Sequence[Applicant], groups: Sequence[Group], result: Result, *, every: int
) -> list[tuple[str, str]]:
    """(applicant, group) pairs with justified envy: the applicant prefers the group to what they
    got, and the group would take them given its current holders. Empty for a stable result."""
    group_by_id = {g.id: g for g in groups}
    holders: dict[str, list[Applicant]] = {g.id: [] for g in groups}
    by_id = {a.id: a for a in applicants}
    for applicant_id, seat in result.assignments.items():
        holders[seat.group_id].append(by_id[applicant_id])
    pairs = []
    for a in applicants:
        got = result.assignments.get(a.id)
        better = a.preferences
        if got is not None:
            better = a.preferences[: a.preferences.index(got.group_id)]
        for group_id in better:
            if group_id not in group_by_id:
                continue
            chosen = choose(
                seats_of(group_by_id[group_id], every), [*holders[group_id], a], result.lottery
            )
            if a.id in chosen:
                pairs.append((a.id, group_id))
    return pairs
