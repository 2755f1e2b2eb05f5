"""UK numbers: typed to E.164, mobiles told apart, and read back as people write them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assist.phones import display_number, looks_like_a_number, uk_mobile, uk_number


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("07700 900777", "+447700900777"),
        ("+44 7700 900777", "+447700900777"),
        ("+44 (0)7700 900777", "+447700900777"),
        ("0044 7700-900-777", "+447700900777"),
        ("07400123456", "+447400123456"),
        ("01223 457000", None),  # a landline
        ("07000 123456", None),  # 070: a personal number, not a mobile
        ("07600 123456", None),  # 076: pagers
        ("0770 090 077", None),  # too short
        ("+1 415 555 0100", None),
        ("", None),
    ],
)
def test_uk_mobiles(raw: str, e164: str | None) -> None:
    """Only 07… / +447… mobiles (not 070 or 076) are accepted, in any common spelling."""
    assert uk_mobile(raw) == e164


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+447700900777", "07700 900777"),
        ("+441223457000", "01223 457000"),
        ("+442079460000", "020 7946 0000"),
        ("+443450455200", "0345 045 5200"),
        ("+15551234567", "+15551234567"),
        ("not a number", "not a number"),
    ],
)
def test_numbers_are_read_back_as_people_write_them(e164: str, shown: str) -> None:
    """E.164 comes back in the UK's usual spacing; anything else unchanged."""
    assert display_number(e164) == shown


@given(st.from_regex(r"7[1-57-9][0-9]{8}", fullmatch=True))
def test_a_mobile_read_back_is_the_same_number(rest: str) -> None:
    """What we show a citizen parses back to the number we hold."""
    e164 = "+44" + rest
    assert uk_mobile(display_number(e164)) == e164 == uk_number(display_number(e164))


def test_numbers_and_words_are_told_apart() -> None:
    """A typed number (even a wrong one) is a number; a sentence is not."""
    assert looks_like_a_number("01223 457000")
    assert not looks_like_a_number("+44 12")
    assert looks_like_a_number("12345678")
    assert not looks_like_a_number("no thanks")
    assert not looks_like_a_number("I live at 12 Mill Road")
