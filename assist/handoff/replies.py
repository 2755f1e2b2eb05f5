"""Staff replies on text channels: into the transcript, and to the channel through the outbox."""

from __future__ import annotations

import secrets

from assist.handoff.entries import CLAIMED, Conflict, get_entry, record_event
from assist.store import core
from assist.store.base import Tx

TEXT_CHANNELS = frozenset({"sms", "web", "terminal"})
MAX_REPLY_CHARS = 1000


async def staff_reply(tx: Tx, entry_id: str, agent_id: str, text: str, now: float) -> None:
    """Record a staff line in the transcript and an outbox row (`staff_reply`) to deliver it.

    Raises Conflict unless the agent holds the entry; ValueError for an empty or overlong
    reply or a voice conversation (staff speak on the call instead).
    """
    body = text.strip()
    if not body or len(body) > MAX_REPLY_CHARS:
        raise ValueError(f"a reply is 1 to {MAX_REPLY_CHARS} characters")
    entry = await get_entry(tx, entry_id)
    if entry.status != CLAIMED or entry.claimed_by != agent_id:
        raise Conflict(f"{entry_id} is not held by {agent_id}")
    if entry.channel not in TEXT_CHANNELS:
        raise ValueError(f"no text replies on the {entry.channel} channel")
    await core.append_transcript(tx, entry.session_id, "staff", body, {"agent": agent_id}, now=now)
    await core.enqueue_outbox(
        tx,
        kind="staff_reply",
        key=f"staff_reply:{entry_id}:{secrets.token_hex(8)}",
        payload={
            "session_id": entry.session_id,
            "channel": entry.channel,
            "to": entry.sender,
            "text": body,
            "agent": agent_id,
        },
        session_id=entry.session_id,
        recipient=entry.sender,
        now=now,
    )
    await record_event(tx, entry_id, agent_id, "replied", now)
