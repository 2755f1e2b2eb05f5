"""When each number's bin reminders come: the evening before (default) or a chosen time.

A chosen time before noon means the morning of collection, noon or later the day before.
A reminder never falls in quiet hours: a morning time before they end moves to their end,
an evening time inside them moves to half an hour before they start. Choices are stored
per number (`notify_reminder_times`), so they survive restarts; changing one marks the
number's pending reminders `replan`, and the next planning pass moves them (a reminder
already sent for a collection is never sent again).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from assist.notify.config import NotifyConfig, parse_hhmm
from assist.notify.quiet import in_quiet_hours, local_ts
from assist.store.base import Tx

NOON = dt.time(12, 0)
EVENING_MARGIN = dt.timedelta(minutes=30)
REPLAN = "replan"
"""`notify_jobs.status` of a pending reminder whose time changed (planned again, not sent)."""


@dataclass(frozen=True)
class Slot:
    """When a reminder for a collection goes: `at` local time, on the day or the day before."""

    at: dt.time
    morning: bool

    def due(self, day: dt.date, config: NotifyConfig) -> float:
        """The moment the reminder for collection `day` is due."""
        send_day = day if self.morning else day - dt.timedelta(days=1)
        return local_ts(send_day, self.at, config.tz)

    def expires(self, day: dt.date, config: NotifyConfig) -> float:
        """After this a reminder for `day` is useless: noon of the day, or its start."""
        return local_ts(day, NOON if self.morning else dt.time(0, 0), config.tz)


def slot(chosen: dt.time | None, config: NotifyConfig) -> Slot:
    """The slot for a chosen time (None: the configured evening default), out of quiet hours."""
    at = config.bin_reminder_time if chosen is None else chosen
    morning = at < NOON
    if _quiet(at, config):
        if morning:
            at = config.quiet_end
        else:
            start = dt.datetime.combine(dt.date(2000, 1, 3), config.quiet_start)
            at = (start - EVENING_MARGIN).time()
        if _quiet(at, config) or (at < NOON) != morning:
            at, morning = config.bin_reminder_time, config.bin_reminder_time < NOON
    return Slot(at, morning)


def _quiet(at: dt.time, config: NotifyConfig) -> bool:
    ts = local_ts(dt.date(2000, 1, 3), at, config.tz)
    return in_quiet_hours(ts, config.tz, config.quiet_start, config.quiet_end)


def clock_text(at: dt.time) -> str:
    """English clock time for a text: 7am, 6:30pm, 12pm."""
    hour = at.hour % 12 or 12
    minutes = f":{at.minute:02d}" if at.minute else ""
    return f"{hour}{minutes}{'am' if at.hour < 12 else 'pm'}"


async def chosen_time(tx: Tx, number: str, topic: str) -> dt.time | None:
    """The time this number chose for `topic` reminders; None for the default."""
    row = await tx.fetchone(
        "SELECT at FROM notify_reminder_times WHERE number = ? AND topic = ?", (number, topic)
    )
    return parse_hhmm(str(row["at"])) if row is not None else None


async def set_time(tx: Tx, number: str, topic: str, at: dt.time | None, now: float) -> int:
    """Store (None: clear) the number's time; marks its pending reminders for replanning.

    Returns how many pending reminders will be moved.
    """
    if at is None:
        await tx.execute(
            "DELETE FROM notify_reminder_times WHERE number = ? AND topic = ?", (number, topic)
        )
    else:
        await tx.execute(
            "INSERT INTO notify_reminder_times (number, topic, at, updated_at) VALUES (?,?,?,?)"
            " ON CONFLICT(number, topic) DO UPDATE SET at = excluded.at,"
            " updated_at = excluded.updated_at",
            (number, topic, at.strftime("%H:%M"), now),
        )
    return await tx.execute(
        f"UPDATE notify_jobs SET status = '{REPLAN}', updated_at = ? WHERE number = ?"
        " AND topic = ? AND status = 'pending'",
        (now, number, topic),
    )


async def replan_wanted(tx: Tx) -> bool:
    """True when some reminder's time changed and it waits for a planning pass."""
    row = await tx.fetchone(f"SELECT 1 AS x FROM notify_jobs WHERE status = '{REPLAN}' LIMIT 1")
    return row is not None
