"""`StoreHandoffQueue`: the conversation runner's `HandoffQueue`, backed by this queue.

The runner (assist.conversations) calls `enqueue_in_tx` inside the turn's transaction and
keeps an integer handle; entry ids are `h_<16 hex>`, so the handle is that hex number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assist.dialogue.types import HandOff, Session
from assist.handoff import floods
from assist.handoff import queue as hq
from assist.store.base import Row, Tx


def entry_number(entry_id: str) -> int:
    """The runner's integer handle for an entry id."""
    return int(entry_id.removeprefix("h_"), 16)


def entry_id_of(number: int) -> str:
    """The entry id for a handle made by `entry_number`."""
    return f"h_{number:016x}"


@dataclass
class StoreHandoffQueue:
    """Hand-offs go into the store-backed queue in the turn's own transaction."""

    per_source: int = 0
    """Open entries one address or number may hold before more are suspected floods (0: off)."""
    secret: bytes = b""
    """Key for hashing sources, so the queue never stores a client's address."""

    async def enqueue_in_tx(
        self,
        tx: Tx,
        *,
        session: Session,
        handoff: HandOff,
        transcript: list[Row],
        now: float,
        origin: str | None = None,
    ) -> int:
        """Queue the citizen with the context packet; returns `entry_number` of the entry.

        The source is the web client's address (`origin`) or else the sender's number; a
        web chat with no known address counts per chat."""
        context: dict[str, Any] = handoff.context or {}
        entry = await hq.enqueue_in_tx(
            tx,
            session_id=session.id,
            channel=session.channel.value,
            sender=session.sender,
            language=session.language,
            reason=handoff.reason,
            priority=handoff.priority,
            skill=handoff.skill,
            transcript=transcript,
            intent=session.intent,
            slots={k: v for k, v in session.slots.items() if not str(k).startswith("_")},
            refs=session.refs,
            step=str(context.get("step") or session.position),
            source=floods.source_key(self.secret, origin or session.sender),
            per_source=self.per_source,
            now=now,
        )
        return entry_number(entry.id)
