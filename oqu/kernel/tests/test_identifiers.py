"""IIN and BIN: check digit as a hard rule, birth date and sex as hints (DOMAIN.md §1, MAP-PASS).

Test vectors come from DOMAIN.md §1. The property tests state exactly what the official two-pass
mod-11 rule guarantees; `test_map_pass_check_digit_does_not_guard_the_eleventh_digit` records
the one place where it guarantees nothing, so nobody relies on it there.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from oqu.kernel.identifiers import (
    InvalidIdentifier,
    complete_with_check_digit,
    has_valid_checksum,
    make_bin,
    make_iin,
    parse_iin,
    validate_bin,
)

DIGITS = "0123456789"


def _first_pass(number: str) -> int:
    """Step 1 of the rule in DOMAIN.md §1: weights 1..11, sum mod 11 (10 sends it to step 2)."""
    return sum(int(d) * w for d, w in zip(number[:11], range(1, 12), strict=True)) % 11


def _replace(number: str, position: int, digit: str) -> str:
    return number[:position] + digit + number[position + 1 :]


valid_iins = st.builds(
    make_iin,
    st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2099, 12, 31)),
    st.sampled_from(["M", "F"]),
    st.integers(min_value=0, max_value=9999),
).filter(lambda iin: iin is not None)

valid_bins = st.builds(
    make_bin,
    st.integers(min_value=0, max_value=99),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=0, max_value=99999),
    kind=st.sampled_from(["4", "5", "6"]),
    attribute=st.sampled_from(["0", "1", "2", "3"]),
).filter(lambda bin_: bin_ is not None)


# -- IIN: examples --------------------------------------------------------------------------


@pytest.mark.smoke
def test_map_pass_iin_vector_gives_birth_date_and_sex():
    # given the DOMAIN.md vector of a girl born on 11.12.2006
    # when it is parsed
    info = parse_iin("061211600012")
    # then birth date and sex come from the number, with nothing to verify
    assert (info.birth_date, info.sex, info.warnings) == (dt.date(2006, 12, 11), "F", ())
    assert info.needs_verification is False


@pytest.mark.parametrize("iin", ["760405050511", "980109050588"])
def test_map_pass_iin_with_seventh_digit_zero_is_accepted_with_a_warning(iin):
    # given numbers found in the state register whose 7th digit is 0 (valid check digit)
    info = parse_iin(iin)
    # then they are accepted, tell nothing about the holder and need verification
    assert (info.iin, info.birth_date, info.sex) == (iin, None, None)
    assert info.warnings == ("iin_century_unknown",)
    assert info.needs_verification is True


def test_map_pass_iin_with_impossible_date_keeps_sex_and_warns():
    # given a valid check digit on 30 February 1999, 7th digit 4 (female, 1900s)
    info = parse_iin("990230400001")
    # then the sex is known, the date is not, and the person needs verification
    assert (info.birth_date, info.sex, info.warnings) == (None, "F", ("iin_date_invalid",))


def test_map_pass_iin_is_trimmed_before_checking():
    assert parse_iin("  061211600012\n").iin == "061211600012"


@pytest.mark.parametrize(
    ("iin", "code"),
    [
        ("", "iin_format"),
        (None, "iin_format"),
        ("06121160001", "iin_format"),
        ("0612116000123", "iin_format"),
        ("06121160001A", "iin_format"),
        ("0612 1160001", "iin_format"),
        ("٠٦١٢١١٦٠٠٠١٢", "iin_format"),  # Arabic-Indic digits are digits to str.isdigit
        ("061211600013", "iin_checksum"),
        ("160121600012", "iin_checksum"),  # two digits swapped
        ("061211600050", "iin_checksum"),  # 11 digits whose check digit never exists
    ],
)
def test_map_pass_invalid_iin_is_refused_with_its_code(iin, code):
    with pytest.raises(InvalidIdentifier) as caught:
        parse_iin(iin)
    assert caught.value.code == code


def test_map_pass_eleven_digits_with_control_ten_twice_are_never_issued():
    # given 11 digits for which both passes of the rule give 10 ("ИИН не используется")
    head = "06121160005"
    # then no check digit completes them and no 12th digit makes them valid
    assert complete_with_check_digit(head) is None
    assert [d for d in DIGITS if has_valid_checksum(head + d)] == []


def test_map_pass_make_iin_builds_the_documented_vector():
    assert make_iin(dt.date(2006, 12, 11), "F", 1) == "061211600012"


# -- IIN: properties ------------------------------------------------------------------------


@given(
    birth=st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2099, 12, 31)),
    sex=st.sampled_from(["M", "F"]),
    serial=st.integers(min_value=0, max_value=9999),
)
def test_map_pass_every_generated_valid_iin_passes_and_round_trips(birth, sex, serial):
    iin = make_iin(birth, sex, serial)
    assume(iin is not None)
    info = parse_iin(iin)
    assert (info.birth_date, info.sex, info.warnings) == (birth, sex, ())


@given(iin=valid_iins, digit=st.sampled_from(DIGITS))
def test_map_pass_every_change_of_the_iin_check_digit_fails(iin, digit):
    assume(digit != iin[11])
    with pytest.raises(InvalidIdentifier) as caught:
        parse_iin(_replace(iin, 11, digit))
    assert caught.value.code == "iin_checksum"


@given(
    iin=valid_iins, position=st.integers(min_value=0, max_value=9), digit=st.sampled_from(DIGITS)
)
def test_map_pass_every_single_digit_change_in_digits_1_to_10_fails(iin, position, digit):
    # The first pass weighs digits 1-10 by 1..10, all non-zero mod 11, so any single change
    # moves its result. Only a change that sends either number to the second pass (first pass
    # = 10) can land on a valid number by coincidence (about 1 change in 100); those are left
    # out here and counted in the characterization test below.
    changed = _replace(iin, position, digit)
    assume(digit != iin[position])
    assume(_first_pass(iin) != 10 and _first_pass(changed) != 10)
    assert has_valid_checksum(changed) is False
    with pytest.raises(InvalidIdentifier):
        parse_iin(changed)


def test_map_pass_check_digit_does_not_guard_the_eleventh_digit():
    """Characterization of the official rule: digit 11 weighs 11 ≡ 0 (mod 11) in the first pass.

    Whenever the first pass decides (its result is not 10), changing digit 11 keeps the check
    digit valid. The checksum is therefore no proof that a number was typed right; only the
    state person register is. The issue's "every single-digit change fails" cannot hold.
    """
    # given a vector decided by the first pass
    iin = "980109050588"
    assert _first_pass(iin) == 8
    # when its 11th digit takes every other value
    changed = [_replace(iin, 10, d) for d in DIGITS if d != iin[10]]
    # then all nine still pass the checksum
    assert [has_valid_checksum(number) for number in changed] == [True] * 9


def test_map_pass_single_digit_changes_of_the_vectors_that_still_pass():
    """Exactly which single-digit changes of a DOMAIN.md vector the rule lets through."""
    iin = "061211600012"  # decided by the second pass: digit 11 is guarded here
    passing = sorted(
        _replace(iin, p, d)
        for p in range(12)
        for d in DIGITS
        if d != iin[p] and has_valid_checksum(_replace(iin, p, d))
    )
    assert passing == [
        "021211600012",
        "061011600012",
        "061211600812",
        "061211604012",
        "061211800012",
        "061217600012",
        "061261600012",
        "062211600012",
        "361211600012",
    ]


# -- BIN ------------------------------------------------------------------------------------


@pytest.mark.parametrize("bin_", ["940140000385", "990140004654"])
def test_r503_3_bin_vectors_are_valid(bin_):
    assert validate_bin(bin_) == bin_


@pytest.mark.parametrize(
    ("bin_", "code"),
    [
        ("", "bin_format"),
        (None, "bin_format"),
        ("94014000038", "bin_format"),
        ("94014000038X", "bin_format"),
        ("940040000385", "bin_month"),  # month 00
        ("941340000385", "bin_month"),  # month 13, check digit valid
        ("940170000389", "bin_structure"),  # type 7, check digit valid
        ("940144000387", "bin_structure"),  # attribute 4, check digit valid
        ("940140000386", "bin_checksum"),
    ],
)
def test_r503_3_invalid_bin_is_refused_with_its_code(bin_, code):
    with pytest.raises(InvalidIdentifier) as caught:
        validate_bin(bin_)
    assert caught.value.code == code


@given(bin_=valid_bins)
def test_r503_3_every_generated_valid_bin_passes(bin_):
    assert validate_bin(bin_) == bin_


@given(bin_=valid_bins, digit=st.sampled_from(DIGITS))
def test_r503_3_every_change_of_the_bin_check_digit_fails(bin_, digit):
    assume(digit != bin_[11])
    with pytest.raises(InvalidIdentifier) as caught:
        validate_bin(_replace(bin_, 11, digit))
    assert caught.value.code == "bin_checksum"


@given(
    bin_=valid_bins, position=st.integers(min_value=0, max_value=9), digit=st.sampled_from(DIGITS)
)
def test_r503_3_every_single_digit_change_in_bin_digits_1_to_10_fails(bin_, position, digit):
    changed = _replace(bin_, position, digit)
    assume(digit != bin_[position])
    assume(_first_pass(bin_) != 10 and _first_pass(changed) != 10)
    with pytest.raises(InvalidIdentifier):
        validate_bin(changed)


def test_r503_3_bin_check_digit_does_not_guard_the_eleventh_digit():
    # given the BIN vector decided by the first pass
    bin_ = "940140000385"
    assert _first_pass(bin_) == 5
    # then every other 11th digit still passes: the serial's last digit is unprotected
    changed = [_replace(bin_, 10, d) for d in DIGITS if d != bin_[10]]
    assert [validate_bin(number) for number in changed] == changed
