"""Core tables: sessions, transcripts, the outbox of side effects, and the audit log."""

from __future__ import annotations

import json
import time
from typing import Any

from assist.store.base import Migration, Row, Tx

MIGRATIONS = [
    Migration(
        "core",
        1,
        """
        CREATE TABLE sessions (
          id TEXT PRIMARY KEY,
          channel TEXT NOT NULL,
          sender TEXT NOT NULL,
          status TEXT NOT NULL,
          state TEXT NOT NULL,
          created_at REAL NOT NULL,
          updated_at REAL NOT NULL
        );
        CREATE INDEX sessions_by_sender ON sessions (channel, sender, updated_at);
        CREATE TABLE transcripts (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          session_id TEXT NOT NULL,
          at REAL NOT NULL,
          role TEXT NOT NULL,
          text TEXT NOT NULL,
          meta TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX transcripts_by_session ON transcripts (session_id, id);
        CREATE TABLE outbox (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          kind TEXT NOT NULL,
          key TEXT NOT NULL UNIQUE,
          session_id TEXT,
          recipient TEXT,
          payload TEXT NOT NULL,
          status TEXT NOT NULL DEFAULT 'pending',
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at REAL NOT NULL,
          last_error TEXT,
          result TEXT,
          created_at REAL NOT NULL,
          updated_at REAL NOT NULL
        );
        CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
        CREATE TABLE audit (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          at REAL NOT NULL,
          actor TEXT NOT NULL,
          action TEXT NOT NULL,
          subject TEXT,
          detail TEXT NOT NULL DEFAULT '{}'
        );
        """,
    ),
]


async def load_session(tx: Tx, session_id: str) -> Row | None:
    """The stored session row (state still JSON text), or None."""
    return await tx.fetchone("SELECT * FROM sessions WHERE id = ?", (session_id,))


async def latest_session(tx: Tx, channel: str, sender: str, since: float) -> Row | None:
    """The most recent session of this sender on this channel updated after `since`."""
    return await tx.fetchone(
        "SELECT * FROM sessions WHERE channel = ? AND sender = ? AND updated_at >= ?"
        " ORDER BY updated_at DESC LIMIT 1",
        (channel, sender, since),
    )


async def save_session(
    tx: Tx,
    *,
    session_id: str,
    channel: str,
    sender: str,
    status: str,
    state: dict[str, Any],
    now: float,
) -> None:
    """Insert or update a session."""
    await tx.execute(
        "INSERT INTO sessions (id, channel, sender, status, state, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET status=excluded.status,"
        " state=excluded.state, updated_at=excluded.updated_at",
        (session_id, channel, sender, status, json.dumps(state), now, now),
    )


async def append_transcript(
    tx: Tx,
    session_id: str,
    role: str,
    text: str,
    meta: dict[str, Any] | None = None,
    now: float | None = None,
) -> None:
    """Add a line to a conversation's transcript (role: citizen, assistant, staff, system)."""
    await tx.execute(
        "INSERT INTO transcripts (session_id, at, role, text, meta) VALUES (?,?,?,?,?)",
        (session_id, now if now is not None else time.time(), role, text, json.dumps(meta or {})),
    )


async def transcript(tx: Tx, session_id: str) -> list[Row]:
    """A conversation's transcript, oldest first, `meta` decoded."""
    rows = await tx.fetchall(
        "SELECT at, role, text, meta FROM transcripts WHERE session_id = ? ORDER BY id",
        (session_id,),
    )
    for r in rows:
        r["meta"] = json.loads(r["meta"])
    return rows


async def enqueue_outbox(
    tx: Tx,
    *,
    kind: str,
    key: str,
    payload: dict[str, Any],
    session_id: str | None = None,
    recipient: str | None = None,
    now: float | None = None,
    not_before: float | None = None,
) -> bool:
    """Record a side effect to deliver; returns False if `key` was already recorded.

    The unique key makes delivery idempotent: a retried turn records nothing new.
    """
    t = now if now is not None else time.time()
    changed = await tx.execute(
        "INSERT INTO outbox (kind, key, session_id, recipient, payload, next_attempt_at,"
        " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(key) DO NOTHING",
        (
            kind,
            key,
            session_id,
            recipient,
            json.dumps(payload),
            not_before if not_before is not None else t,
            t,
            t,
        ),
    )
    return changed > 0


async def audit(
    tx: Tx,
    actor: str,
    action: str,
    subject: str | None = None,
    detail: dict[str, Any] | None = None,
    now: float | None = None,
) -> None:
    """Write an audit line (never personal data: ids and counts only)."""
    await tx.execute(
        "INSERT INTO audit (at, actor, action, subject, detail) VALUES (?,?,?,?,?)",
        (now if now is not None else time.time(), actor, action, subject, json.dumps(detail or {})),
    )


MIGRATIONS.append(
    Migration(
        "core",
        2,
        """
        CREATE TABLE processed_inputs (
          key TEXT PRIMARY KEY,
          session_id TEXT NOT NULL,
          response TEXT NOT NULL,
          at REAL NOT NULL
        );
        """,
    )
)


async def processed_response(tx: Tx, key: str) -> Row | None:
    """The stored answer to an input already handled under `key` (a channel retry), or None."""
    return await tx.fetchone("SELECT * FROM processed_inputs WHERE key = ?", (key,))


async def record_processed(tx: Tx, key: str, session_id: str, response: Any, now: float) -> None:
    """Remember the answer given to the input with this idempotency `key`."""
    await tx.execute(
        "INSERT INTO processed_inputs (key, session_id, response, at) VALUES (?,?,?,?)"
        " ON CONFLICT(key) DO NOTHING",
        (key, session_id, json.dumps(response), now),
    )


MIGRATIONS.append(
    Migration(
        "core",
        3,
        """
        CREATE TABLE citizen_prefs (
          who TEXT PRIMARY KEY,
          language TEXT NOT NULL,
          updated_at REAL NOT NULL
        );
        """,
    )
)


async def preferred_language(tx: Tx, who: str) -> str | None:
    """The language this number or chat id chose before, if any."""
    row = await tx.fetchone("SELECT language FROM citizen_prefs WHERE who = ?", (who,))
    return str(row["language"]) if row else None


async def remember_language(tx: Tx, who: str, language: str, now: float) -> None:
    """Remember a language the citizen chose explicitly (per number / chat id)."""
    await tx.execute(
        "INSERT INTO citizen_prefs (who, language, updated_at) VALUES (?,?,?)"
        " ON CONFLICT(who) DO UPDATE SET language=excluded.language,"
        " updated_at=excluded.updated_at",
        (who, language, now),
    )


MIGRATIONS.append(
    Migration(
        "core",
        4,
        """
        ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
        ALTER TABLE outbox ADD COLUMN lease_until REAL;
        """,
    )
)
"""An outbox row is claimed by one worker (`claimed_by`) until `lease_until`; a worker that
dies leaves a lease that runs out, and another worker takes the row over (`assist.outbox`)."""
