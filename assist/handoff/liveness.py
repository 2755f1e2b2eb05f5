"""Is a waiting citizen still there? Channels that hold a line open say so; silence drops.

A phone caller on hold fetches a hold document about every 30 s and an open web chat checks
its place every few seconds, so each of those channels calls `heard_from` while its citizen
waits (at most every `HEARTBEAT_S`). A call whose hang-up never reached us (a lost status
callback, a closed `/try/phone` tab, a restart) or a chat whose socket vanished with a
restart then falls silent; `drop_silent`, run by `run_liveness`, treats an entry not heard
from for `ASSIST_ABANDON_AFTER_S` as dropped: out of the queue and the estimator at once, the
place kept for the usual 30 minutes in case they come back (HUMANE.md 15), then recorded as
abandoned. Entries whose channel never checks in (texts, callbacks) are never dropped here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from assist.handoff import queue as hq
from assist.handoff.entries import DROPPED, WAITING, Conflict, Entry, entry_from_row
from assist.store.base import Store, StoreUnavailable, Tx

log = logging.getLogger(__name__)

HEARTBEAT_S = 20.0
"""How often a channel with a live line says its waiting citizen is still there."""


async def heard_from(tx: Tx, session_id: str, now: float) -> Entry | None:
    """The citizen of `session_id` is still on the line: note it, and give a waiting place
    back if silence had dropped it (within the window). Returns the entry, or None."""
    entry = await hq.entry_for_session(tx, session_id)
    if entry is None or entry.kind != "live" or entry.status not in (WAITING, DROPPED):
        return entry
    await tx.execute("UPDATE handoff_entries SET seen_at = ? WHERE id = ?", (now, entry.id))
    if entry.status == DROPPED:
        try:
            return await hq.rejoin(tx, entry.id, now)
        except Conflict:
            return entry
    return entry


async def drop_silent(tx: Tx, now: float, silent_s: float) -> list[str]:
    """Drop waiting live entries whose channel has not checked in for `silent_s`; returns
    their ids. Only entries that were heard from at least once are considered."""
    rows = await tx.fetchall(
        "SELECT * FROM handoff_entries WHERE status = ? AND kind = 'live'"
        " AND seen_at IS NOT NULL AND seen_at < ?",
        (WAITING, now - silent_s),
    )
    dropped = []
    for row in rows:
        entry = entry_from_row(row)
        await hq.abandon(tx, entry.id, now)
        dropped.append(entry.id)
    return dropped


async def run_liveness(
    store: Store,
    silent_s: float,
    stop: asyncio.Event,
    clock: Callable[[], float],
) -> None:
    """Background job: every few seconds, drop the entries gone silent."""
    every = max(1.0, min(HEARTBEAT_S, silent_s / 4))
    while not stop.is_set():
        try:
            async with store.transaction() as tx:
                gone = await drop_silent(tx, clock(), silent_s)
            if gone:
                log.info("%d waiting citizen(s) silent for %.0f s: dropped", len(gone), silent_s)
        except StoreUnavailable as exc:
            log.warning("liveness pass skipped: %s", exc)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)
