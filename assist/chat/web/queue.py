"""What the web chat asks of the store: queue place and wait, callbacks, drops, staff lines.

Thin calls into `assist.handoff` (queue, history, callbacks), each in its own transaction.
When the handoff tables are missing (a deployment without the queue wired), every call
answers "unknown" instead of failing the chat.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from assist.dialogue.prompts import Prompts
from assist.handoff import callbacks, history, liveness
from assist.handoff import queue as hq
from assist.handoff.entries import CLAIMED, DROPPED, WAITING, HandoffError
from assist.store import core
from assist.store.base import Row, Store, StoreUnavailable

log = logging.getLogger(__name__)
_ERRORS = (HandoffError, StoreUnavailable)


@dataclass(frozen=True)
class QueueState:
    """A session's queue entry as the citizen should see it."""

    entry_id: str
    status: str
    """waiting | claimed | dropped | closed | abandoned | handed_back"""
    position: int | None
    wait: str | None
    """The announced wait in plain words (None unless waiting)."""
    upper_s: float
    agent: str | None
    kind: str
    """live | callback"""
    waited_s: float = 0.0
    """How long the citizen has waited since first joining."""

    @property
    def shown(self) -> tuple[str, int | None, str | None, str | None]:
        """What the citizen sees; a change in it is worth telling them."""
        return (self.status, self.position, self.wait, self.agent)


async def queue_state(
    store: Store,
    prompts: Prompts,
    session_id: str,
    lang: str,
    now: float,
    default_handle_time_s: float,
) -> QueueState | None:
    """The session's latest queue entry with place and wait, or None when there is none."""
    try:
        async with store.transaction() as tx:
            entry = await hq.entry_for_session(tx, session_id)
            if entry is None:
                return None
            position: int | None = None
            wait: str | None = None
            upper = 0.0
            if entry.status == WAITING:
                position, est = await history.estimate_for(
                    tx, entry.id, now, default_handle_time_s, log=False
                )
                wait, upper = est.phrase(prompts, lang), est.upper_s
            return QueueState(
                entry.id,
                entry.status,
                position,
                wait,
                upper,
                entry.claimed_by if entry.status == CLAIMED else None,
                entry.kind,
                entry.waited_s(now),
            )
    except _ERRORS as exc:
        log.warning("queue state unavailable for %s: %s", session_id, exc)
        return None


async def log_announced(
    store: Store, entry_id: str, now: float, default_handle_time_s: float
) -> None:
    """Record the estimate just shown to the citizen (for the estimator's accuracy report)."""
    try:
        async with store.transaction() as tx:
            await history.estimate_for(tx, entry_id, now, default_handle_time_s, log=True)
    except _ERRORS as exc:
        log.warning("could not log the announced wait for %s: %s", entry_id, exc)


async def to_callback(
    store: Store,
    prompts: Prompts,
    entry_id: str,
    number: str,
    lang: str,
    now: float,
    default_handle_time_s: float,
    when_text: str | None = None,
) -> str | None:
    """Turn the entry into a callback keeping its place (at `when_text`, "on Monday at 8am",
    when booked out of hours); the wait in words, or None if refused."""
    try:
        async with store.transaction() as tx:
            await callbacks.to_callback(
                tx, prompts, entry_id, number, now, default_handle_time_s, when_text=when_text
            )
            _, est = await history.estimate_for(tx, entry_id, now, default_handle_time_s, log=False)
            return est.phrase(prompts, lang)
    except _ERRORS as exc:
        log.info("callback refused for %s: %s", entry_id, exc)
        return None


async def dropped(store: Store, session_id: str, now: float) -> None:
    """The citizen's last chat window closed: keep their place for the drop window."""
    try:
        async with store.transaction() as tx:
            entry = await hq.entry_for_session(tx, session_id)
            if entry is not None and entry.status == WAITING and entry.kind == "live":
                await hq.abandon(tx, entry.id, now)
    except _ERRORS as exc:
        log.warning("could not mark %s dropped: %s", session_id, exc)


async def heard_from(store: Store, session_id: str, now: float) -> None:
    """The chat is still open: the queue must not treat its citizen as gone."""
    try:
        async with store.transaction() as tx:
            await liveness.heard_from(tx, session_id, now)
    except _ERRORS as exc:
        log.warning("could not note %s as present: %s", session_id, exc)


async def returned(store: Store, session_id: str, now: float) -> None:
    """The citizen came back: restore a dropped place in the queue."""
    try:
        async with store.transaction() as tx:
            entry = await hq.entry_for_session(tx, session_id)
            if entry is not None and entry.status == DROPPED:
                await hq.rejoin(tx, entry.id, now)
    except _ERRORS as exc:
        log.info("could not rejoin %s: %s", session_id, exc)


async def staff_lines_after(store: Store, session_id: str, after_id: int) -> list[Row]:
    """Staff lines of the transcript newer than row `after_id` (id, text, agent), oldest first."""
    async with store.transaction() as tx:
        return await core.staff_lines_after(tx, session_id, after_id)


async def last_line_id(store: Store, session_id: str) -> int:
    """The id of the session's newest transcript line (0 when there is none)."""
    async with store.transaction() as tx:
        return await core.last_line_id(tx, session_id)


async def label_choice(store: Store, session_id: str, key: str, label: str) -> None:
    """Show a button choice in the transcript by its label ("Bins and recycling", not "1").

    The turn runner records the key pressed; on the web the citizen saw and chose the
    label, and staff reading the transcript should see the same.
    """
    async with store.transaction() as tx:
        await core.relabel_last_citizen_line(tx, session_id, key, label)
