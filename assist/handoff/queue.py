"""The handoff queue: one queue across channels, in the store; never two staff on one citizen.

Every operation is a function taking a `Tx`, so callers can combine it with their own
writes (the conversation runner enqueues in the same transaction that saves the session);
`HandoffQueue` wraps each in its own transaction for everyone else. Order is priority
(urgent first), then the original time of joining.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assist.dialogue.prompts import Prompts
from assist.dialogue.types import Priority
from assist.handoff import agents as agents_mod
from assist.handoff import callbacks, floods, history
from assist.handoff.entries import (
    ABANDONED,
    CLAIMED,
    CLOSED,
    DROPPED,
    HANDED_BACK,
    OPEN_STATUSES,
    WAITING,
    Conflict,
    Entry,
    ahead_of,
    entry_from_row,
    get_entry,
    new_entry_id,
    record_event,
    return_to_assistant,
    set_session_status,
)
from assist.handoff.estimator import WaitEstimate
from assist.store import core
from assist.store.base import Store, Tx, skip_locked

DROP_WINDOW_S = 1800.0
"""A dropped caller keeps their place this long (HUMANE.md 15)."""
_ORDER = "ORDER BY suspect ASC, priority DESC, enqueued_at ASC, id ASC"


def one_line_summary(reason: str, intent: str | None, slots: Mapping[str, Any]) -> str:
    """A one-line summary for the queue view: reason, intent and the first details given."""
    parts = [intent.replace("_", " ") if intent else reason.replace("_", " ")]
    details = [str(v) for v in slots.values() if isinstance(v, str | int | float) and str(v)]
    if details:
        parts.append(", ".join(details[:3]))
    line = ": ".join(parts)
    return line if len(line) <= 100 else line[:99] + "…"


async def _earlier_contacts(tx: Tx, sender: str, session_id: str) -> list[dict[str, Any]]:
    rows = await core.earlier_sessions(tx, sender, session_id)
    contacts: list[dict[str, Any]] = []
    for r in rows:
        state = r["state"]
        contacts.append(
            {
                "session_id": r["id"],
                "channel": r["channel"],
                "at": r["created_at"],
                "intent": state.get("intent"),
                "refs": state.get("refs", []),
            }
        )
    handled = await tx.fetchall(
        "SELECT session_id, reason, outcome, closed_at FROM handoff_entries WHERE sender = ?"
        " AND session_id != ? ORDER BY enqueued_at DESC LIMIT 5",
        (sender, session_id),
    )
    outcomes = {h["session_id"]: h for h in handled}
    for c in contacts:
        h = outcomes.pop(c["session_id"], None)
        if h is not None:
            c["handoff_outcome"] = h["outcome"]
    contacts.extend(
        {"session_id": h["session_id"], "handoff_outcome": h["outcome"], "at": h["closed_at"]}
        for h in outcomes.values()
    )
    return contacts


async def enqueue_in_tx(
    tx: Tx,
    *,
    session_id: str,
    channel: str,
    sender: str,
    language: str,
    reason: str,
    priority: Priority = Priority.NORMAL,
    skill: str | None = None,
    transcript: Sequence[Mapping[str, Any]] | None = None,
    intent: str | None = None,
    slots: Mapping[str, Any] | None = None,
    refs: Sequence[str] = (),
    step: str | None = None,
    summary: str | None = None,
    source: str | None = None,
    per_source: int = 0,
    now: float | None = None,
) -> Entry:
    """Put a citizen in the queue inside the caller's transaction; returns their entry.

    Idempotent per session: if the session already has an open entry it is returned (a
    dropped one rejoins, keeping its place), so a retried turn never queues twice.
    `transcript` defaults to the session's stored transcript. When `source` already has
    `per_source` open entries (0: no limit), the new one is a suspected flood (`floods`).
    """
    t = time.time() if now is None else now
    await finalize_dropped(tx, t)
    existing = await tx.fetchone(
        "SELECT * FROM handoff_entries WHERE session_id = ? AND status IN (?,?,?)"
        " ORDER BY enqueued_at DESC LIMIT 1",
        (session_id, *OPEN_STATUSES),
    )
    if existing is not None:
        entry = entry_from_row(existing)
        if entry.status == DROPPED:
            return await rejoin(tx, entry.id, now=t)
        return entry
    lines = list(transcript) if transcript is not None else await core.transcript(tx, session_id)
    packet = {
        "channel": channel,
        "language": language,
        "number": sender,
        "transcript": [dict(x) for x in lines],
        "intent": intent,
        "slots": dict(slots or {}),
        "refs": list(refs),
        "step": step,
        "earlier_contacts": await _earlier_contacts(tx, sender, session_id),
    }
    entry_id = new_entry_id()
    suspect = await floods.over_limit(tx, source, per_source)
    await tx.execute(
        "INSERT INTO handoff_entries (id, session_id, channel, sender, language, skill, reason,"
        " priority, summary, context, kind, status, enqueued_at, updated_at, source, suspect)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,'live',?,?,?,?,?)",
        (
            entry_id,
            session_id,
            channel,
            sender,
            language,
            skill,
            reason,
            int(priority),
            summary or one_line_summary(reason, intent, slots or {}),
            json.dumps(packet),
            WAITING,
            t,
            t,
            source,
            int(suspect),
        ),
    )
    detail = {"priority": int(priority), "channel": channel} | ({"suspect": 1} if suspect else {})
    await record_event(tx, entry_id, "assistant", "enqueued", t, detail)
    return await get_entry(tx, entry_id)


async def finalize_dropped(tx: Tx, now: float, window_s: float = DROP_WINDOW_S) -> int:
    """Turn drops older than the window into recorded abandonments; returns how many."""
    rows = await tx.fetchall(
        "SELECT id, enqueued_at, dropped_at FROM handoff_entries WHERE status = ?"
        " AND dropped_at <= ?" + skip_locked(tx),
        (DROPPED, now - window_s),
    )
    for r in rows:
        if not await tx.execute(
            "UPDATE handoff_entries SET status = ?, outcome = 'abandoned', closed_at = dropped_at,"
            " updated_at = ? WHERE id = ? AND status = ?",
            (ABANDONED, now, r["id"], DROPPED),
        ):
            continue  # another instance finalized it first (PostgreSQL)
        await history.settle_predictions(tx, r["id"], None, "abandoned")
        await record_event(
            tx,
            r["id"],
            "system",
            "abandoned",
            now,
            {"waited_s": round(r["dropped_at"] - r["enqueued_at"], 1)},
        )
    return len(rows)


async def waiting(tx: Tx, now: float) -> list[Entry]:
    """Everyone waiting (including callbacks not yet due), in serving order."""
    await finalize_dropped(tx, now)
    rows = await tx.fetchall(f"SELECT * FROM handoff_entries WHERE status = ? {_ORDER}", (WAITING,))
    return [entry_from_row(r) for r in rows]


async def open_entries(tx: Tx, now: float) -> list[Entry]:
    """Waiting and claimed entries (the console's live view), in serving order."""
    await finalize_dropped(tx, now)
    rows = await tx.fetchall(
        f"SELECT * FROM handoff_entries WHERE status IN (?,?) {_ORDER}", (WAITING, CLAIMED)
    )
    return [entry_from_row(r) for r in rows]


async def position(tx: Tx, entry_id: str) -> int | None:
    """1-based place in the queue, or None when the entry is not waiting."""
    entry = await get_entry(tx, entry_id)
    if entry.status != WAITING:
        return None
    return await ahead_of(tx, entry) + 1


async def _take(tx: Tx, entry: Entry, agent_id: str, now: float, action: str) -> Entry:
    changed = await tx.execute(
        "UPDATE handoff_entries SET status = ?, claimed_by = ?, claimed_at = ?,"
        " first_claimed_at = COALESCE(first_claimed_at, ?), updated_at = ?"
        " WHERE id = ? AND status = ?",
        (CLAIMED, agent_id, now, now, now, entry.id, WAITING),
    )
    if changed != 1:
        raise Conflict(f"{entry.id} is no longer waiting")
    if entry.first_claimed_at is None:
        await history.settle_predictions(tx, entry.id, now, "served")
    await set_session_status(tx, entry.session_id, "with_agent", now)
    await record_event(
        tx, entry.id, agent_id, action, now, {"waited_s": round(now - entry.enqueued_at, 1)}
    )
    return await get_entry(tx, entry.id)


async def claim_next(tx: Tx, agent_id: str, skills: Iterable[str], now: float) -> Entry | None:
    """Give the agent the oldest of the highest-priority entries they can serve, or None.

    Atomic: the entry moves from waiting to claimed by a conditional update, so two
    agents can never hold the same citizen.
    """
    await finalize_dropped(tx, now)
    have = set(skills)
    rows = await tx.fetchall(
        f"SELECT * FROM handoff_entries WHERE status = ? AND not_before <= ? {_ORDER}",
        (WAITING, now),
    )
    # A skill nobody signed in has must not leave the citizen waiting for ever: anyone may
    # then take them (with an interpreter or the right colleague, as staff see the skill).
    staffed = {
        skill
        for row in await tx.fetchall("SELECT skills FROM handoff_agents WHERE signed_in = 1")
        for skill in json.loads(row["skills"] or "[]")
    }
    for r in rows:
        entry = entry_from_row(r)
        if entry.skill is None or entry.skill in have or entry.skill not in staffed:
            if skip_locked(tx) and not await tx.fetchone(
                "SELECT id FROM handoff_entries WHERE id = ? AND status = ?" + skip_locked(tx),
                (entry.id, WAITING),
            ):
                continue  # another instance is claiming this one now (PostgreSQL)
            try:
                return await _take(tx, entry, agent_id, now, "claimed")
            except Conflict:
                continue
    return None


async def claim(tx: Tx, entry_id: str, agent_id: str, now: float) -> Entry:
    """Claim one particular waiting entry; raises Conflict when it is not waiting."""
    entry = await get_entry(tx, entry_id)
    if entry.status != WAITING:
        raise Conflict(f"{entry_id} is {entry.status}")
    return await _take(tx, entry, agent_id, now, "claimed")


async def _held_by(tx: Tx, entry_id: str, agent_id: str) -> Entry:
    entry = await get_entry(tx, entry_id)
    if entry.status != CLAIMED or entry.claimed_by != agent_id:
        raise Conflict(f"{entry_id} is not held by {agent_id}")
    return entry


async def release(tx: Tx, entry_id: str, agent_id: str, now: float) -> Entry:
    """Put a claimed entry back in the queue at its original place."""
    entry = await _held_by(tx, entry_id, agent_id)
    await tx.execute(
        "UPDATE handoff_entries SET status = ?, claimed_by = NULL, claimed_at = NULL,"
        " updated_at = ? WHERE id = ?",
        (WAITING, now, entry_id),
    )
    await set_session_status(tx, entry.session_id, "queued", now)
    await record_event(tx, entry_id, agent_id, "released", now)
    return await get_entry(tx, entry_id)


async def transfer(
    tx: Tx,
    entry_id: str,
    agent_id: str,
    now: float,
    *,
    to_agent: str | None = None,
    to_skill: str | None = None,
) -> Entry:
    """Hand a claimed entry to another agent, or back to the queue for a skill (place kept).

    Raises Conflict when the entry is not held by `agent_id` or the target agent is not
    signed in; ValueError without exactly one target.
    """
    if (to_agent is None) == (to_skill is None):
        raise ValueError("transfer needs exactly one of to_agent or to_skill")
    await _held_by(tx, entry_id, agent_id)
    if to_agent is not None:
        target = await agents_mod.get_agent(tx, to_agent)
        if target is None or not target.signed_in:
            raise Conflict(f"{to_agent} is not signed in to the queue")
        await tx.execute(
            "UPDATE handoff_entries SET claimed_by = ?, claimed_at = ?, updated_at = ?"
            " WHERE id = ?",
            (to_agent, now, now, entry_id),
        )
    else:
        await tx.execute(
            "UPDATE handoff_entries SET status = ?, skill = ?, claimed_by = NULL,"
            " claimed_at = NULL, updated_at = ? WHERE id = ?",
            (WAITING, to_skill, now, entry_id),
        )
    await record_event(
        tx, entry_id, agent_id, "transferred", now, {"to_agent": to_agent, "to_skill": to_skill}
    )
    return await get_entry(tx, entry_id)


async def _finish(
    tx: Tx,
    entry: Entry,
    agent_id: str,
    now: float,
    status: str,
    outcome: str,
    notes: str,
) -> Entry:
    handled = now - entry.claimed_at if entry.claimed_at is not None else None
    await tx.execute(
        "UPDATE handoff_entries SET status = ?, outcome = ?, notes = ?, closed_at = ?,"
        " handled_s = ?, updated_at = ? WHERE id = ?",
        (status, outcome, notes, now, handled, now, entry.id),
    )
    await record_event(tx, entry.id, agent_id, status, now, {"outcome": outcome})
    return await get_entry(tx, entry.id)


TEXT_CHANNELS = frozenset({"web", "sms", "terminal"})
"""Conversations that go on after staff close them (a call ends with the person)."""


async def close(
    tx: Tx,
    entry_id: str,
    agent_id: str,
    outcome: str,
    now: float,
    notes: str = "",
) -> Entry:
    """Close a claimed entry with an outcome code (e.g. `resolved`, `report_filed`)."""
    entry = await _held_by(tx, entry_id, agent_id)
    if entry.channel in TEXT_CHANNELS:
        await return_to_assistant(tx, entry.session_id, now)
    else:  # the call is over
        await set_session_status(tx, entry.session_id, "ended", now)
    return await _finish(tx, entry, agent_id, now, CLOSED, outcome, notes or entry.notes)


async def hand_back(tx: Tx, entry_id: str, agent_id: str, now: float, notes: str = "") -> Entry:
    """Return the citizen to the assistant (session active again); the entry is finished."""
    entry = await _held_by(tx, entry_id, agent_id)
    await return_to_assistant(tx, entry.session_id, now)
    await core.append_transcript(
        tx, entry.session_id, "system", "handed back to the assistant", now=now
    )
    return await _finish(tx, entry, agent_id, now, HANDED_BACK, "handed_back", notes or entry.notes)


async def add_note(tx: Tx, entry_id: str, agent_id: str, note: str, now: float) -> Entry:
    """Append a staff note to an entry the agent holds."""
    entry = await _held_by(tx, entry_id, agent_id)
    notes = (entry.notes + "\n" if entry.notes else "") + note.strip()
    await tx.execute(
        "UPDATE handoff_entries SET notes = ?, updated_at = ? WHERE id = ?", (notes, now, entry_id)
    )
    await record_event(tx, entry_id, agent_id, "noted", now)
    return await get_entry(tx, entry_id)


async def abandon(tx: Tx, entry_id: str, now: float) -> Entry:
    """The citizen dropped (hung up, closed the chat): keep their place for the window.

    Only becomes a recorded abandonment when the window passes without `rejoin`.
    Callbacks cannot be abandoned (we ring them); a non-waiting entry is returned as is.
    """
    entry = await get_entry(tx, entry_id)
    if entry.status != WAITING or entry.kind == "callback":
        return entry
    await tx.execute(
        "UPDATE handoff_entries SET status = ?, dropped_at = ?, updated_at = ? WHERE id = ?"
        " AND status = ?",
        (DROPPED, now, now, entry_id, WAITING),
    )
    await record_event(tx, entry_id, "citizen", "dropped", now)
    return await get_entry(tx, entry_id)


async def rejoin(tx: Tx, entry_id: str, now: float, window_s: float = DROP_WINDOW_S) -> Entry:
    """A dropped citizen came back within the window: restore their original place.

    Raises Conflict when the entry is not dropped or the window has passed.
    """
    entry = await get_entry(tx, entry_id)
    if entry.status != DROPPED or entry.dropped_at is None or now - entry.dropped_at > window_s:
        raise Conflict(f"{entry_id} cannot rejoin ({entry.status})")
    await tx.execute(
        "UPDATE handoff_entries SET status = ?, dropped_at = NULL, updated_at = ? WHERE id = ?",
        (WAITING, now, entry_id),
    )
    await record_event(tx, entry_id, "citizen", "rejoined", now)
    return await get_entry(tx, entry_id)


async def resumable(
    tx: Tx, sender: str, now: float, window_s: float = DROP_WINDOW_S
) -> Entry | None:
    """The sender's dropped entry still inside the window (to offer "carry on"), or None."""
    row = await tx.fetchone(
        "SELECT * FROM handoff_entries WHERE sender = ? AND status = ? AND dropped_at > ?"
        " ORDER BY dropped_at DESC LIMIT 1",
        (sender, DROPPED, now - window_s),
    )
    return entry_from_row(row) if row else None


async def entry_for_session(tx: Tx, session_id: str) -> Entry | None:
    """The session's most recent queue entry, or None."""
    row = await tx.fetchone(
        "SELECT * FROM handoff_entries WHERE session_id = ? ORDER BY enqueued_at DESC LIMIT 1",
        (session_id,),
    )
    return entry_from_row(row) if row else None


@dataclass
class HandoffQueue:
    """The queue bound to a store: each method runs in its own transaction."""

    store: Store
    default_handle_time_s: float = 360.0
    clock: Callable[[], float] = time.time
    publish: Callable[[str, dict[str, Any]], object] | None = None
    """Told of staff actions (topic `queue`, and `session:<id>` for the citizen's channel)."""

    def _emit(self, kind: str, entry: Entry, agent_id: str | None) -> Entry:
        if self.publish is not None:
            event = {
                "type": kind,
                "entry_id": entry.id,
                "session_id": entry.session_id,
                "agent": agent_id,
                "channel": entry.channel,
            }
            self.publish("queue", event)
            self.publish(f"session:{entry.session_id}", event)
        return entry

    async def enqueue(self, **kwargs: Any) -> Entry:
        """`enqueue_in_tx` in a transaction of its own."""
        async with self.store.transaction() as tx:
            return await enqueue_in_tx(tx, now=self.clock(), **kwargs)

    async def get(self, entry_id: str) -> Entry:
        """The entry; raises EntryNotFound."""
        async with self.store.transaction() as tx:
            return await get_entry(tx, entry_id)

    async def waiting(self) -> list[Entry]:
        """Waiting entries in serving order."""
        async with self.store.transaction() as tx:
            return await waiting(tx, self.clock())

    async def open_entries(self) -> list[Entry]:
        """Waiting and claimed entries in serving order."""
        async with self.store.transaction() as tx:
            return await open_entries(tx, self.clock())

    async def position(self, entry_id: str) -> int | None:
        """1-based place, or None when not waiting."""
        async with self.store.transaction() as tx:
            await finalize_dropped(tx, self.clock())
            return await position(tx, entry_id)

    async def estimate(self, entry_id: str, log: bool = True) -> tuple[int | None, WaitEstimate]:
        """Place and wait estimate for an entry; logged as an announced prediction."""
        async with self.store.transaction() as tx:
            return await history.estimate_for(
                tx, entry_id, self.clock(), self.default_handle_time_s, log=log
            )

    async def claim_next(self, agent_id: str, skills: Iterable[str] = ()) -> Entry | None:
        """The next entry this agent can serve, claimed atomically, or None."""
        async with self.store.transaction() as tx:
            entry = await claim_next(tx, agent_id, skills, self.clock())
        return self._emit("claimed", entry, agent_id) if entry else None

    async def claim(self, entry_id: str, agent_id: str) -> Entry:
        """Claim a particular entry; raises Conflict."""
        async with self.store.transaction() as tx:
            entry = await claim(tx, entry_id, agent_id, self.clock())
        return self._emit("claimed", entry, agent_id)

    async def release(self, entry_id: str, agent_id: str) -> Entry:
        """Back to the queue at the original place."""
        async with self.store.transaction() as tx:
            entry = await release(tx, entry_id, agent_id, self.clock())
        return self._emit("released", entry, agent_id)

    async def transfer(
        self,
        entry_id: str,
        agent_id: str,
        *,
        to_agent: str | None = None,
        to_skill: str | None = None,
    ) -> Entry:
        """To another agent or skill."""
        async with self.store.transaction() as tx:
            return await transfer(
                tx, entry_id, agent_id, self.clock(), to_agent=to_agent, to_skill=to_skill
            )

    async def close(self, entry_id: str, agent_id: str, outcome: str, notes: str = "") -> Entry:
        """Close with an outcome code."""
        async with self.store.transaction() as tx:
            entry = await close(tx, entry_id, agent_id, outcome, self.clock(), notes)
        return self._emit("closed", entry, agent_id)

    async def hand_back(self, entry_id: str, agent_id: str, notes: str = "") -> Entry:
        """Return the citizen to the assistant."""
        async with self.store.transaction() as tx:
            entry = await hand_back(tx, entry_id, agent_id, self.clock(), notes)
        return self._emit("handed_back", entry, agent_id)

    async def abandon(self, entry_id: str) -> Entry:
        """The citizen dropped; their place is kept for the window."""
        async with self.store.transaction() as tx:
            return await abandon(tx, entry_id, self.clock())

    async def rejoin(self, entry_id: str) -> Entry:
        """Restore a dropped citizen's place; raises Conflict after the window."""
        async with self.store.transaction() as tx:
            return await rejoin(tx, entry_id, self.clock())

    async def resumable(self, sender: str) -> Entry | None:
        """The sender's dropped entry inside the window, or None."""
        async with self.store.transaction() as tx:
            return await resumable(tx, sender, self.clock())

    async def sign_in(self, agent_id: str, skills: Iterable[str] = ()) -> None:
        """Make an agent available with skills."""
        async with self.store.transaction() as tx:
            await agents_mod.sign_in(tx, agent_id, skills, self.clock())

    async def sign_out(self, agent_id: str) -> None:
        """Make an agent unavailable."""
        async with self.store.transaction() as tx:
            await agents_mod.sign_out(tx, agent_id, self.clock())

    async def to_callback(
        self, prompts: Prompts, entry_id: str, number: str, when_text: str | None = None
    ) -> Entry:
        """Convert to a callback that keeps its place; confirmation SMS (words from
        `prompts`) via the outbox.

        `when_text` replaces the wait estimate in the SMS (see `callbacks.to_callback`).
        """
        async with self.store.transaction() as tx:
            return await callbacks.to_callback(
                tx, prompts, entry_id, number, self.clock(), self.default_handle_time_s, when_text
            )

    async def callback_failed(self, prompts: Prompts, entry_id: str, agent_id: str) -> Entry:
        """Record an unanswered callback: retried later, or closed after the last try (the
        closing text's words from `prompts`)."""
        async with self.store.transaction() as tx:
            return await callbacks.callback_failed(tx, prompts, entry_id, agent_id, self.clock())

    async def accuracy(self, since: float = 0.0) -> history.Accuracy:
        """MAE, bias and share inside the announced bucket of settled predictions."""
        async with self.store.transaction() as tx:
            return await history.accuracy(tx, since)
