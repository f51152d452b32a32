"""Pure rules of interim control tests (SEC-27.14): drawing questions by seed, and grading.

Grading is all-or-nothing per question: a single choice must name the right option, a multiple
choice exactly the set of right options (no partial credit, so guessing every option earns
nothing), a short answer one of the accepted answers compared without case, surrounding spaces
or repeated inner spaces.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

SINGLE = "single"
MULTIPLE = "multiple"
SHORT = "short"


def normalize_text(value: str) -> str:
    return " ".join(str(value).split()).casefold()


def draw_questions(
    bank_by_topic: Mapping[str, Sequence[Any]], counts: Mapping[str, int], seed: int
) -> list[Any]:
    """Draw `counts[topic]` ids from each topic's bank with `random.Random(seed)`.

    The same bank (ids sorted) and seed always give the same list, in the same order: topics in
    sorted order, ids within a topic in the drawn order.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible by seed on purpose; not a secret
    drawn: list[Any] = []
    for topic in sorted(counts):
        pool = sorted(bank_by_topic.get(topic, ()), key=str)
        wanted = counts[topic]
        if wanted > len(pool):
            raise ValueError(f"topic {topic!r}: {wanted} wanted, {len(pool)} in the bank")
        drawn.extend(rng.sample(pool, wanted))
    return drawn


def is_correct(kind: str, correct: Sequence[Any], response: Sequence[Any]) -> bool:
    if kind == SHORT:
        accepted = {normalize_text(a) for a in correct}
        return bool(response) and normalize_text(response[0]) in accepted
    chosen = {int(i) for i in response}
    if kind == SINGLE:
        return len(chosen) == 1 and chosen == {int(i) for i in correct}
    return bool(chosen) and chosen == {int(i) for i in correct}


def question_points(
    kind: str, correct: Sequence[Any], response: Sequence[Any], points: int
) -> Decimal:
    return Decimal(points) if is_correct(kind, correct, response) else Decimal(0)


def percent(score: Decimal, maximum: Decimal) -> Decimal | None:
    """The score as a percentage of the maximum, rounded to one decimal; None without a maximum."""
    if not maximum:
        return None
    return (Decimal(score) * 100 / Decimal(maximum)).quantize(Decimal("0.1"), ROUND_HALF_UP)
