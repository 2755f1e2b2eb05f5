"""Notes staff add to a report after it was made, kept in the reports component's
`report_notes` table (see `reports.MIGRATIONS`).

GeoReport v2 has no call to update a request, and the embedded reference council offers
none, so a note is not sent to the council (`sent_to_council` stays 0): it is kept against
the report and shown to whoever looks at that report next, in the console and to supervisors.
"""

from __future__ import annotations

from assist.backend_client.reports import find_by_council_ref, get_report, queued_report
from assist.store.base import Row, Tx


async def add_note(
    tx: Tx, assist_ref: str, author: str, text: str, now: float, session_id: str | None = None
) -> int:
    """Keep what staff added to a report after it was made; returns the note's id."""
    return await tx.execute(
        "INSERT INTO report_notes (assist_ref, author, text, session_id, created_at)"
        " VALUES (?,?,?,?,?)",
        (assist_ref.strip().upper(), author, text, session_id, now),
    )


async def notes_for(tx: Tx, assist_refs: list[str]) -> list[Row]:
    """Notes added to these reports (id, assist_ref, author, text, sent_to_council,
    created_at), oldest first."""
    refs = [r.strip().upper() for r in assist_refs if r.strip()]
    if not refs:
        return []
    marks = ",".join("?" for _ in refs)
    return await tx.fetchall(
        "SELECT id, assist_ref, author, text, sent_to_council, created_at FROM report_notes"
        f" WHERE assist_ref IN ({marks}) ORDER BY id",
        tuple(refs),
    )


async def recent_notes(tx: Tx, limit: int = 20) -> list[Row]:
    """The latest notes added to any report, newest first (for supervisors)."""
    return await tx.fetchall(
        "SELECT id, assist_ref, author, text, sent_to_council, created_at FROM report_notes"
        " ORDER BY id DESC LIMIT ?",
        (limit,),
    )


async def known_report(tx: Tx, reference: str) -> str | None:
    """The Assist reference of a report known here by its Assist or council reference (still
    in the outbox or with the council), or None."""
    for row in (
        await get_report(tx, reference),
        await queued_report(tx, reference),
        await find_by_council_ref(tx, reference),
    ):
        if row is not None:
            return str(row["assist_ref"]).upper()
    return None
