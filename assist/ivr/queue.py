"""The phone line's view of the handoff queue: the few reads and writes it makes, each in
one transaction, and when the line reopens (who is answering: `assist.handoff.waiting`).

Hand-offs themselves go in through the runner (`assist.handoff.session_queue.StoreHandoffQueue`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from assist.dialogue.prompts import Prompts
from assist.handoff import callbacks, history
from assist.handoff import queue as hq
from assist.handoff.entries import DROPPED, WAITING, Conflict, Entry
from assist.handoff.estimator import WaitEstimate
from assist.hours import next_opening
from assist.settings import Settings
from assist.store.base import Store


@dataclass(frozen=True)
class Place:
    """Where a waiting citizen stands: their entry, 1-based place and the wait estimate."""

    entry: Entry
    position: int | None
    estimate: WaitEstimate


async def entry_for_session(store: Store, session_id: str) -> Entry | None:
    """The session's latest queue entry, or None."""
    async with store.transaction() as tx:
        return await hq.entry_for_session(tx, session_id)


async def place_of(
    store: Store, session_id: str, now: float, default_handle_time_s: float, announce: bool
) -> Place | None:
    """The session's place and estimate from OUR cross-channel queue (logged when announced)."""
    async with store.transaction() as tx:
        entry = await hq.entry_for_session(tx, session_id)
        if entry is None:
            return None
        position, est = await history.estimate_for(
            tx, entry.id, now, default_handle_time_s, log=announce
        )
        return Place(entry, position, est)


async def rejoin_if_dropped(store: Store, entry: Entry, now: float) -> Entry:
    """A caller back within the window gets their old place; otherwise the entry as it is."""
    if entry.status != DROPPED:
        return entry
    async with store.transaction() as tx:
        try:
            return await hq.rejoin(tx, entry.id, now)
        except Conflict:
            return entry


async def drop(store: Store, entry_id: str, now: float) -> Entry:
    """The caller hung up while waiting: keep their place for the window (callbacks stay)."""
    async with store.transaction() as tx:
        return await hq.abandon(tx, entry_id, now)


async def to_callback(
    store: Store,
    prompts: Prompts,
    entry: Entry,
    number: str,
    now: float,
    default_handle_time_s: float,
    when_text: str | None = None,
) -> Entry:
    """Turn a waiting (or dropped) entry into a callback keeping its place; idempotent.

    `when_text` ("tomorrow at 8am") replaces the wait estimate in the confirmation text,
    for callbacks booked out of hours."""
    if entry.kind == "callback" and entry.status == WAITING:
        return entry
    async with store.transaction() as tx:
        return await callbacks.to_callback(
            tx, prompts, entry.id, number, now, default_handle_time_s, when_text=when_text
        )


def reopens(
    settings: Settings, now: float, closed_dates: Collection[dt.date] = ()
) -> dt.datetime | None:
    """When the line next opens (local time), skipping closed dates; None if it never does."""
    return next_opening(
        settings.opening_hours,
        settings.timezone,
        dt.datetime.fromtimestamp(now, tz=dt.UTC),
        closed_dates,
    )
