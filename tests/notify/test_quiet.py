"""Quiet hours as pure functions, across midnight and clock changes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from assist.notify.config import NotifyConfig, parse_hhmm
from assist.notify.quiet import in_quiet_hours, local_ts, next_allowed
from assist.settings import Settings

LONDON = ZoneInfo("Europe/London")
NINE_PM, EIGHT_AM = dt.time(21, 0), dt.time(8, 0)


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> float:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=LONDON).timestamp()


@pytest.mark.parametrize(
    ("hour", "minute", "quiet"),
    [
        (20, 59, False),
        (21, 0, True),
        (23, 30, True),
        (0, 0, True),
        (7, 59, True),
        (8, 0, False),
        (12, 0, False),
    ],
)
def test_overnight_window(hour: int, minute: int, quiet: bool) -> None:
    """21:00-08:00 is quiet: the evening and the small hours, not the day."""
    assert in_quiet_hours(at(24, hour, minute), LONDON, NINE_PM, EIGHT_AM) is quiet


def test_next_allowed_is_the_next_morning() -> None:
    """A text due at 22:00 waits until 08:00 the next day; one due at 03:00 until 08:00."""
    assert next_allowed(at(24, 22), LONDON, NINE_PM, EIGHT_AM) == at(25, 8)
    assert next_allowed(at(25, 3), LONDON, NINE_PM, EIGHT_AM) == at(25, 8)
    assert next_allowed(at(25, 12), LONDON, NINE_PM, EIGHT_AM) == at(25, 12)


def test_daytime_window_and_none() -> None:
    """A window inside one day works too; start == end means no quiet hours."""
    assert in_quiet_hours(at(24, 13), LONDON, dt.time(12), dt.time(14))
    assert not in_quiet_hours(at(24, 15), LONDON, dt.time(12), dt.time(14))
    assert not in_quiet_hours(at(24, 23), LONDON, dt.time(0), dt.time(0))


def test_clock_change_night() -> None:
    """On the night the clocks go back, 08:00 local is still 08:00 local (GMT)."""
    morning = next_allowed(at(24, 23, month=10), LONDON, NINE_PM, EIGHT_AM)
    assert morning == local_ts(dt.date(2026, 10, 25), EIGHT_AM, LONDON)
    assert dt.datetime.fromtimestamp(morning, LONDON).hour == 8


def test_config_from_settings() -> None:
    """Without the new settings the defaults are 21:00-08:00 quiet and reminders at 18:00."""
    config = NotifyConfig.from_settings(Settings())
    assert (config.quiet_start, config.quiet_end) == (NINE_PM, EIGHT_AM)
    assert config.bin_reminder_time == parse_hhmm("18:00") == dt.time(18)
