"""Opening hours: "are people answering now?" and "when do we reopen?"."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from assist.hours import is_open, next_opening, parse_hours, spoken_time

LONDON = ZoneInfo("Europe/London")
HOURS = "Mon-Fri 08:00-18:00; Sat 09:00-12:00"


def at(y: int, m: int, d: int, h: int, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (at(2026, 7, 8, 8, 0), True),  # Wednesday opening minute
        (at(2026, 7, 8, 17, 59), True),
        (at(2026, 7, 8, 18, 0), False),  # closing time is closed
        (at(2026, 7, 11, 10, 0), True),  # Saturday morning
        (at(2026, 7, 12, 10, 0), False),  # Sunday
    ],
)
def test_is_open_follows_the_local_opening_windows(when: dt.datetime, expected: bool) -> None:
    """Open from the start minute up to (not including) the end minute, local time."""
    assert is_open(HOURS, "Europe/London", when) is expected


def test_is_open_uses_the_council_time_zone_not_utc() -> None:
    """07:30 UTC in British summer time is 08:30 in London: open."""
    assert is_open(HOURS, "Europe/London", dt.datetime(2026, 7, 8, 7, 30, tzinfo=dt.UTC))


def test_next_opening_skips_the_weekend() -> None:
    """Saturday after noon: the line next opens on Monday at 8am."""
    assert next_opening(HOURS, "Europe/London", at(2026, 7, 11, 13, 0)) == at(2026, 7, 13, 8)


def test_next_opening_is_later_today_before_opening() -> None:
    """Early on a weekday: it opens at 8 the same day."""
    assert next_opening(HOURS, "Europe/London", at(2026, 7, 8, 6, 0)) == at(2026, 7, 8, 8)


def test_unreadable_hours_are_refused() -> None:
    """Text that is not `Day-Day HH:MM-HH:MM` raises ValueError naming the rule."""
    with pytest.raises(ValueError, match="Someday"):
        parse_hours("Someday 08:00-18:00")


def test_times_are_spoken_as_people_say_them() -> None:
    """8am, 8:30am, 12 noon, 6pm."""
    assert [spoken_time(dt.time(*t)) for t in ((8, 0), (8, 30), (12, 0), (18, 0))] == [
        "8am",
        "8:30am",
        "12 noon",
        "6pm",
    ]
