"""The SMS channel's tables: texts sent (and the development sink), delivery statuses, and
the queue updates each waiting texter was last sent."""

from __future__ import annotations

import json
from typing import Any

from assist.store.base import Migration, Row, Tx, migrations

MIGRATIONS: list[Migration] = migrations(
    "sms",
    """
        CREATE TABLE sms_sent (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          outbox_key TEXT UNIQUE,
          sid TEXT,
          to_number TEXT NOT NULL,
          text TEXT NOT NULL,
          purpose TEXT,
          via TEXT NOT NULL,
          at REAL NOT NULL
        );
        CREATE INDEX sms_sent_by_number ON sms_sent (to_number, at);
        CREATE TABLE sms_status (
          sid TEXT PRIMARY KEY,
          status TEXT NOT NULL,
          error_code TEXT,
          to_number TEXT,
          history TEXT NOT NULL DEFAULT '[]',
          updated_at REAL NOT NULL
        );
        CREATE TABLE sms_queue_notices (
          entry_id TEXT PRIMARY KEY,
          position INTEGER,
          upper_s REAL,
          sent_at REAL NOT NULL
        );
        """,
)
"""`sms_sent.via`: `twilio` (sent through the REST API) or `dev` (no credentials configured:
recorded here instead, the development sink the embedded pages can show)."""


async def sent_for_key(tx: Tx, outbox_key: str) -> Row | None:
    """The text already sent for this outbox key (a handler retried after success), or None."""
    return await tx.fetchone("SELECT * FROM sms_sent WHERE outbox_key = ?", (outbox_key,))


async def record_sent(
    tx: Tx,
    *,
    outbox_key: str | None,
    sid: str | None,
    to: str,
    text: str,
    purpose: str | None,
    via: str,
    now: float,
) -> None:
    """Remember a text sent (or sunk in development)."""
    await tx.execute(
        "INSERT INTO sms_sent (outbox_key, sid, to_number, text, purpose, via, at)"
        " VALUES (?,?,?,?,?,?,?) ON CONFLICT(outbox_key) DO NOTHING",
        (outbox_key, sid, to, text, purpose, via, now),
    )


async def sent_since(tx: Tx, to: str, since: float, exempt: tuple[str, ...] = ()) -> int:
    """How many texts went to `to` since `since`, not counting `exempt` purposes."""
    marks = ",".join("?" for _ in exempt) or "''"
    row = await tx.fetchone(
        f"SELECT COUNT(*) AS n FROM sms_sent WHERE to_number = ? AND at > ?"
        f" AND COALESCE(purpose, '') NOT IN ({marks})",
        (to, since, *exempt),
    )
    return int(row["n"]) if row else 0


async def oldest_since(tx: Tx, to: str, since: float) -> float | None:
    """When the oldest text to `to` after `since` was sent (to know when the window frees)."""
    row = await tx.fetchone(
        "SELECT MIN(at) AS t FROM sms_sent WHERE to_number = ? AND at > ?", (to, since)
    )
    return float(row["t"]) if row and row["t"] is not None else None


async def recent_sent(tx: Tx, limit: int = 50) -> list[Row]:
    """The most recent texts sent or sunk, newest first (the development page shows them)."""
    return await tx.fetchall(
        "SELECT to_number, text, purpose, via, at FROM sms_sent ORDER BY id DESC LIMIT ?", (limit,)
    )


async def record_status(
    tx: Tx, sid: str, status: str, error_code: str | None, to: str | None, now: float
) -> None:
    """Store a delivery status callback, keeping every status seen in `history`."""
    row = await tx.fetchone("SELECT history FROM sms_status WHERE sid = ?", (sid,))
    history: list[Any] = json.loads(row["history"]) if row else []
    history.append({"status": status, "error_code": error_code, "at": now})
    await tx.execute(
        "INSERT INTO sms_status (sid, status, error_code, to_number, history, updated_at)"
        " VALUES (?,?,?,?,?,?) ON CONFLICT(sid) DO UPDATE SET status = excluded.status,"
        " error_code = excluded.error_code, history = excluded.history,"
        " updated_at = excluded.updated_at",
        (sid, status, error_code, to, json.dumps(history), now),
    )


async def purge_sms(tx: Tx, cutoff: float) -> int:
    """Retention: texts sent, delivery statuses and queue notices older than `cutoff`."""
    n = await tx.execute("DELETE FROM sms_sent WHERE at < ?", (cutoff,))
    n += await tx.execute("DELETE FROM sms_status WHERE updated_at < ?", (cutoff,))
    n += await tx.execute("DELETE FROM sms_queue_notices WHERE sent_at < ?", (cutoff,))
    return n


async def erase_sms(tx: Tx, who: str) -> int:
    """Erasure: one number's texts and delivery statuses."""
    n = await tx.execute("DELETE FROM sms_sent WHERE to_number = ?", (who,))
    n += await tx.execute("DELETE FROM sms_status WHERE to_number = ?", (who,))
    return n
