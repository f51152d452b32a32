"""What the person register answers, as plain dataclasses (no ORM: callers decide what to store)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

RELATION_KINDS = ("mother", "father", "guardian", "trustee")


@dataclass(frozen=True)
class RegisteredAddress:
    """The registered (propiska) address; `kato` is the territorial code used by the hierarchy."""

    kato: str
    text: str


@dataclass(frozen=True)
class RegisterPerson:
    """A person as the register knows them: enough for age checks and address-based queues."""

    iin: str
    last_name: str
    first_name: str
    middle_name: str
    birth_date: dt.date
    sex: str  # "M" or "F"
    address: RegisteredAddress | None = None

    def age_on(self, day: dt.date) -> int:
        """Full years on `day` (the preschool queue asks the same question)."""
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


@dataclass(frozen=True)
class RegisterRelation:
    """A parent or legal representative of the person asked about."""

    iin: str
    kind: str  # one of RELATION_KINDS
    since: dt.date | None = None


@dataclass(frozen=True)
class Relations:
    iin: str
    representatives: tuple[RegisterRelation, ...] = field(default_factory=tuple)

    def has(self, guardian_iin: str, kind: str) -> bool:
        """Whether the register names `guardian_iin` as this person's representative of `kind`."""
        return any(r.iin == guardian_iin and r.kind == kind for r in self.representatives)
