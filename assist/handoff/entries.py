"""Queue entries as values, their errors, and the small helpers every queue operation shares.

HandoffError        anything the queue refuses
├── EntryNotFound   no such entry
└── Conflict        the entry is not in a state that allows this (already claimed,
                    claimed by someone else, closed...)
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from assist.dialogue.types import AFTER_A_PERSON, Priority
from assist.store import core
from assist.store.base import Row, Tx

WAITING = "waiting"
CLAIMED = "claimed"
DROPPED = "dropped"
CLOSED = "closed"
ABANDONED = "abandoned"
HANDED_BACK = "handed_back"
OPEN_STATUSES = (WAITING, CLAIMED, DROPPED)


class HandoffError(Exception):
    """The queue refused an operation."""


class EntryNotFound(HandoffError):
    """No queue entry has that id."""


class Conflict(HandoffError):
    """The entry's state does not allow the operation (claimed by another, closed...)."""


@dataclass(frozen=True)
class Entry:
    """One citizen waiting for (or with) a person."""

    id: str
    session_id: str
    channel: str
    sender: str
    language: str
    skill: str | None
    reason: str
    priority: Priority
    summary: str
    context: dict[str, Any]
    """The context packet: channel, language, number, transcript, intent, slots, refs,
    step, earlier contacts."""
    kind: str
    """`live` or `callback`."""
    status: str
    enqueued_at: float
    """The original time of joining: kept through release, transfer, callback and rejoin."""
    not_before: float = 0.0
    dropped_at: float | None = None
    first_claimed_at: float | None = None
    claimed_at: float | None = None
    claimed_by: str | None = None
    closed_at: float | None = None
    outcome: str | None = None
    notes: str = ""
    handled_s: float | None = None
    callback_number: str | None = None
    callback_attempts: int = 0
    source: str | None = None
    """A keyed hash of where the request came from (web client address or number), or None."""
    suspect: bool = False
    """Joined while its source already had the flood limit's number of open entries: served
    after everyone else and flagged to staff."""
    extra: dict[str, Any] = field(default_factory=dict)

    def waited_s(self, now: float) -> float:
        """How long this person has waited (to the first claim, or until now)."""
        end = self.first_claimed_at if self.first_claimed_at is not None else now
        return max(0.0, end - self.enqueued_at)

    def to_json(self, now: float | None = None) -> dict[str, Any]:
        """A JSON-ready dict (the API's representation)."""
        data = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "extra"}
        data["priority"] = self.priority.name.lower()
        if now is not None:
            data["waited_s"] = round(self.waited_s(now), 1)
        return data


def entry_from_row(row: Row) -> Entry:
    """Build an `Entry` from a `handoff_entries` row."""
    return Entry(
        id=row["id"],
        session_id=row["session_id"],
        channel=row["channel"],
        sender=row["sender"],
        language=row["language"],
        skill=row["skill"],
        reason=row["reason"],
        priority=Priority(int(row["priority"])),
        summary=row["summary"],
        context=json.loads(row["context"]),
        kind=row["kind"],
        status=row["status"],
        enqueued_at=float(row["enqueued_at"]),
        not_before=float(row["not_before"] or 0.0),
        dropped_at=row["dropped_at"],
        first_claimed_at=row["first_claimed_at"],
        claimed_at=row["claimed_at"],
        claimed_by=row["claimed_by"],
        closed_at=row["closed_at"],
        outcome=row["outcome"],
        notes=row["notes"] or "",
        handled_s=row["handled_s"],
        callback_number=row["callback_number"],
        callback_attempts=int(row["callback_attempts"] or 0),
        source=row.get("source"),
        suspect=bool(row.get("suspect") or 0),
    )


def new_entry_id() -> str:
    """A fresh, unguessable entry id."""
    return "h_" + secrets.token_hex(8)


async def get_entry(tx: Tx, entry_id: str) -> Entry:
    """The entry with this id; raises EntryNotFound."""
    row = await tx.fetchone("SELECT * FROM handoff_entries WHERE id = ?", (entry_id,))
    if row is None:
        raise EntryNotFound(entry_id)
    return entry_from_row(row)


async def record_event(
    tx: Tx,
    entry_id: str,
    actor: str,
    action: str,
    now: float,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append to the queue's event log (drives live updates) and to the core audit log."""
    await tx.execute(
        "INSERT INTO handoff_events (entry_id, at, actor, action, detail) VALUES (?,?,?,?,?)",
        (entry_id, now, actor, action, json.dumps(detail or {})),
    )
    await core.audit(tx, actor, f"handoff.{action}", entry_id, detail, now=now)


async def set_session_status(tx: Tx, session_id: str, status: str, now: float) -> None:
    """Mirror the queue's state into the conversation's session, when there is one."""
    row = await core.load_session(tx, session_id)
    if row is None:
        return
    state = json.loads(row["state"])
    state["status"] = status
    state["updated_at"] = now
    await core.save_session(
        tx,
        session_id=session_id,
        channel=row["channel"],
        sender=row["sender"],
        status=status,
        state=state,
        now=now,
    )


async def return_to_assistant(tx: Tx, session_id: str, now: float) -> None:
    """After staff close or hand back a text conversation, the assistant carries on with the
    same session (its details, references and language) at "Is there anything else?", rather
    than greeting the citizen again on their next message."""
    row = await core.load_session(tx, session_id)
    if row is None:
        return
    state = json.loads(row["state"])
    state["flow"], state["step"] = AFTER_A_PERSON
    state.update(status="active", misses=0, low_confidence=0, last_actions=[], updated_at=now)
    await core.save_session(
        tx,
        session_id=session_id,
        channel=row["channel"],
        sender=row["sender"],
        status="active",
        state=state,
        now=now,
    )


async def ahead_of(tx: Tx, entry: Entry) -> int:
    """How many waiting entries are served before `entry` (suspected floods come last)."""
    row = await tx.fetchone(
        "SELECT COUNT(*) AS n FROM handoff_entries WHERE status = ? AND id != ? AND ("
        " suspect < ? OR (suspect = ? AND ("
        " priority > ? OR (priority = ? AND (enqueued_at < ? OR (enqueued_at = ? AND id < ?))))))",
        (
            WAITING,
            entry.id,
            int(entry.suspect),
            int(entry.suspect),
            int(entry.priority),
            int(entry.priority),
            entry.enqueued_at,
            entry.enqueued_at,
            entry.id,
        ),
    )
    return int(row["n"]) if row else 0
