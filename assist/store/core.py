"""Core tables: sessions, transcripts, the outbox of side effects, and the audit log."""

from __future__ import annotations

import json
import time
from collections.abc import Collection, Sequence
from typing import Any

from assist.store.base import Migration, Row, Tx, migrations

MIGRATIONS: list[Migration] = migrations(
    "core",
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
    """
        CREATE TABLE processed_inputs (
          key TEXT PRIMARY KEY,
          session_id TEXT NOT NULL,
          response TEXT NOT NULL,
          at REAL NOT NULL
        );
        """,
    """
        CREATE TABLE citizen_prefs (
          who TEXT PRIMARY KEY,
          language TEXT NOT NULL,
          updated_at REAL NOT NULL
        );
        """,
    # An outbox row is claimed by one worker (`claimed_by`) until `lease_until`; a worker that
    # dies leaves a lease that runs out, and another worker takes the row over (assist.outbox).
    """
        ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
        ALTER TABLE outbox ADD COLUMN lease_until REAL;
        """,
)


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


async def audit_lines(
    tx: Tx, actions: Sequence[str], subject: str | None = None, limit: int = 500
) -> list[Row]:
    """The latest audit lines of these actions (of one subject when given), newest first."""
    marks = ",".join("?" * len(actions))
    where = f"action IN ({marks})" + (" AND subject = ?" if subject is not None else "")
    params: list[Any] = [*actions, *([subject] if subject is not None else []), limit]
    return await tx.fetchall(
        f"SELECT at, actor, action, subject FROM audit WHERE {where} ORDER BY id DESC LIMIT ?",
        params,
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


async def remembered_language(tx: Tx, who: str) -> tuple[str | None, bool]:
    """The language to greet this number or chat id in, the one way every channel asks:
    the language they chose (True), else that of their latest conversation on any channel
    (False: not a choice), else (None, False)."""
    row = await tx.fetchone("SELECT language FROM citizen_prefs WHERE who = ?", (who,))
    if row is not None:
        return str(row["language"]), True
    latest = await tx.fetchone(
        "SELECT state FROM sessions WHERE sender = ? ORDER BY updated_at DESC LIMIT 1", (who,)
    )
    lang = json.loads(latest["state"]).get("language") if latest else None
    return (str(lang) if lang else None), False


async def remember_language(tx: Tx, who: str, language: str, now: float) -> None:
    """Remember a language the citizen chose explicitly (per number / chat id)."""
    await tx.execute(
        "INSERT INTO citizen_prefs (who, language, updated_at) VALUES (?,?,?)"
        " ON CONFLICT(who) DO UPDATE SET language=excluded.language,"
        " updated_at=excluded.updated_at",
        (who, language, now),
    )


# --------------------------------------------------------------- reads other components use


async def sessions_of(tx: Tx, sender: str, channel: str | None = None) -> list[Row]:
    """Every session of a sender (on one channel, or all), oldest first, state decoded."""
    sql = "SELECT id, channel, status, state, created_at, updated_at FROM sessions WHERE sender = ?"
    params: list[Any] = [sender]
    if channel is not None:
        sql += " AND channel = ?"
        params.append(channel)
    rows = await tx.fetchall(sql + " ORDER BY created_at, id", params)
    for r in rows:
        r["state"] = json.loads(r["state"])
    return rows


async def earlier_sessions(tx: Tx, sender: str, not_id: str, limit: int = 5) -> list[Row]:
    """A sender's other sessions, most recently active first, state decoded."""
    rows = await tx.fetchall(
        "SELECT id, channel, state, created_at FROM sessions WHERE sender = ? AND id != ?"
        " ORDER BY updated_at DESC LIMIT ?",
        (sender, not_id, limit),
    )
    for r in rows:
        r["state"] = json.loads(r["state"])
    return rows


async def sessions_since(tx: Tx, since: float) -> list[Row]:
    """Sessions created at or after `since` (id, status, state decoded), for statistics."""
    rows = await tx.fetchall(
        "SELECT id, status, state FROM sessions WHERE created_at >= ?", (since,)
    )
    for r in rows:
        r["state"] = json.loads(r["state"])
    return rows


async def count_active_sessions(tx: Tx, since: float) -> int:
    """Conversations still open (active, queued or with staff) and touched after `since`."""
    row = await tx.fetchone(
        "SELECT COUNT(*) AS n FROM sessions WHERE status IN ('active','queued','with_agent')"
        " AND updated_at > ?",
        (since,),
    )
    return int(row["n"]) if row else 0


async def staff_lines_after(tx: Tx, session_id: str, after_id: int) -> list[Row]:
    """Staff lines of a transcript newer than row `after_id` (id, text, agent), oldest first."""
    rows = await tx.fetchall(
        "SELECT id, text, meta FROM transcripts WHERE session_id = ? AND role = 'staff'"
        " AND id > ? ORDER BY id",
        (session_id, after_id),
    )
    for r in rows:
        r["agent"] = str(json.loads(r.pop("meta") or "{}").get("agent", ""))
    return rows


async def citizen_lines_after(
    tx: Tx, after_id: int, session_ids: Collection[str], limit: int = 100
) -> list[Row]:
    """Citizen lines newer than row `after_id` in these sessions (id, session_id, at, text),
    oldest first: what staff watching the queue have not seen yet."""
    if not session_ids:
        return []
    marks = ",".join("?" * len(session_ids))
    return await tx.fetchall(
        "SELECT id, session_id, at, text FROM transcripts WHERE role = 'citizen' AND id > ?"
        f" AND session_id IN ({marks}) ORDER BY id LIMIT ?",
        (after_id, *session_ids, limit),
    )


async def newest_line_id(tx: Tx) -> int:
    """The id of the newest transcript line of any conversation (0 when there is none)."""
    row = await tx.fetchone("SELECT MAX(id) AS n FROM transcripts")
    return int(row["n"] or 0) if row else 0


async def last_line_id(tx: Tx, session_id: str) -> int:
    """The id of a session's newest transcript line (0 when there is none)."""
    row = await tx.fetchone(
        "SELECT MAX(id) AS n FROM transcripts WHERE session_id = ?", (session_id,)
    )
    return int(row["n"] or 0) if row else 0


async def relabel_last_citizen_line(tx: Tx, session_id: str, was: str, now_text: str) -> None:
    """Replace the text of the citizen's newest transcript line when it is still `was`."""
    await tx.execute(
        "UPDATE transcripts SET text = ? WHERE id = (SELECT MAX(id) FROM transcripts"
        " WHERE session_id = ? AND role = 'citizen') AND text = ?",
        (now_text, session_id, was),
    )


async def outbox_counts(tx: Tx) -> dict[str, int]:
    """How many outbox rows are in each status (pending, sent, failed, ...)."""
    rows = await tx.fetchall("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status")
    return {str(r["status"]): int(r["n"]) for r in rows}


async def last_outbox_id(tx: Tx) -> int:
    """The id of the newest outbox row (0 when there is none)."""
    row = await tx.fetchone("SELECT COALESCE(MAX(id), 0) AS n FROM outbox")
    return int(row["n"]) if row else 0


async def texts_queued_for(tx: Tx, number: str, after_id: int = 0) -> list[str]:
    """The texts queued in the outbox for a number after row `after_id`, oldest first."""
    rows = await tx.fetchall(
        "SELECT payload FROM outbox WHERE kind = 'sms' AND recipient = ? AND id > ? ORDER BY id",
        (number, after_id),
    )
    return [str(json.loads(r["payload"]).get("text", "")) for r in rows]


async def outbox_item(tx: Tx, kind: str, keys: list[str]) -> Row | None:
    """The outbox row of this kind with any of these keys (payload, session_id, created_at,
    status), or None."""
    marks = ",".join("?" for _ in keys)
    return await tx.fetchone(
        "SELECT payload, session_id, created_at, status FROM outbox"
        f" WHERE kind = ? AND key IN ({marks})",
        (kind, *keys),
    )


async def restart_outbox(
    tx: Tx, kind: str, keys: list[str], statuses: tuple[str, ...], now: float
) -> int:
    """Give the outbox rows of this kind and these keys that are in `statuses` a fresh start
    (pending, no attempts, due now); returns how many."""
    n = 0
    status_marks = ",".join("?" for _ in statuses)
    for i in range(0, len(keys), 500):
        chunk = keys[i : i + 500]
        marks = ",".join("?" for _ in chunk)
        n += await tx.execute(
            "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?,"
            f" updated_at = ? WHERE kind = ? AND status IN ({status_marks})"
            f" AND key IN ({marks})",
            (now, now, kind, *statuses, *chunk),
        )
    return n


# --------------------------------------------------------------- retention and erasure


async def purge_core(tx: Tx, cutoff: float) -> int:
    """Core tables: sessions, transcripts, processed inputs, finished outbox rows."""
    n = await tx.execute(
        "DELETE FROM transcripts WHERE session_id IN"
        " (SELECT id FROM sessions WHERE updated_at < ?)",
        (cutoff,),
    )
    n += await tx.execute("DELETE FROM sessions WHERE updated_at < ?", (cutoff,))
    n += await tx.execute("DELETE FROM processed_inputs WHERE at < ?", (cutoff,))
    n += await tx.execute(
        "DELETE FROM outbox WHERE status != 'pending' AND updated_at < ?", (cutoff,)
    )
    n += await tx.execute("DELETE FROM citizen_prefs WHERE updated_at < ?", (cutoff,))
    return n


async def erase_core(tx: Tx, who: str) -> int:
    """Core tables for one citizen: their sessions, transcripts and outbox rows."""
    ids = [r["id"] for r in await tx.fetchall("SELECT id FROM sessions WHERE sender = ?", (who,))]
    n = 0
    for sid in ids:
        n += await tx.execute("DELETE FROM transcripts WHERE session_id = ?", (sid,))
        n += await tx.execute("DELETE FROM processed_inputs WHERE session_id = ?", (sid,))
        n += await tx.execute(
            "DELETE FROM outbox WHERE session_id = ? AND status != 'pending'", (sid,)
        )
    n += await tx.execute("DELETE FROM sessions WHERE sender = ?", (who,))
    n += await tx.execute("DELETE FROM outbox WHERE recipient = ? AND status != 'pending'", (who,))
    n += await tx.execute("DELETE FROM citizen_prefs WHERE who = ?", (who,))
    return n


async def transcript_lines(tx: Tx, session_id: str) -> list[Row]:
    """A conversation's transcript like `transcript`, each line with its row `id` (the staff
    console keys lines on it, so a line reached by two routes is shown once)."""
    rows = await tx.fetchall(
        "SELECT id, at, role, text, meta FROM transcripts WHERE session_id = ? ORDER BY id",
        (session_id,),
    )
    for r in rows:
        r["meta"] = json.loads(r["meta"])
    return rows
