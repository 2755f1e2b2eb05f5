"""Suspected floods of the person queue: many open entries from one address or number.

Anonymous clients could otherwise fill the queue (three addresses once put 180 entries in it
in under three seconds, and a real citizen came 209th). Each entry records a keyed hash of
where it came from: the web chat client's address, or the caller's or texter's number. An
entry that joins while its source already has `per_source` open entries is a *suspect*: it
is still queued and answered honestly, but after everyone else, so nobody real is pushed back
and the estimate real people hear counts real people. Staff see suspects flagged, and a
supervisor can clear a source (genuine: back into the normal order at its original time) or
close its suspected entries.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from assist.handoff import history
from assist.handoff.entries import (
    CLAIMED,
    CLOSED,
    DROPPED,
    WAITING,
    record_event,
    set_session_status,
)
from assist.store import core
from assist.store.base import Row, Tx

_OPEN = (WAITING, CLAIMED, DROPPED)


def source_key(secret: bytes, raw: str) -> str:
    """A keyed hash of an address or number: groups entries without storing the address."""
    return hmac.new(secret, raw.encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:20]


async def over_limit(tx: Tx, source: str | None, per_source: int) -> bool:
    """True when `source` already has `per_source` or more open entries (0: no limit)."""
    if source is None or per_source <= 0:
        return False
    row = await tx.fetchone(
        "SELECT COUNT(*) AS n FROM handoff_entries WHERE source = ? AND status IN (?,?,?)",
        (source, *_OPEN),
    )
    return row is not None and int(row["n"]) >= per_source


@dataclass(frozen=True)
class Flood:
    """One source with suspected entries open: what staff see."""

    source: str
    suspects: int
    """Open entries flagged as suspect."""
    open_entries: int
    """All open entries from this source, the first `per_source` included."""
    channels: list[str]
    first_at: float
    last_at: float


async def suspected(tx: Tx) -> list[Flood]:
    """Every source that has at least one open suspect entry, the largest first."""
    rows = await tx.fetchall(
        "SELECT source, suspect, channel, enqueued_at FROM handoff_entries"
        " WHERE status IN (?,?,?) AND source IN (SELECT source FROM handoff_entries"
        " WHERE suspect = 1 AND status IN (?,?,?))",
        (*_OPEN, *_OPEN),
    )
    groups: dict[str, list[Row]] = {}
    for r in rows:
        groups.setdefault(str(r["source"]), []).append(r)
    floods = [
        Flood(
            source=source,
            suspects=sum(int(r["suspect"]) for r in group),
            open_entries=len(group),
            channels=sorted({str(r["channel"]) for r in group}),
            first_at=min(float(r["enqueued_at"]) for r in group),
            last_at=max(float(r["enqueued_at"]) for r in group),
        )
        for source, group in groups.items()
    ]
    return sorted(floods, key=lambda f: (-f.suspects, f.first_at))


async def count_suspects(tx: Tx) -> int:
    """How many waiting entries are suspected floods (for the metrics gauge)."""
    row = await tx.fetchone(
        "SELECT COUNT(*) AS n FROM handoff_entries WHERE suspect = 1 AND status = ?", (WAITING,)
    )
    return int(row["n"]) if row else 0


async def trust(tx: Tx, source: str, actor: str, now: float) -> int:
    """A supervisor says the source is genuine (a library, a care home): its suspects rejoin
    the normal order at their original time. Returns how many were cleared."""
    rows = await tx.fetchall(
        "SELECT id FROM handoff_entries WHERE source = ? AND suspect = 1 AND status IN (?,?,?)",
        (source, *_OPEN),
    )
    for r in rows:
        await tx.execute(
            "UPDATE handoff_entries SET suspect = 0, updated_at = ? WHERE id = ?", (now, r["id"])
        )
        await record_event(tx, r["id"], actor, "trusted", now)
    return len(rows)


async def close_suspects(tx: Tx, source: str, actor: str, now: float) -> int:
    """A supervisor closes the source's waiting suspect entries (outcome `flood`); entries a
    person already holds are left to them. Returns how many were closed."""
    rows = await tx.fetchall(
        "SELECT id, session_id FROM handoff_entries"
        " WHERE source = ? AND suspect = 1 AND status IN (?,?)",
        (source, WAITING, DROPPED),
    )
    for r in rows:
        await tx.execute(
            "UPDATE handoff_entries SET status = ?, outcome = 'flood', closed_at = ?,"
            " updated_at = ? WHERE id = ? AND status IN (?,?)",
            (CLOSED, now, now, r["id"], WAITING, DROPPED),
        )
        await history.settle_predictions(tx, r["id"], None, "flood")
        await set_session_status(tx, r["session_id"], "ended", now)
        await record_event(tx, r["id"], actor, "closed_as_flood", now)
    return len(rows)


async def settle(tx: Tx, source: str, action: str, actor: str, now: float) -> int:
    """A supervisor's decision on a source, audited: `trust` or `close`. Returns how many
    places it changed; raises ValueError for any other action."""
    if action not in ("trust", "close"):
        raise ValueError(f"unknown action {action!r}")
    decide = trust if action == "trust" else close_suspects
    changed = await decide(tx, source, actor, now)
    await core.audit(
        tx, actor, f"flood_{action}", None, {"source": source, "entries": changed}, now
    )
    return changed
