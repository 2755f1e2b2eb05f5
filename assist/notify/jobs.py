"""Notification jobs: scheduled once under a unique key, claimed in a transaction, sent once.

A job becomes an outbox `sms` row (key `notify:<job key>`) in the same transaction that
marks it sent, so a crash or a restart can neither lose it nor send it twice. A job due in
quiet hours is deferred to the morning, never dropped; one for an opted-out number, or a
topic the number turned off, is closed without sending.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from assist.notify.config import NotifyConfig
from assist.notify.optouts import is_suppressed, pref_enabled
from assist.notify.quiet import in_quiet_hours, next_allowed
from assist.store import core
from assist.store.base import Store, Tx, skip_locked

log = logging.getLogger(__name__)
OUTBOX_PREFIX = "notify:"
PURPOSE_PREFIX = "notify:"
"""Outbox `sms` rows from notifications carry purpose `notify:<topic>`."""


async def schedule(
    tx: Tx,
    *,
    key: str,
    topic: str,
    number: str,
    text: str,
    due_at: float,
    now: float,
    expires_at: float | None = None,
    session_id: str | None = None,
) -> bool:
    """Schedule a text; returns False when a job with this key exists (never scheduled twice).

    A job closed because its topic was turned off, or waiting to be replanned (its time
    changed), is scheduled again with the new text and times; a sent one never is.
    """
    changed = await tx.execute(
        "INSERT INTO notify_jobs (key, topic, number, text, session_id, due_at, expires_at,"
        " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(key) DO UPDATE SET"
        " status = 'pending', text = excluded.text, due_at = excluded.due_at,"
        " expires_at = excluded.expires_at, updated_at = excluded.updated_at"
        " WHERE notify_jobs.status IN ('off', 'replan')",
        (key, topic, number, text, session_id, due_at, expires_at, now, now),
    )
    return changed > 0


@dataclass(frozen=True)
class DispatchResult:
    """What one dispatch pass did, by outcome."""

    sent: int = 0
    deferred: int = 0
    suppressed: int = 0
    off: int = 0
    expired: int = 0


async def dispatch_due(
    store: Store, config: NotifyConfig, now: float, limit: int = 100
) -> DispatchResult:
    """Hand every due job to the outbox (or defer/close it); one transaction for the pass."""
    counts = {"sent": 0, "deferred": 0, "suppressed": 0, "off": 0, "expired": 0}
    async with store.transaction() as tx:
        jobs = await tx.fetchall(
            "SELECT * FROM notify_jobs WHERE status = 'pending' AND due_at <= ?"
            " ORDER BY due_at, id LIMIT ?" + skip_locked(tx),
            (now, limit),
        )
        for job in jobs:
            outcome = await _dispatch_one(tx, job, config, now)
            counts[outcome] += 1
    if counts["sent"] or counts["deferred"]:
        log.info("notify: %s", counts)
    return DispatchResult(**counts)


async def _dispatch_one(tx: Tx, job: dict[str, object], config: NotifyConfig, now: float) -> str:
    number, topic = str(job["number"]), str(job["topic"])
    status: str
    if job["expires_at"] is not None and now >= float(str(job["expires_at"])):
        status = "expired"
    elif await is_suppressed(tx, number):
        status = "suppressed"
    elif not await pref_enabled(tx, number, topic):
        status = "off"
    elif in_quiet_hours(now, config.tz, config.quiet_start, config.quiet_end):
        later = next_allowed(now, config.tz, config.quiet_start, config.quiet_end)
        await tx.execute(
            "UPDATE notify_jobs SET due_at = ?, deferrals = deferrals + 1,"
            " updated_at = ? WHERE id = ?",
            (later, now, job["id"]),
        )
        return "deferred"
    else:
        await core.enqueue_outbox(
            tx,
            kind="sms",
            key=OUTBOX_PREFIX + str(job["key"]),
            payload={"to": number, "text": str(job["text"]), "purpose": PURPOSE_PREFIX + topic},
            session_id=str(job["session_id"]) if job["session_id"] else None,
            recipient=number,
            now=now,
        )
        status = "sent"
    await tx.execute(
        "UPDATE notify_jobs SET status = ?, updated_at = ?, sent_at = ? WHERE id = ?",
        (status, now, now if status == "sent" else None, job["id"]),
    )
    return status


async def cancel_topic(tx: Tx, number: str, topic: str, now: float) -> int:
    """Close pending jobs of `topic` for `number` (it was turned off); returns how many."""
    return await tx.execute(
        "UPDATE notify_jobs SET status = 'off', updated_at = ? WHERE number = ? AND topic = ?"
        " AND status IN ('pending', 'replan')",
        (now, number, topic),
    )
