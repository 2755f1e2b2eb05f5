"""Opening hours as pure functions: are people answering now, when do we reopen, and the
hours in plain words for the citizen.

The format is the one `ASSIST_OPENING_HOURS` documents: `Mon-Fri 08:00-18:00`, several
rules joined by `;` (`Mon-Fri 08:00-18:00; Sat 09:00-12:00`), days as ranges or comma lists.
Channels and the engine share it; it depends on nothing but the standard library.
Closed dates (bank holidays) are local calendar dates on which nobody answers all day.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RULE = re.compile(r"^\s*([A-Za-z,\- ]+?)\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class Window:
    """People answer on `weekday` (Monday 0) from `start` until `end`."""

    weekday: int
    start: dt.time
    end: dt.time


def _days(spec: str) -> list[int]:
    out: list[int] = []
    for part in spec.replace(" ", "").lower().split(","):
        if "-" in part:
            a, b = part.split("-", 1)
            i, j = DAYS.index(a[:3]), DAYS.index(b[:3])
            out.extend(range(i, j + 1) if i <= j else [*range(i, 7), *range(0, j + 1)])
        elif part:
            out.append(DAYS.index(part[:3]))
    return out


def parse_hours(text: str) -> list[Window]:
    """The opening windows in `text`; raises ValueError for text it cannot read."""
    windows: list[Window] = []
    for rule in filter(None, (r.strip() for r in text.split(";"))):
        m = _RULE.match(rule)
        if m is None:
            raise ValueError(f"cannot read opening hours {rule!r}")
        try:
            days = _days(m.group(1))
        except ValueError:
            raise ValueError(f"unknown day in {rule!r}") from None
        start = dt.time(int(m.group(2)), int(m.group(3)))
        end = dt.time(int(m.group(4)), int(m.group(5)))
        windows.extend(Window(d, start, end) for d in days)
    return windows


def is_open(
    hours: str, timezone: str, now: dt.datetime, closed_dates: Collection[dt.date] = ()
) -> bool:
    """True when `now` (timezone-aware) falls inside one of the opening windows and its
    local date is not one of `closed_dates` (bank holidays: closed all day)."""
    local = now.astimezone(ZoneInfo(timezone))
    if local.date() in closed_dates:
        return False
    t = local.time()
    return any(w.weekday == local.weekday() and w.start <= t < w.end for w in parse_hours(hours))


def next_opening(
    hours: str, timezone: str, now: dt.datetime, closed_dates: Collection[dt.date] = ()
) -> dt.datetime | None:
    """The next moment the line opens after `now` (local time), skipping `closed_dates`;
    None if it never does."""
    windows = parse_hours(hours)
    tz = ZoneInfo(timezone)
    local = now.astimezone(tz)
    for days_ahead in range(8 + len(closed_dates)):
        day = local.date() + dt.timedelta(days=days_ahead)
        if day in closed_dates:
            continue
        starts = sorted(w.start for w in windows if w.weekday == day.weekday())
        for start in starts:
            candidate = dt.datetime.combine(day, start, tzinfo=tz)
            if candidate > local:
                return candidate
    return None


def spoken_time(t: dt.time) -> str:
    """ "8am", "8:30am", "12 noon", "6pm" (English, as callers say it)."""
    if t == dt.time(12, 0):
        return "12 noon"
    hour = t.hour % 12 or 12
    suffix = "am" if t.hour < 12 else "pm"
    return f"{hour}{suffix}" if t.minute == 0 else f"{hour}:{t.minute:02d}{suffix}"


def describe(hours: str, say: Callable[[str], str], time_words: Callable[[dt.time], str]) -> str:
    """The hours in plain words: "Monday to Friday, 8am to 6pm; Saturday, 9am to 12 noon".

    `say(key)` gives the words for `weekday.N`, `hours.range` ("{first} to {last}") and
    `hours.window` ("{days}, {start} to {end}") in the citizen's language; `time_words`
    says a time. Text it cannot read is returned unchanged.
    """
    try:
        windows = parse_hours(hours)
    except ValueError:
        return hours
    spans: dict[tuple[dt.time, dt.time], list[int]] = {}
    for w in windows:
        spans.setdefault((w.start, w.end), []).append(w.weekday)
    parts = []
    for (start, end), days in spans.items():
        runs: list[list[int]] = []
        for d in sorted(set(days)):
            if runs and d == runs[-1][-1] + 1:
                runs[-1].append(d)
            else:
                runs.append([d])
        names = [
            say(f"weekday.{r[0]}")
            if len(r) == 1
            else say("hours.range").format(
                first=say(f"weekday.{r[0]}"), last=say(f"weekday.{r[-1]}")
            )
            for r in runs
        ]
        parts.append(
            say("hours.window").format(
                days=", ".join(names), start=time_words(start), end=time_words(end)
            )
        )
    return "; ".join(parts)
