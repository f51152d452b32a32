"""The timetable's rules as pure functions over plain values (SEC-27.8): no database here.

A grid cell is a `Cell` (one assignment on a weekday in lesson N, maybe in a room). Hard conflicts
are the double bookings no school can run (a teacher, a room or a class in two places at once;
two subgroups of one class may share a slot, a subgroup and the whole class may not). Soft ones are
warnings the deputy director decides on: curriculum hours not covered or exceeded, more lessons in
a day than the per-grade limit in force. The automatic draft places lessons under the hard rules and
the day limit, spreading each subject over the week; the same input always gives the same draft.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

DEFAULT_LESSONS_PER_DAY = 8  # lesson numbers tried when a shift has no bell schedule


@dataclass(frozen=True)
class Teaching:
    """What an assignment means for the grid."""

    assignment_id: Any
    class_id: Any
    class_name: str
    grade: int
    shift: int
    subject_id: Any
    subject_code: str
    teacher_id: Any
    subgroup_id: Any
    hours: Decimal
    room_kind: str = ""  # the room type the subject needs; empty: any room


@dataclass(frozen=True)
class Cell:
    teaching: Teaching
    weekday: int
    number: int
    room_id: Any = None
    entry_id: Any = None


@dataclass(frozen=True)
class Problem:
    """A conflict (hard) or a warning (soft), with a machine code and the values to explain it."""

    code: str
    hard: bool
    weekday: int | None = None
    number: int | None = None
    class_id: Any = None
    subject_id: Any = None
    assignment_id: Any = None
    other_entry_id: Any = None
    placed: int | None = None
    required: Decimal | None = None


Times = dict[tuple[int, int], tuple[dt.time, dt.time]]  # (shift, number) → bell times


def same_time(a: Cell, b: Cell, times: Times) -> bool:
    """Whether two cells are at the same time: by the bells when both are known, else same
    shift and number (lesson 1 of the second shift is not lesson 1 of the first)."""
    if a.weekday != b.weekday:
        return False
    ta = times.get((a.teaching.shift, a.number))
    tb = times.get((b.teaching.shift, b.number))
    if ta and tb:
        return ta[0] < tb[1] and tb[0] < ta[1]
    return a.teaching.shift == b.teaching.shift and a.number == b.number


def class_clash(a: Teaching, b: Teaching) -> bool:
    """One class in two places: the whole class, or the same subgroup, twice at one time."""
    if a.class_id != b.class_id:
        return False
    return a.subgroup_id is None or b.subgroup_id is None or a.subgroup_id == b.subgroup_id


def conflicts(cell: Cell, others: Iterable[Cell], times: Times) -> list[Problem]:
    """The hard conflicts of placing `cell` among the `others` already in the grid."""
    found = []
    for other in others:
        if other.entry_id is not None and other.entry_id == cell.entry_id:
            continue
        if not same_time(cell, other, times):
            continue
        kinds = []
        if class_clash(cell.teaching, other.teaching):
            kinds.append("class_busy")
        if cell.teaching.teacher_id == other.teaching.teacher_id:
            kinds.append("teacher_busy")
        if cell.room_id is not None and cell.room_id == other.room_id:
            kinds.append("room_busy")
        found.extend(
            Problem(
                code=kind,
                hard=True,
                weekday=cell.weekday,
                number=cell.number,
                class_id=other.teaching.class_id,
                assignment_id=other.teaching.assignment_id,
                other_entry_id=other.entry_id,
            )
            for kind in kinds
        )
    return found


RoomKinds = dict[Any, str]  # room id → its type


def room_kind_problem(cell: Cell, room_kinds: RoomKinds) -> Problem | None:
    """A lesson of a subject that needs a room type, in a room of another type (hard: refused)
    or without a room at all (soft: the deputy still has to find one)."""
    needed = cell.teaching.room_kind
    if not needed:
        return None
    where = {
        "weekday": cell.weekday,
        "number": cell.number,
        "class_id": cell.teaching.class_id,
        "subject_id": cell.teaching.subject_id,
        "assignment_id": cell.teaching.assignment_id,
    }
    if cell.room_id is None:
        return Problem(code="room_kind_unset", hard=False, **where)
    if room_kinds.get(cell.room_id) != needed:
        return Problem(code="room_kind_wrong", hard=True, **where)
    return None


def room_kind_warnings(cells: Iterable[Cell], room_kinds: RoomKinds) -> list[Problem]:
    """Soft problems of cells already in a grid: a needed room type missing or not matched
    (the type may have been set on the subject after the lesson was placed)."""
    found = []
    for cell in sorted(cells, key=lambda c: (c.weekday, c.number, str(c.teaching.assignment_id))):
        problem = room_kind_problem(cell, room_kinds)
        if problem is not None:
            found.append(
                Problem(
                    code=problem.code,
                    hard=False,
                    weekday=problem.weekday,
                    number=problem.number,
                    class_id=problem.class_id,
                    subject_id=problem.subject_id,
                    assignment_id=problem.assignment_id,
                )
            )
    return found


def lessons_per_day(cells: Iterable[Cell]) -> dict[tuple[Any, int], int]:
    """Lessons a day of each class: distinct lesson numbers (parallel subgroups count once)."""
    slots: dict[tuple[Any, int], set[int]] = defaultdict(set)
    for cell in cells:
        slots[(cell.teaching.class_id, cell.weekday)].add(cell.number)
    return {key: len(numbers) for key, numbers in slots.items()}


def hours_placed(cells: Iterable[Cell]) -> tuple[dict[Any, int], dict[tuple[Any, Any], int]]:
    """Lessons a week per assignment, and per class-subject (parallel subgroups count once)."""
    per_assignment: dict[Any, int] = defaultdict(int)
    subject_slots: dict[tuple[Any, Any], set[tuple[int, int]]] = defaultdict(set)
    for cell in cells:
        per_assignment[cell.teaching.assignment_id] += 1
        key = (cell.teaching.class_id, cell.teaching.subject_id)
        subject_slots[key].add((cell.weekday, cell.number))
    return per_assignment, {key: len(slots) for key, slots in subject_slots.items()}


def _hours_problem(
    code_prefix: str, placed: int, required: Decimal, **where: Any
) -> Problem | None:
    if placed < math.floor(required):
        return Problem(
            code=f"{code_prefix}_not_covered", hard=False, placed=placed, required=required, **where
        )
    if placed > math.ceil(required):
        return Problem(
            code=f"{code_prefix}_exceeded", hard=False, placed=placed, required=required, **where
        )
    return None


def warnings(
    cells: list[Cell],
    teachings: list[Teaching],
    curriculum: dict[tuple[int, Any], Decimal],
    day_limit: dict[int, int],
) -> list[Problem]:
    """Soft problems of the classes of `teachings`: hours per assignment against its hours a
    week, hours per class-subject against the curriculum of the grade, lessons a day against the
    per-grade limit (a grade missing from `day_limit` has no limit in force)."""
    per_assignment, per_subject = hours_placed(cells)
    found: list[Problem] = []
    classes: dict[Any, Teaching] = {}
    for t in sorted(teachings, key=_teaching_order):
        classes.setdefault(t.class_id, t)
        problem = _hours_problem(
            "hours",
            per_assignment.get(t.assignment_id, 0),
            t.hours,
            class_id=t.class_id,
            subject_id=t.subject_id,
            assignment_id=t.assignment_id,
        )
        if problem:
            found.append(problem)
    for class_id, sample in classes.items():
        for (grade, subject_id), hours in sorted(curriculum.items(), key=lambda i: str(i[0][1])):
            if grade != sample.grade:
                continue
            problem = _hours_problem(
                "curriculum",
                per_subject.get((class_id, subject_id), 0),
                hours,
                class_id=class_id,
                subject_id=subject_id,
            )
            if problem:
                found.append(problem)
    grades = {t.class_id: t.grade for t in teachings}
    for (class_id, weekday), count in sorted(
        lessons_per_day(cells).items(), key=lambda i: (str(i[0][0]), i[0][1])
    ):
        limit = day_limit.get(grades.get(class_id, -1))
        if limit is not None and count > limit:
            found.append(
                Problem(
                    code="day_limit_exceeded",
                    hard=False,
                    weekday=weekday,
                    class_id=class_id,
                    placed=count,
                    required=Decimal(limit),
                )
            )
    return found


# -- the automatic draft -------------------------------------------------------------------------


@dataclass(frozen=True)
class Unplaced:
    teaching: Teaching
    missing: int
    reason: str  # class_full, day_limit, teacher_busy, no_room_of_kind, room_kind_busy


@dataclass
class Draft:
    cells: list[Cell] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)

    def fingerprint(self) -> str:
        """A digest of the placements, so that what the deputy reviewed is what gets applied."""
        rows = sorted(
            f"{c.teaching.assignment_id}|{c.weekday}|{c.number}|{c.room_id}" for c in self.cells
        )
        return hashlib.sha256("\n".join(rows).encode()).hexdigest()[:32]


def _teaching_order(t: Teaching) -> tuple[Any, ...]:
    return (t.class_name, t.subject_code, str(t.subgroup_id or ""), str(t.assignment_id))


@dataclass
class _Board:
    """The grid while the draft fills it: who is where, and each class's load per day."""

    times: Times
    cells: list[Cell]
    rooms: list[Any]
    room_kinds: RoomKinds = field(default_factory=dict)
    reserved_kinds: frozenset[str] = frozenset()

    def rooms_allowed(self, t: Teaching) -> list[Any]:
        """Rooms a lesson may take: of the needed type; without a need, any room whose type no
        subject of the draft needs (a lab is kept for the lessons that need it)."""
        if t.room_kind:
            return [r for r in self.rooms if self.room_kinds.get(r) == t.room_kind]
        return [r for r in self.rooms if self.room_kinds.get(r) not in self.reserved_kinds]

    def typed_room_free(self, cell: Cell) -> bool:
        return any(
            self.free(Cell(cell.teaching, cell.weekday, cell.number, room))
            for room in self.rooms_allowed(cell.teaching)
        )

    def free(self, cell: Cell) -> bool:
        return not conflicts(cell, self.cells, self.times)

    def class_day_load(self, class_id: Any, weekday: int) -> int:
        return len(
            {
                c.number
                for c in self.cells
                if c.teaching.class_id == class_id and c.weekday == weekday
            }
        )

    def subject_on_day(self, t: Teaching, weekday: int) -> int:
        return sum(
            1
            for c in self.cells
            if c.teaching.class_id == t.class_id
            and c.teaching.subject_id == t.subject_id
            and c.weekday == weekday
        )

    def sibling_at(self, t: Teaching, weekday: int, number: int) -> bool:
        """A parallel subgroup of the same class-subject already sits in this slot."""
        return any(
            c.teaching.class_id == t.class_id
            and c.teaching.subject_id == t.subject_id
            and c.teaching.subgroup_id not in (None, t.subgroup_id)
            and c.weekday == weekday
            and c.number == number
            for c in self.cells
        )

    def room_for(self, cell: Cell, preferred: list[Any]) -> Any:
        allowed = self.rooms_allowed(cell.teaching)
        preferred = [r for r in preferred if r in allowed]
        for room in preferred + [r for r in allowed if r not in preferred]:
            candidate = Cell(cell.teaching, cell.weekday, cell.number, room)
            if self.free(candidate):
                return room
        return None


def _numbers(shift: int, times: Times) -> list[int]:
    numbers = sorted(n for (s, n) in times if s == shift)
    return numbers or list(range(1, DEFAULT_LESSONS_PER_DAY + 1))


def build_draft(
    *,
    teachings: list[Teaching],
    fixed: list[Cell],
    times: Times,
    rooms: list[Any],
    weekdays: list[int],
    day_limit: dict[int, int],
    teacher_rooms: dict[Any, list[Any]] | None = None,
    room_kinds: RoomKinds | None = None,
) -> Draft:
    """Fill the grids of the classes of `teachings` around the `fixed` cells of other classes.

    Each assignment gets ceil(hours) lessons, placed one lesson of each in turn. A lesson goes to the slot that puts the subject on
    the day where it has fewest lessons yet (spreading it over the week), then on the least loaded
    day, then at the earliest lesson number (no gaps at the start of the day); a subgroup prefers
    the slot of its parallel subgroup. Hard rules and the day limit are never broken; what cannot
    be placed is reported with the reason that stopped it. A lesson of a subject that needs a
    room type goes only to a free room of that type (`no_room_of_kind` when the school has none,
    `room_kind_busy` when they are all taken at every slot left); other lessons leave such rooms
    free.
    """
    board = _Board(
        times=times,
        cells=list(fixed),
        rooms=sorted(rooms, key=str),
        room_kinds=dict(room_kinds or {}),
        reserved_kinds=frozenset(t.room_kind for t in teachings if t.room_kind),
    )
    draft = Draft()
    teacher_rooms = teacher_rooms or {}
    ordered = sorted(teachings, key=lambda t: (-t.hours, *_teaching_order(t)))
    wanted = {t.assignment_id: math.ceil(t.hours) for t in ordered}
    placed = dict.fromkeys(wanted, 0)
    stopped: set[Any] = set()
    # Round by round, one lesson of each assignment still short: when the week runs out, the
    # shortage is shared instead of falling on the assignments that come last.
    for _round in range(max(wanted.values(), default=0)):
        for t in ordered:
            if t.assignment_id in stopped or placed[t.assignment_id] >= wanted[t.assignment_id]:
                continue
            cell, reason = _best_slot(board, t, weekdays, day_limit)
            if cell is None:
                missing = wanted[t.assignment_id] - placed[t.assignment_id]
                draft.unplaced.append(Unplaced(teaching=t, missing=missing, reason=reason))
                stopped.add(t.assignment_id)
                continue
            room = board.room_for(cell, teacher_rooms.get(t.teacher_id, []))
            placed_cell = Cell(t, cell.weekday, cell.number, room)
            board.cells.append(placed_cell)
            draft.cells.append(placed_cell)
            placed[t.assignment_id] += 1
    draft.cells.sort(
        key=lambda c: (
            c.teaching.class_name,
            c.weekday,
            c.number,
            str(c.teaching.subgroup_id or ""),
        )
    )
    return draft


def _best_slot(
    board: _Board, t: Teaching, weekdays: list[int], day_limit: dict[int, int]
) -> tuple[Cell | None, str]:
    limit = day_limit.get(t.grade)
    best: tuple[tuple[Any, ...], Cell] | None = None
    class_free_somewhere = False
    within_limit_somewhere = False
    teacher_free_somewhere = False
    if t.room_kind and not board.rooms_allowed(t):
        return None, "no_room_of_kind"
    for weekday in weekdays:
        load = board.class_day_load(t.class_id, weekday)
        for number in _numbers(t.shift, board.times):
            probe = Cell(t, weekday, number)
            class_problems = [
                p for p in conflicts(probe, board.cells, board.times) if p.code == "class_busy"
            ]
            if class_problems:
                continue
            class_free_somewhere = True
            sibling = board.sibling_at(t, weekday, number)
            adds_lesson = not sibling
            if limit is not None and adds_lesson and load >= limit:
                continue
            within_limit_somewhere = True
            if not board.free(probe):
                continue
            teacher_free_somewhere = True
            if t.room_kind and not board.typed_room_free(probe):
                continue
            score = (
                board.subject_on_day(t, weekday),
                0 if sibling else 1,
                load,
                number,
                weekday,
            )
            if best is None or score < best[0]:
                best = (score, probe)
    if best is not None:
        return best[1], ""
    if not class_free_somewhere:
        return None, "class_full"
    if not within_limit_somewhere:
        return None, "day_limit"
    if teacher_free_somewhere:
        return None, "room_kind_busy"
    return None, "teacher_busy"
