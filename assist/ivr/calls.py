"""The phone line's own table: one row per call, linking Twilio's CallSid to our session.

It lets the status callback, the hold loop and the staff console's claim find the call
(and the call find its queue entry), and keeps the hold loop's small state (when position
was last announced, when a callback was last offered, music off) across requests.

With self-hosted speech it also holds the call's media-stream token: a single-use secret
issued in the `<Connect><Stream>` TwiML, so a Media Streams WebSocket is bound to a call
Assist itself answered (only its hash is stored).
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from assist.store.base import Migration, Row, Tx, migrations

MIGRATIONS: list[Migration] = migrations(
    "voice",
    """
        CREATE TABLE voice_calls (
          call_sid TEXT PRIMARY KEY,
          session_id TEXT,
          sender TEXT NOT NULL,
          direction TEXT NOT NULL DEFAULT 'inbound',
          entry_id TEXT,
          agent TEXT,
          status TEXT NOT NULL,
          announced_at REAL,
          offered_at REAL,
          music_off INTEGER NOT NULL DEFAULT 0,
          started_at REAL NOT NULL,
          updated_at REAL NOT NULL,
          ended_at REAL,
          duration_s REAL
        );
        CREATE INDEX voice_calls_by_session ON voice_calls (session_id, started_at);
        CREATE INDEX voice_calls_by_entry ON voice_calls (entry_id, started_at)
        """,
    """
        ALTER TABLE voice_calls ADD COLUMN stream_token_hash TEXT;
        ALTER TABLE voice_calls ADD COLUMN stream_token_expires_at REAL;
        ALTER TABLE voice_calls ADD COLUMN stream_token_used_at REAL
        """,
)

STREAM_TOKEN_TTL_S = 60.0
"""How long a media-stream token can be redeemed: Twilio opens the stream within a second
or two of receiving the `<Connect>` TwiML, so a minute is generous."""

ENDED = ("completed", "busy", "no-answer", "failed", "canceled")
"""Twilio's final call statuses."""


async def record_call(
    tx: Tx,
    call_sid: str,
    sender: str,
    now: float,
    *,
    session_id: str | None = None,
    direction: str = "inbound",
    entry_id: str | None = None,
    agent: str | None = None,
) -> None:
    """Insert the call, or refresh its session link (a call keeps one row)."""
    await tx.execute(
        "INSERT INTO voice_calls (call_sid, session_id, sender, direction, entry_id, agent,"
        " status, started_at, updated_at) VALUES (?,?,?,?,?,?,'in-progress',?,?)"
        " ON CONFLICT(call_sid) DO UPDATE SET"
        " session_id = COALESCE(excluded.session_id, voice_calls.session_id),"
        " entry_id = COALESCE(excluded.entry_id, voice_calls.entry_id),"
        " updated_at = excluded.updated_at",
        (call_sid, session_id, sender, direction, entry_id, agent, now, now),
    )


async def get_call(tx: Tx, call_sid: str) -> Row | None:
    """The call's row, or None when we never saw it."""
    return await tx.fetchone("SELECT * FROM voice_calls WHERE call_sid = ?", (call_sid,))


async def live_call_for_session(tx: Tx, session_id: str) -> Row | None:
    """The session's most recent call that has not ended, or None."""
    marks = ",".join("?" for _ in ENDED)
    return await tx.fetchone(
        f"SELECT * FROM voice_calls WHERE session_id = ? AND direction = 'inbound'"
        f" AND status NOT IN ({marks}) ORDER BY started_at DESC LIMIT 1",
        (session_id, *ENDED),
    )


async def update_call(tx: Tx, call_sid: str, now: float, **fields: Any) -> None:
    """Set some of: entry_id, agent, status, announced_at, offered_at, music_off,
    ended_at, duration_s."""
    allowed = {
        "entry_id",
        "agent",
        "status",
        "announced_at",
        "offered_at",
        "music_off",
        "ended_at",
        "duration_s",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"unknown voice_calls fields {sorted(unknown)}")
    if not fields:
        return
    sets = ", ".join(f"{k} = ?" for k in fields)
    await tx.execute(
        f"UPDATE voice_calls SET {sets}, updated_at = ? WHERE call_sid = ?",
        (*fields.values(), now, call_sid),
    )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


async def issue_stream_token(
    tx: Tx, call_sid: str, now: float, ttl_s: float = STREAM_TOKEN_TTL_S
) -> str:
    """A fresh single-use token for the call's media stream, valid for `ttl_s` seconds; it
    replaces any earlier one. Raises LookupError when the call was never recorded."""
    token = secrets.token_urlsafe(32)
    changed = await tx.execute(
        "UPDATE voice_calls SET stream_token_hash = ?, stream_token_expires_at = ?,"
        " stream_token_used_at = NULL, updated_at = ? WHERE call_sid = ?",
        (_token_hash(token), now + ttl_s, now, call_sid),
    )
    if changed != 1:
        raise LookupError(f"no recorded call {call_sid!r}")
    return token


async def redeem_stream_token(tx: Tx, call_sid: str, token: str, now: float) -> Row | None:
    """The call's row when `token` is its unexpired, unused media-stream token (which is
    then used up), else None: a replayed, expired, foreign or unknown token opens nothing."""
    if not call_sid or not token:
        return None
    changed = await tx.execute(
        "UPDATE voice_calls SET stream_token_used_at = ?, updated_at = ?"
        " WHERE call_sid = ? AND stream_token_hash = ? AND stream_token_used_at IS NULL"
        " AND stream_token_expires_at > ?",
        (now, now, call_sid, _token_hash(token), now),
    )
    if changed != 1:
        return None
    return await get_call(tx, call_sid)


async def purge_voice(tx: Tx, cutoff: float) -> int:
    """Retention: delete call rows last touched before `cutoff` (they hold phone numbers)."""
    return await tx.execute("DELETE FROM voice_calls WHERE updated_at < ?", (cutoff,))


async def erase_voice(tx: Tx, who: str) -> int:
    """Erasure: delete every call row of this phone number."""
    return await tx.execute("DELETE FROM voice_calls WHERE sender = ?", (who,))
