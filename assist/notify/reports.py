"""Report updates: the council's reference, then each status change until the report closes.

Open311 has no push, so open reports are polled. The `reports` table (backend_client) says
who reported what on which channel; this module keeps what it last told each citizen in
`notify_report_state`, so a restart repeats nothing. Phone and SMS reporters get texts;
web chat reporters were shown their reference on screen and have no number to text.
"""

from __future__ import annotations

import hashlib
import json
import logging

from assist.backend_client import reports as reports_table
from assist.backend_client.protocol import BackendError, CouncilServices, NotFound
from assist.dialogue.prompts import Prompts
from assist.notify import jobs
from assist.notify.texts import text
from assist.store import core
from assist.store.base import Row, Store, Tx

log = logging.getLogger(__name__)
TOPIC = "report_updates"
TEXTED_CHANNELS = ("sms", "voice")


async def _language(tx: Tx, session_id: str | None) -> str:
    if not session_id:
        return "en"
    row = await core.load_session(tx, session_id)
    if row is None:
        return "en"
    return str(json.loads(row["state"]).get("language") or "en")


async def _open_reports(store: Store, limit: int) -> list[Row]:
    """Reports to check with the council, least recently checked first, each with what the
    citizen was last told (`ref_sent`, `last_status`, `last_notes`); closed ones are done."""
    async with store.transaction() as tx:
        reports = await reports_table.with_council_ref(tx, TEXTED_CHANNELS)
        told = {r["assist_ref"]: r for r in await tx.fetchall("SELECT * FROM notify_report_state")}
    out: list[Row] = []
    for r in reports:
        state = told.get(r["assist_ref"], {})
        if state.get("closed"):
            continue
        out.append(
            {
                **r,
                "ref_sent": state.get("ref_sent") or 0,
                "last_status": state.get("last_status"),
                "last_notes": state.get("last_notes"),
                "_checked_at": state.get("checked_at") or 0,
            }
        )
    out.sort(key=lambda r: (r["_checked_at"], r["created_at"]))
    return out[:limit]


async def poll_reports(
    store: Store, services: CouncilServices, prompts: Prompts, now: float, limit: int = 200
) -> int:
    """Check open reports with the council and schedule texts for news; returns jobs made."""
    made = 0
    for report in await _open_reports(store, limit):
        try:
            status = await services.report_status(report["council_ref"])
        except NotFound:
            status = None
        except BackendError as exc:
            log.warning("notify: report status unavailable (%s)", type(exc).__name__)
            return made
        async with store.transaction() as tx:
            made += await _record(tx, report, status, prompts, now)
    return made


async def _text_now(tx: Tx, report: Row, key: str, body: str, now: float) -> bool:
    """Schedule a text about the report to its citizen, due now; False when `key` was known."""
    return await jobs.schedule(
        tx,
        key=key,
        topic=TOPIC,
        number=report["citizen_number"],
        text=body,
        due_at=now,
        now=now,
        session_id=report["session_id"],
    )


async def _record(tx: Tx, report: Row, status: object, prompts: Prompts, now: float) -> int:
    ref, council_ref = report["assist_ref"], report["council_ref"]
    lang = await _language(tx, report["session_id"])
    made = 0
    await tx.execute(
        "INSERT INTO notify_report_state (assist_ref, checked_at) VALUES (?,?)"
        " ON CONFLICT(assist_ref) DO UPDATE SET checked_at = excluded.checked_at",
        (ref, now),
    )
    if not report["ref_sent"]:
        ref_text = text(prompts, lang, "notify.report_ref", ref=ref, council_ref=council_ref)
        made += await _text_now(tx, report, f"report-ref:{ref}", ref_text, now)
        await tx.execute(
            "UPDATE notify_report_state SET ref_sent = 1, last_status ="
            " COALESCE(last_status, 'open') WHERE assist_ref = ?",
            (ref,),
        )
    if status is None:
        return made
    new_status = str(getattr(status, "status", "open"))
    notes = getattr(status, "status_notes", None) or ""
    last_status = report["last_status"] or "open"
    last_notes = report["last_notes"] or ""
    if (new_status, notes) != (last_status, last_notes):
        digest = hashlib.sha256(f"{new_status}|{notes}".encode()).hexdigest()[:12]
        word = (
            prompts.get(lang, f"status.{new_status}")
            if prompts.has(lang, f"status.{new_status}")
            else new_status
        )
        body = text(
            prompts,
            lang,
            "notify.report_status",
            council_ref=council_ref,
            service=str(getattr(status, "service_name", "") or report["service"]),
            status=word,
        )
        if notes:
            body += " " + text(prompts, lang, "notify.report_notes", notes=notes)
        made += await _text_now(tx, report, f"report-status:{ref}:{digest}", body, now)
        await reports_table.update_status(tx, ref, new_status, notes or None, now)
    await tx.execute(
        "UPDATE notify_report_state SET last_status = ?, last_notes = ?,"
        " closed = ? WHERE assist_ref = ?",
        (new_status, notes, int(new_status == "closed"), ref),
    )
    return made
