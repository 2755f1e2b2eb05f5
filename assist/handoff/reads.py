"""Who may read a conversation in the console, and an audit line for every read (issue 20).

Any signed-in member of staff may read an open conversation (they may be the one to take
it); a closed one only a supervisor or, unless `ASSIST_CLOSED_CONVERSATIONS` is
`supervisors`, the agent who handled it. Each read is written to the audit log, which
supervisors see (`reads_of`).
"""

from __future__ import annotations

from typing import Any

from assist.handoff import auth
from assist.handoff.entries import CLOSED, Entry
from assist.handoff.web import Console
from assist.store import core

READ = "conversation_read"


class NotAllowed(Exception):
    """This member of staff may not read this (closed) conversation."""


def may_read(entry: Entry, who: auth.Staff, closed_rule: str) -> bool:
    """True when `who` may read `entry` under the closed-conversation rule."""
    if entry.status != CLOSED or who.is_supervisor:
        return True
    return closed_rule == "handler_and_supervisors" and entry.claimed_by == who.username


async def read_conversation(
    console: Console, who: auth.Staff, entry_id: str
) -> tuple[Entry, list[dict[str, Any]]]:
    """The entry and its transcript, after checking `who` may read it and auditing the read;
    raises EntryNotFound or NotAllowed."""
    entry, lines = await console.conversation(entry_id)
    allowed = may_read(entry, who, console.settings.closed_conversations)
    async with console.store.transaction() as tx:
        await core.audit(
            tx,
            who.username,
            READ if allowed else READ + "_refused",
            entry.id,
            {"session": entry.session_id, "status": entry.status},
            console.clock(),
        )
    if not allowed:
        raise NotAllowed(entry_id)
    return entry, lines


async def reads_of(console: Console, entry_id: str | None = None) -> list[dict[str, Any]]:
    """The latest conversation reads (and refusals), newest first, for supervisors."""
    async with console.store.transaction() as tx:
        rows = await core.audit_lines(tx, (READ, READ + "_refused"), entry_id)
    return [
        {
            "at": r["at"],
            "staff": r["actor"],
            "entry": r["subject"],
            "refused": r["action"] != READ,
        }
        for r in rows
    ]
