"""Quiet hours: no notification texts at night; a text due then waits for the morning."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def in_quiet_hours(ts: float, tz: ZoneInfo, start: dt.time, end: dt.time) -> bool:
    """True when local time at `ts` is inside [start, end) (a window may cross midnight).

    `start == end` means no quiet hours.
    """
    if start == end:
        return False
    t = dt.datetime.fromtimestamp(ts, tz).time()
    if start < end:
        return start <= t < end
    return t >= start or t < end


def next_allowed(ts: float, tz: ZoneInfo, start: dt.time, end: dt.time) -> float:
    """`ts` itself outside quiet hours, else the moment quiet hours end (local `end`)."""
    if not in_quiet_hours(ts, tz, start, end):
        return ts
    local = dt.datetime.fromtimestamp(ts, tz)
    day = local.date()
    if local.time() >= end and start > end:  # evening part of an overnight window
        day = day + dt.timedelta(days=1)
    return local_ts(day, end, tz)


def local_ts(day: dt.date, at: dt.time, tz: ZoneInfo) -> float:
    """The timestamp of local wall-clock `at` on `day` (DST-aware)."""
    return dt.datetime.combine(day, at, tzinfo=tz).timestamp()
