"""IIN and BIN: the 12-digit national numbers of persons and legal entities (`DOMAIN.md` §1).

Pure functions, no database. The check digit is a hard rule; what the 7th digit and the date
say is only a hint (numbers with a 0 in position 7 exist in the state register), so parsing
returns warnings instead of refusing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

WEIGHTS_FIRST = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
WEIGHTS_SECOND = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
CENTURY_BY_DIGIT = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}


def check_digit(first_eleven: str) -> int | None:
    """Return the check digit for 11 digits, or None when the number is never issued."""
    digits = [int(ch) for ch in first_eleven]
    control = sum(d * w for d, w in zip(digits, WEIGHTS_FIRST, strict=True)) % 11
    if control == 10:
        control = sum(d * w for d, w in zip(digits, WEIGHTS_SECOND, strict=True)) % 11
    if control == 10:
        return None
    return control


def has_valid_checksum(number: str) -> bool:
    """True when `number` is 12 digits whose last digit is the two-pass mod-11 check digit."""
    if len(number) != 12 or not number.isascii() or not number.isdigit():
        return False
    expected = check_digit(number[:11])
    return expected is not None and expected == int(number[11])


@dataclass(frozen=True)
class IinInfo:
    """What an IIN tells about its holder; `birth_date`/`sex` are None when it cannot tell."""

    iin: str
    birth_date: dt.date | None
    sex: str | None  # "M" or "F"
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def needs_verification(self) -> bool:
        return bool(self.warnings)


class InvalidIdentifier(ValueError):
    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


def parse_iin(iin: str) -> IinInfo:
    """Check an IIN and derive birth date and sex where its 7th digit and date allow.

    Raise InvalidIdentifier for a wrong shape or check digit (hard rule). A 7th digit outside
    1-6 or a date that does not exist gives a warning: the person is then flagged for
    verification against the state person register.
    """
    iin = (iin or "").strip()
    if len(iin) != 12 or not iin.isascii() or not iin.isdigit():
        raise InvalidIdentifier("iin_format")
    if not has_valid_checksum(iin):
        raise InvalidIdentifier("iin_checksum")
    century_digit = int(iin[6])
    century = CENTURY_BY_DIGIT.get(century_digit)
    if century is None:
        return IinInfo(iin, None, None, ("iin_century_unknown",))
    try:
        birth = dt.date(century + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return IinInfo(iin, None, "M" if century_digit % 2 else "F", ("iin_date_invalid",))
    return IinInfo(iin, birth, "M" if century_digit % 2 else "F")


BIN_TYPES = {"4": "resident", "5": "non_resident", "6": "joint_entrepreneur"}
BIN_ATTRIBUTES = {
    "0": "head_unit",
    "1": "branch",
    "2": "representative_office",
    "3": "peasant_farm",
}


def validate_bin(bin_: str) -> str:
    """Return the BIN if it is valid; raise InvalidIdentifier otherwise.

    Positions 1-4 are YYMM of registration, 5 the type (4/5/6), 6 the attribute (0-3), 12 the
    same check digit as the IIN.
    """
    bin_ = (bin_ or "").strip()
    if len(bin_) != 12 or not bin_.isascii() or not bin_.isdigit():
        raise InvalidIdentifier("bin_format")
    if not 1 <= int(bin_[2:4]) <= 12:
        raise InvalidIdentifier("bin_month")
    if bin_[4] not in BIN_TYPES or bin_[5] not in BIN_ATTRIBUTES:
        raise InvalidIdentifier("bin_structure")
    if not has_valid_checksum(bin_):
        raise InvalidIdentifier("bin_checksum")
    return bin_


def complete_with_check_digit(first_eleven: str) -> str | None:
    """Append the check digit; None if these 11 digits can never form a valid number."""
    digit = check_digit(first_eleven)
    return None if digit is None else first_eleven + str(digit)


def make_iin(birth: dt.date, sex: str, serial: int) -> str | None:
    """Build an IIN for a birth date, sex and 4-digit serial (used by the synthetic seed)."""
    century = (birth.year // 100) * 100
    base = {1800: 1, 1900: 3, 2000: 5}[century] + (0 if sex == "M" else 1)
    head = f"{birth:%y%m%d}{base}{serial % 10000:04d}"
    return complete_with_check_digit(head)


def make_bin(
    year: int, month: int, serial: int, *, kind: str = "4", attribute: str = "0"
) -> str | None:
    head = f"{year % 100:02d}{month:02d}{kind}{attribute}{serial % 100000:05d}"
    return complete_with_check_digit(head)
