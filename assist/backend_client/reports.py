"""The `reports` table (Assist reference -> council reference) and the report outbox payload.

A report is recorded here, and queued in the outbox, in the same transaction as the turn that
took it, so the citizen can be given Assist's reference at once. The outbox handler
(`delivery.py`) fills in the council's reference; status look-ups by Assist reference and a
later notifier read it from here.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from typing import Any, TypedDict, Unpack

from assist.backend_client.protocol import REPORT_SERVICES, Address, ReportRequest
from assist.store import core
from assist.store.base import Migration, Row, Tx, migrations
from assist.store.core import enqueue_outbox

OUTBOX_KIND = "report"

MIGRATIONS: list[Migration] = migrations(
    "reports",
    """
        CREATE TABLE reports (
          assist_ref TEXT PRIMARY KEY,
          service TEXT NOT NULL,
          body TEXT NOT NULL,
          council_ref TEXT,
          token TEXT,
          status TEXT NOT NULL DEFAULT 'pending',
          status_notes TEXT,
          session_id TEXT,
          channel TEXT,
          citizen_number TEXT,
          description TEXT NOT NULL,
          post_attempts INTEGER NOT NULL DEFAULT 0,
          first_attempt_at REAL,
          last_error TEXT,
          notified_at REAL,
          created_at REAL NOT NULL,
          updated_at REAL NOT NULL
        );
        CREATE INDEX reports_by_council_ref ON reports (council_ref);
        CREATE INDEX reports_by_status ON reports (status, updated_at);
        """,
    """
        ALTER TABLE reports ADD COLUMN staff_alert TEXT;
        ALTER TABLE reports ADD COLUMN server_errors INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE reports ADD COLUMN last_attempt_at REAL
        """,
    """
        CREATE TABLE report_notes (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          assist_ref TEXT NOT NULL,
          author TEXT NOT NULL,
          text TEXT NOT NULL,
          session_id TEXT,
          sent_to_council INTEGER NOT NULL DEFAULT 0,
          created_at REAL NOT NULL
        );
        CREATE INDEX report_notes_by_ref ON report_notes (assist_ref, id)
        """,
)
"""`status`: pending (not yet with the council), held (refused for a reason a configuration fix
cures; tried again when settings change and on a schedule), open, closed (council's words),
rejected (the council refused the report itself). `notified_at` is for the notifier that
texts the council's reference. `staff_alert`: why a person must look at this report (refused
for itself, or the server failing again and again), with the citizen's words; NULL when
nothing needs doing. `server_errors`: 5xx answers and timeouts in a row. `last_attempt_at`:
the latest POST. `report_notes`: what staff added to a report after it was made (GeoReport v2
has no update call, so notes stay here, `sent_to_council` 0, and are shown to whoever looks at
the report next)."""


def report_to_payload(report: ReportRequest) -> dict[str, Any]:
    """A report as a JSON-ready dict for the outbox (inverse of `report_from_payload`)."""
    return asdict(report)


def report_payload(
    report: ReportRequest, *, session_id: str | None, channel: str, language: str
) -> dict[str, Any]:
    """The outbox `report` payload for a report taken in a conversation, by the assistant or by
    staff for the citizen; `report_from_payload` reads it back to the same report.

    Beside the report it names the conversation (`session_id`, `channel`, `language`). The
    citizen's name goes in only when known (neither the assistant nor staff ask for it).
    """
    payload: dict[str, Any] = {
        "service": report.service,
        "description": report.description,
        "assist_ref": report.assist_ref,
        "location_text": report.location_text,
        "lat": report.lat,
        "long": report.long,
        "attributes": dict(report.attributes),
        "phone": report.phone,
        "address": asdict(report.address) if report.address else None,
        "session_id": session_id,
        "channel": channel,
        "language": language,
    }
    for name in ("first_name", "last_name"):
        if getattr(report, name) is not None:
            payload[name] = getattr(report, name)
    return payload


def address_from_dict(data: dict[str, Any]) -> Address:
    """An address from its dict form (as sessions and payloads keep it; unknown keys ignored).

    Raises TypeError when a required field is missing.
    """
    known = Address.__dataclass_fields__
    return Address(**{k: v for k, v in data.items() if k in known})


def report_from_payload(payload: dict[str, Any]) -> ReportRequest:
    """The report an outbox payload holds (other keys, e.g. `channel`, are ignored); raises
    ValueError if it is not one."""
    try:
        fields = {k: v for k, v in payload.items() if k in ReportRequest.__dataclass_fields__}
        address = fields.get("address")
        if isinstance(address, dict):
            fields["address"] = address_from_dict(address)
        fields["attributes"] = {str(k): str(v) for k, v in (fields.get("attributes") or {}).items()}
        return ReportRequest(**fields)
    except TypeError as exc:
        raise ValueError(f"not a report payload: {exc}") from None


def body_of(service: str) -> str:
    """`county` or `district` for a report service (SERVICES.md); raises ValueError."""
    try:
        return REPORT_SERVICES[service]
    except KeyError:
        raise ValueError(f"{service!r} is not a report service") from None


class Origin(TypedDict, total=False):
    """Where a report came from, as the reports table keeps it."""

    session_id: str | None
    """The conversation it was made in."""
    channel: str | None
    """The channel (voice, sms, web, terminal)."""
    citizen_number: str | None
    """A number to text the council's reference and updates to."""
    now: float | None
    """When (default: now)."""


async def record_report(
    tx: Tx, report: ReportRequest, *, body: str | None = None, **origin: Unpack[Origin]
) -> bool:
    """Record a new report (status `pending`); returns False if its reference was known.

    `body` (county/district) defaults to the one SERVICES.md names for the service."""
    if await get_report(tx, report.assist_ref) is not None:
        return False
    now = origin.get("now")
    t = time.time() if now is None else now
    await tx.execute(
        "INSERT INTO reports (assist_ref, service, body, session_id, channel, citizen_number,"
        " description, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
        (
            report.assist_ref.upper(),
            report.service,
            body or body_of(report.service),
            origin.get("session_id"),
            origin.get("channel"),
            origin.get("citizen_number"),
            report.description,
            t,
            t,
        ),
    )
    return True


async def enqueue_report(tx: Tx, report: ReportRequest, **origin: Unpack[Origin]) -> bool:
    """Record a report and queue its delivery, in the caller's transaction.

    Returns False when this Assist reference was already queued (a retried turn).
    """
    created = await record_report(tx, report, **origin)
    session_id, citizen_number, now = (
        origin.get("session_id"),
        origin.get("citizen_number"),
        origin.get("now"),
    )
    if created:
        await enqueue_outbox(
            tx,
            kind=OUTBOX_KIND,
            key=report.assist_ref.upper(),
            payload=report_to_payload(report),
            session_id=session_id,
            recipient=citizen_number,
            now=now,
        )
    return created


async def get_report(tx: Tx, assist_ref: str) -> Row | None:
    """The row for an Assist reference (any case), or None."""
    return await tx.fetchone(
        "SELECT * FROM reports WHERE assist_ref = ?", (assist_ref.strip().upper(),)
    )


async def with_council_ref(tx: Tx, channels: tuple[str, ...]) -> list[Row]:
    """Reports made on these channels that the council has accepted and whose citizen can
    still be texted (a number is kept), oldest first."""
    marks = ",".join("?" for _ in channels)
    return await tx.fetchall(
        "SELECT * FROM reports WHERE citizen_number IS NOT NULL AND council_ref IS NOT NULL"
        f" AND channel IN ({marks}) ORDER BY created_at",
        channels,
    )


async def queued_report(tx: Tx, assist_ref: str) -> Row | None:
    """A report still only in the outbox, shaped like a `reports` row (status `pending`)."""
    queued = await core.outbox_item(
        tx, OUTBOX_KIND, [assist_ref.strip(), assist_ref.strip().upper()]
    )
    if queued is None:
        return None
    try:
        report = report_from_payload(json.loads(queued["payload"]))
        body = body_of(report.service)
    except ValueError:
        return None
    return {
        "assist_ref": report.assist_ref.upper(),
        "service": report.service,
        "body": body,
        "council_ref": None,
        "token": None,
        "status": "pending",
        "status_notes": None,
        "session_id": queued["session_id"],
        "created_at": queued["created_at"],
    }


async def find_by_council_ref(tx: Tx, council_ref: str) -> Row | None:
    """The row that got this council reference, or None."""
    return await tx.fetchone(
        "SELECT * FROM reports WHERE council_ref = ? ORDER BY created_at DESC LIMIT 1",
        (council_ref.strip(),),
    )


async def mark_attempt(tx: Tx, assist_ref: str, now: float) -> None:
    """Note that a POST is about to be sent (so a later attempt knows one may have landed)."""
    await tx.execute(
        "UPDATE reports SET post_attempts = post_attempts + 1,"
        " first_attempt_at = COALESCE(first_attempt_at, ?), last_attempt_at = ?, updated_at = ?"
        " WHERE assist_ref = ?",
        (now, now, now, assist_ref.upper()),
    )


async def mark_refused_cleanly(tx: Tx, assist_ref: str, now: float) -> None:
    """The last POST was refused outright (nothing was created): no save to wait for."""
    await tx.execute(
        "UPDATE reports SET last_attempt_at = NULL, server_errors = 0, updated_at = ?"
        " WHERE assist_ref = ?",
        (now, assist_ref.upper()),
    )


async def clear_wait(tx: Tx, assist_ref: str) -> None:
    """The last POST was answered (a 5xx) or never sent: the server is not still saving it,
    so the next attempt need not wait (it still searches first)."""
    await tx.execute(
        "UPDATE reports SET last_attempt_at = NULL WHERE assist_ref = ?", (assist_ref.upper(),)
    )


async def mark_held(tx: Tx, assist_ref: str, reason: str, now: float) -> None:
    """Refused for a reason a configuration fix cures: status `held`, the reason kept."""
    await tx.execute(
        "UPDATE reports SET status = 'held', last_error = ?, updated_at = ? WHERE assist_ref = ?",
        (reason[:500], now, assist_ref.upper()),
    )


async def mark_rejected(tx: Tx, assist_ref: str, reason: str, now: float) -> None:
    """Refused for the report itself: status `rejected` and a staff alert with the
    citizen's words, so a person can file it by hand or call them back."""
    row = await get_report(tx, assist_ref)
    words = (row or {}).get("description") or ""
    alert = f"The council refused this report: {reason[:300]}. The citizen said: {words[:600]}"
    await tx.execute(
        "UPDATE reports SET status = 'rejected', status_notes = ?, last_error = ?,"
        " staff_alert = ?, updated_at = ? WHERE assist_ref = ?",
        (reason[:500], reason[:500], alert, now, assist_ref.upper()),
    )


async def note_server_error(
    tx: Tx, assist_ref: str, error: str, now: float, *, alert_after: int
) -> bool:
    """Count a server error (5xx, timeout) in a row; returns True when this one reaches
    `alert_after` and a staff alert was raised (the report keeps being retried)."""
    ref = assist_ref.upper()
    await tx.execute(
        "UPDATE reports SET server_errors = server_errors + 1, last_error = ?, updated_at = ?"
        " WHERE assist_ref = ?",
        (error[:500], now, ref),
    )
    row = await get_report(tx, ref)
    if row is None or int(row["server_errors"]) < alert_after or row["staff_alert"]:
        return False
    await tx.execute(
        "UPDATE reports SET staff_alert = ? WHERE assist_ref = ?",
        (
            f"The council's server failed {row['server_errors']} times in a row: {error[:300]}."
            f" Still retrying. The citizen said: {str(row['description'])[:600]}",
            ref,
        ),
    )
    return True


async def figures(tx: Tx) -> dict[str, int]:
    """Counts for supervisors and /metrics: `held` (waiting for a configuration fix),
    `needs_staff` (a staff alert is open), `pending` (on their way)."""
    rows = await tx.fetchall(
        "SELECT status, COUNT(*) AS n FROM reports WHERE council_ref IS NULL GROUP BY status"
    )
    by = {str(r["status"]): int(r["n"]) for r in rows}
    alerts = await tx.fetchone("SELECT COUNT(*) AS n FROM reports WHERE staff_alert IS NOT NULL")
    return {
        "held": by.get("held", 0),
        "pending": by.get("pending", 0),
        "needs_staff": int(alerts["n"]) if alerts else 0,
    }


async def needing_attention(tx: Tx, limit: int = 100) -> list[Row]:
    """Reports held for a configuration fix or with a staff alert, newest first."""
    return await tx.fetchall(
        "SELECT assist_ref, service, body, status, last_error, staff_alert, post_attempts,"
        " server_errors, created_at, updated_at FROM reports"
        " WHERE (status = 'held' AND council_ref IS NULL) OR staff_alert IS NOT NULL"
        " ORDER BY updated_at DESC LIMIT ?",
        (limit,),
    )


async def clear_alert(tx: Tx, assist_ref: str, now: float) -> int:
    """A person dealt with this report's alert; returns rows changed."""
    return await tx.execute(
        "UPDATE reports SET staff_alert = NULL, updated_at = ? WHERE assist_ref = ?",
        (now, assist_ref.strip().upper()),
    )


async def mark_delivered(
    tx: Tx, assist_ref: str, *, council_ref: str | None, token: str | None, now: float
) -> None:
    """Store what the council answered: its reference (status `open`) or a token to resolve."""
    await tx.execute(
        "UPDATE reports SET council_ref = COALESCE(?, council_ref), token = COALESCE(?, token),"
        " status = CASE WHEN CAST(? AS TEXT) IS NULL THEN status ELSE 'open' END,"
        " last_error = NULL, server_errors = 0,"
        " staff_alert = CASE WHEN status = 'rejected' THEN staff_alert ELSE NULL END,"
        " updated_at = ? WHERE assist_ref = ?",
        (council_ref, token, council_ref, now, assist_ref.upper()),
    )


async def mark_failed(tx: Tx, assist_ref: str, error: str, now: float, *, final: bool) -> None:
    """Note a failed attempt; `final` marks the report `rejected` by the council."""
    await tx.execute(
        "UPDATE reports SET last_error = ?, status = CASE WHEN ? THEN 'rejected' ELSE status END,"
        " status_notes = CASE WHEN ? THEN ? ELSE status_notes END, updated_at = ?"
        " WHERE assist_ref = ?",
        (error[:500], final, final, error[:500], now, assist_ref.upper()),
    )


async def update_status(
    tx: Tx, assist_ref: str, status: str, notes: str | None, now: float
) -> None:
    """Cache the council's latest status for a report."""
    await tx.execute(
        "UPDATE reports SET status = ?, status_notes = ?, updated_at = ? WHERE assist_ref = ?",
        (status, notes, now, assist_ref.upper()),
    )


async def requeue_undelivered(tx: Tx, now: float | None = None) -> int:
    """Give up-on and held outbox rows of reports not yet with the council a fresh start;
    returns how many.

    The outbox stops after its maximum attempts, and parks reports held for a configuration
    fix; a report must not be lost to a long outage or a wrong setting, so this runs at
    start-up (settings may have changed), hourly, and from `assist reports retry`.
    """
    t = time.time() if now is None else now
    refs = [
        str(r["assist_ref"])
        for r in await tx.fetchall(
            "SELECT assist_ref FROM reports WHERE status IN ('pending', 'held')"
        )
    ]
    return await core.restart_outbox(tx, OUTBOX_KIND, refs, ("failed", "held"), t)


async def purge_reports(tx: Tx, cutoff: float) -> int:
    """Retention: forget who reported and what they wrote once a report is older than the
    cut-off; closed ones go entirely (the council keeps its own record)."""
    n = await tx.execute(
        "DELETE FROM reports WHERE updated_at < ? AND status IN ('closed', 'rejected')",
        (cutoff,),
    )
    n += await tx.execute(
        "UPDATE reports SET citizen_number = NULL, description = '', session_id = NULL"
        " WHERE updated_at < ? AND (citizen_number IS NOT NULL OR description != '')",
        (cutoff,),
    )
    n += await tx.execute("DELETE FROM report_notes WHERE created_at < ?", (cutoff,))
    return n


async def erase_reports(tx: Tx, who: str) -> int:
    """Erasure: forget one citizen's number and words on every report they made."""
    sessions = [str(s["id"]) for s in await core.sessions_of(tx, who)]
    marks = ",".join("?" for _ in sessions) or "NULL"
    n = await tx.execute(
        "UPDATE reports SET citizen_number = NULL, description = '', session_id = NULL"
        f" WHERE citizen_number = ? OR session_id IN ({marks})",
        (who, *sessions),
    )
    return n + await tx.execute(
        f"DELETE FROM report_notes WHERE session_id IN ({marks})", tuple(sessions)
    )


async def delivery_counts(tx: Tx, since: float, until: float) -> list[Row]:
    """Reports made in [since, until) by channel and session: `delivered` (the council has
    it), `held` (waiting for a settings fix), `failed` (refused, or a person must look)."""
    return await tx.fetchall(
        "SELECT channel, session_id, council_ref IS NOT NULL AS delivered,"
        " status = 'held' AND council_ref IS NULL AS held,"
        " status = 'rejected' OR staff_alert IS NOT NULL AS failed"
        " FROM reports WHERE created_at >= ? AND created_at < ?",
        (since, until),
    )
