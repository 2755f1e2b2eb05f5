"""Staff look-ups through the council client (bin days, a report's progress, addresses),
each answer written into the conversation as a note in plain words."""

from __future__ import annotations

from typing import Any

from assist.backend_client.protocol import Address, BackendError, NotFound, OutsideArea
from assist.handoff import auth, for_citizen
from assist.handoff.entries import CLAIMED, Conflict, Entry
from assist.handoff.pages import words
from assist.handoff.web import Console
from assist.store import core

WHY = {NotFound: "console.no_addresses", OutsideArea: "console.outside_area"}


class NoServices(Exception):
    """Council services are not connected to this console."""


def why(console: Console, exc: BackendError) -> str:
    """Why a look-up failed, in words that say what to do."""
    return words(console, WHY.get(type(exc), "console.services_down"))


async def held(console: Console, entry_id: str, who: auth.Staff) -> Entry:
    """The entry, when `who` holds it and look-ups are possible; raises NoServices, Conflict
    or EntryNotFound."""
    if console.services is None:
        raise NoServices()
    entry, _ = await console.conversation(entry_id)
    if entry.status != CLAIMED or entry.claimed_by != who.username:
        raise Conflict(f"{entry_id} is not held by {who.username}")
    return entry


async def record(console: Console, entry: Entry, who: auth.Staff, text: str, action: str) -> None:
    """Write a look-up's answer into the conversation as a note (`system` line)."""
    async with console.store.transaction() as tx:
        await core.append_transcript(
            tx,
            entry.session_id,
            "system",
            text,
            {"agent": who.username, "action": action},
            now=console.clock(),
        )


def known_address(entry: Entry) -> dict[str, str]:
    """The address the citizen already chose in the conversation: id, line and postcode
    (empty when they chose none)."""
    slots = entry.context.get("slots") or {}
    if not slots.get("address_id"):
        return {}
    return {
        "id": str(slots["address_id"]),
        "line": str(slots.get("address", "")),
        "postcode": str(slots.get("postcode", "")),
    }


def same_postcode(a: str, b: str) -> bool:
    """True when two postcodes are the same, whatever the spacing and case."""
    return "".join(a.upper().split()) == "".join(b.upper().split())


def _choose(found: list[Address], address_id: str, known: dict[str, str]) -> Address | None:
    for wanted in (address_id, known.get("id", "")):
        for a in found:
            if wanted and a.id == wanted:
                return a
    return found[0] if len(found) == 1 else None


async def bin_days(
    console: Console, entry_id: str, who: auth.Staff, postcode: str, address_id: str = ""
) -> None:
    """Look up bin days for the address chosen, else the citizen's known address at that
    postcode, else the only address there; the answer goes into the conversation."""
    entry = await held(console, entry_id, who)
    assert console.services is not None
    known = known_address(entry)
    postcode = postcode.strip() or known.get("postcode", "")
    try:
        found = await console.services.find_addresses(postcode)
        chosen = _choose(found, address_id.strip(), known)
        if chosen is None:
            text = words(console, "console.lookup.pick_address", postcode=postcode)
        else:
            days = await console.services.bin_collections(chosen.id)
            said = "; ".join(f"{c.bin} {c.date:%A %d %B}" for c in days[:3])
            text = words(console, "console.lookup.bin_days", address=chosen.line, days=said)
    except BackendError as exc:
        text = words(
            console, "console.lookup.bin_days_failed", postcode=postcode, why=why(console, exc)
        )
    await record(console, entry, who, text, "bin_days")


async def report_status(console: Console, entry_id: str, who: auth.Staff, ref: str) -> None:
    """Check a report's progress through the council client; the answer goes into the
    conversation."""
    entry = await held(console, entry_id, who)
    assert console.services is not None
    ref = ref.strip()
    try:
        st = await console.services.report_status(ref)
        status = st.status + (f" ({st.status_notes})" if st.status_notes else "")
        text = words(console, "console.lookup.status", ref=st.assist_ref or ref, status=status)
    except BackendError as exc:
        reason = (
            words(console, "console.lookup.no_report")
            if isinstance(exc, NotFound)
            else words(console, "console.services_down")
        )
        text = words(console, "console.lookup.status_failed", ref=ref, why=reason)
    await record(console, entry, who, text, "report_status")


async def addresses(console: Console, postcode: str) -> tuple[list[dict[str, Any]], str | None]:
    """Addresses at a postcode for the report and reminder forms, or why there are none."""
    if not postcode or console.services is None:
        return [], None
    try:
        found = await console.services.find_addresses(postcode)
    except BackendError as exc:
        return [], f"{postcode}: {why(console, exc)}"
    return [for_citizen.address_dict(a) for a in found], None
