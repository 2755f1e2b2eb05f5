"""Staff acting for the citizen as the assistant would: file a report, start or stop reminders.

Both write the same outbox rows the dialogue engine writes (`report`, `subscribe`,
`unsubscribe`), so delivery, retries and the council client are shared; each also adds a
`staff` line to the transcript (web chat shows it to the citizen) and a queue event (which is
audited). Only the agent holding the entry may act.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

from assist.backend_client import reports
from assist.backend_client.protocol import REPORT_SERVICES, CouncilServices, ReportRequest
from assist.backend_client.references import new_reference
from assist.backend_client.reports import address_from_dict
from assist.dialogue.prompts import Prompts
from assist.dialogue.steps import address_dict as address_dict
from assist.handoff.entries import CLAIMED, Conflict, Entry, get_entry, record_event
from assist.phones import display_number
from assist.store import core
from assist.store.base import Tx

BINS = ("black", "blue", "green")
"""Bin colours the missed-bin flow knows."""
PHONE_CHANNELS = frozenset({"voice", "sms"})
"""Channels with a number reminders can be texted to."""
TOPIC = "bin_day"
SERVICE_NAMES = {  # for staff, on the English-only console
    "missed_bin": "missed bin",
    "report_pothole": "pothole",
    "report_flytipping": "fly-tipping",
    "report_streetlight": "street light",
}
SERVICE_LABELS = {
    "missed_bin": "main.opt.missed_bin",
    "report_pothole": "main.opt.pothole",
    "report_flytipping": "main.opt.flytipping",
    "report_streetlight": "main.opt.streetlight",
}
"""How a report type is named to the citizen, in their language (the menu's own words)."""
MAX_DESCRIPTION = 1000
MAX_LOCATION = 200


@dataclass(frozen=True)
class ReportDetails:
    """What staff enter to file a report; `address` comes from `pick_address`."""

    service: str
    description: str = ""
    location: str = ""
    bin: str = ""
    address: dict[str, Any] | None = None
    phone: str | None = None
    """A number for the council to ring or text about the report: None for the citizen's own
    (phone and SMS conversations), "" for none."""


async def pick_address(services: CouncilServices, postcode: str, address_id: str) -> dict[str, Any]:
    """The address with `address_id` among the postcode's; raises ValueError if not there.

    Back-end errors (NotFound, OutsideArea, BackendUnavailable) propagate.
    """
    for a in await services.find_addresses(postcode.strip()):
        if a.id == address_id:
            return address_dict(a)
    raise ValueError("choose an address from the list for that postcode")


async def held(tx: Tx, entry_id: str, agent_id: str) -> Entry:
    """The entry, if `agent_id` holds it; raises Conflict otherwise (EntryNotFound if none)."""
    entry = await get_entry(tx, entry_id)
    if entry.status != CLAIMED or entry.claimed_by != agent_id:
        raise Conflict(f"{entry_id} is not held by {agent_id}: claim the conversation first")
    return entry


def report_payload(entry: Entry, details: ReportDetails, ref: str) -> dict[str, Any]:
    """The outbox payload for staff's report (`reports.report_payload`, as the assistant's);
    raises ValueError for missing details."""
    if details.service not in REPORT_SERVICES:
        raise ValueError(f"choose a service: one of {', '.join(REPORT_SERVICES)}")
    description = details.description.strip()[:MAX_DESCRIPTION]
    location = details.location.strip()[:MAX_LOCATION] or None
    addr = details.address or {}
    colour = details.bin.strip().lower()
    if details.service == "missed_bin":
        if colour not in BINS:
            raise ValueError(f"choose the bin colour: {', '.join(BINS)}")
        if not addr:
            raise ValueError("a missed bin needs the address: look up the postcode and pick one")
        description = description or f"Missed {colour} bin"
    else:
        colour = ""
        if not description:
            raise ValueError("describe the problem")
        if not addr and not location:
            raise ValueError("give an address (postcode, then pick one) or describe where it is")
    report = ReportRequest(
        service=details.service,
        description=description,
        assist_ref=ref,
        address=address_from_dict(addr) if addr else None,
        location_text=location,
        lat=addr.get("lat"),
        long=addr.get("long"),
        attributes={"bin": colour} if colour else {},
        phone=_phone(entry, details.phone),
    )
    return reports.report_payload(
        report, session_id=entry.session_id, channel=entry.channel, language=entry.language
    )


def _phone(entry: Entry, given: str | None) -> str | None:
    if given is None:
        return entry.sender if entry.channel in PHONE_CHANNELS else None
    return given or None


async def file_report(
    tx: Tx, prompts: Prompts, entry_id: str, agent_id: str, details: ReportDetails, now: float
) -> str:
    """File a report for the citizen through the outbox; returns the Assist reference.

    Raises Conflict unless the agent holds the entry; ValueError for missing details.
    """
    entry = await held(tx, entry_id, agent_id)
    ref = new_reference()
    payload = report_payload(entry, details, ref)
    await core.enqueue_outbox(
        tx, kind="report", key=ref, payload=payload, session_id=entry.session_id, now=now
    )
    where = (details.address or {}).get("line") or payload["location_text"]
    service = prompts.get_or_english(entry.language, SERVICE_LABELS[details.service])
    text = prompts.get_or_english(
        entry.language, "staff_note.reported", service=service, where=where, ref=ref
    )
    await core.append_transcript(
        tx,
        entry.session_id,
        "staff",
        text,
        {"agent": agent_id, "action": "report", "ref": ref},
        now=now,
    )
    await _add_ref(tx, entry, ref, now)
    await record_event(
        tx, entry_id, agent_id, "report_filed", now, {"ref": ref, "service": details.service}
    )
    return ref


async def set_reminders(
    tx: Tx,
    prompts: Prompts,
    entry_id: str,
    agent_id: str,
    start: bool,
    address: dict[str, Any] | None,
    now: float,
) -> str:
    """Start (with an address) or stop bin-day reminders for the citizen's number.

    Writes a `subscribe`/`unsubscribe` outbox row with the engine's payload; returns the
    number. Raises Conflict unless the agent holds the entry; ValueError on a channel with
    no phone number, or starting without an address.
    """
    entry = await held(tx, entry_id, agent_id)
    if entry.channel not in PHONE_CHANNELS:
        raise ValueError("reminders are texted: only for phone and SMS conversations")
    if start and not address:
        raise ValueError("choose the address to be reminded about")
    number = entry.sender
    call = "subscribe" if start else "unsubscribe"
    addr = address or {}
    payload = {
        "number": number,
        "topic": TOPIC,
        "address_id": addr.get("id"),
        "address": addr.get("line"),
        "language": entry.language,
        "channel": entry.channel,
    }
    key = f"{call}:{TOPIC}:{number}:{addr.get('id')}:{entry.session_id}:staff"
    key += f":{secrets.token_hex(4)}"
    await core.enqueue_outbox(
        tx, kind=call, key=key, payload=payload, session_id=entry.session_id, now=now
    )
    text = prompts.get_or_english(
        entry.language,
        "staff_note.reminders_on" if start else "staff_note.reminders_off",
        number=display_number(number),
        address=addr.get("line") or "",
    )
    await core.append_transcript(
        tx, entry.session_id, "staff", text, {"agent": agent_id, "action": call}, now=now
    )
    await record_event(tx, entry_id, agent_id, f"reminders_{call}d", now, {"topic": TOPIC})
    return number


async def _add_ref(tx: Tx, entry: Entry, ref: str, now: float) -> None:
    """Keep the new reference in the entry's context packet, beside the assistant's."""
    context = dict(entry.context)
    context["refs"] = [*context.get("refs", []), ref]
    await tx.execute(
        "UPDATE handoff_entries SET context = ?, updated_at = ? WHERE id = ?",
        (json.dumps(context), now, entry.id),
    )
