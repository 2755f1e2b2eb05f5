"""The conversation page's report form: filled in from what the citizen already said, and
checked field by field so a mistake keeps everything typed and says what to fix."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from assist.backend_client.protocol import BackendError
from assist.handoff import for_citizen, plain
from assist.handoff.entries import Entry
from assist.handoff.pages import words
from assist.handoff.web import Console

FIELDS = ("service", "postcode", "address_id", "location", "bin", "description", "phone")
UK_PHONE = re.compile(r"^(?:\+44|0)(\d{9,10})$")


@dataclass
class ReportForm:
    """What the report form shows: its values and, after a failed attempt, what to fix."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    """Field name -> what to do about it."""


def their_words(entry: Entry, lines: list[dict[str, Any]]) -> str:
    """The citizen's own description: the details they gave, else their first sentence in
    the conversation (typed or spoken, not a key press)."""
    slots = entry.context.get("slots") or {}
    if slots.get("description"):
        return str(slots["description"])
    bin_said = str(slots.get("bin", ""))
    if ": " in bin_said:
        return bin_said.split(": ", 1)[1]
    for line in lines:
        meta = line.get("meta") or {}
        text = str(line.get("text", "")).strip()
        if line.get("role") == "citizen" and not meta.get("digits") and len(text.split()) >= 3:
            return text[: for_citizen.MAX_DESCRIPTION]
    return ""


def prefilled(entry: Entry, lines: list[dict[str, Any]]) -> ReportForm:
    """The report form filled in from the context packet: the service they asked about,
    their address, bin colour, where and what in their words, and a number for updates."""
    ctx = entry.context
    slots = ctx.get("slots") or {}
    colour = str(slots.get("bin", "")).split(":", 1)[0].strip().lower()
    number = entry.callback_number or (
        entry.sender if entry.channel in plain.PHONE_CHANNELS else ""
    )
    return ReportForm(
        {
            "service": str(ctx.get("intent") or "")
            if ctx.get("intent") in for_citizen.SERVICE_NAMES
            else "",
            "postcode": str(slots.get("postcode", "")),
            "address_id": str(slots.get("address_id", "")),
            "location": str(slots.get("location", "")),
            "bin": colour if colour in for_citizen.BINS else "",
            "description": their_words(entry, lines),
            "phone": plain.phone_number(number),
        }
    )


def typed(form: Mapping[str, str]) -> ReportForm:
    """The form as the agent sent it (each field cut to its limit)."""
    limits = {"description": for_citizen.MAX_DESCRIPTION, "location": for_citizen.MAX_LOCATION}
    return ReportForm({k: form.get(k, "")[: limits.get(k, 80)] for k in FIELDS})


def e164(number: str) -> str | None:
    """A UK number in the form the council and SMS want (+447700900777), or None."""
    m = UK_PHONE.match(re.sub(r"[\s()-]", "", number))
    return f"+44{m.group(1)}" if m else None


async def checked(console: Console, form: ReportForm) -> for_citizen.ReportDetails | None:
    """The report to file, or None with `form.errors` saying what to fix, field by field."""
    v, errors = form.values, form.errors
    service = v["service"]
    if service not in for_citizen.SERVICE_NAMES:
        errors["service"] = words(console, "console.form.service")
    address: dict[str, Any] | None = None
    if v["address_id"]:
        if console.services is None:
            errors["address_id"] = words(console, "console.services_off")
        else:
            try:
                address = await for_citizen.pick_address(
                    console.services, v["postcode"], v["address_id"]
                )
            except ValueError:
                errors["address_id"] = words(console, "console.form.address_gone")
            except BackendError:
                errors["address_id"] = words(console, "console.services_down")
    if service == "missed_bin":
        if v["bin"] not in for_citizen.BINS:
            errors["bin"] = words(console, "console.form.bin")
        if address is None and "address_id" not in errors:
            errors["address_id"] = words(console, "console.form.address")
    elif service:
        if not v["description"].strip():
            errors["description"] = words(console, "console.form.description")
        if address is None and not v["location"].strip() and "address_id" not in errors:
            errors["location"] = words(console, "console.form.where")
    phone = ""
    if v["phone"].strip():
        phone = e164(v["phone"]) or ""
        if not phone:
            errors["phone"] = words(console, "console.form.phone")
    if errors:
        return None
    return for_citizen.ReportDetails(
        service=service,
        description=v["description"],
        location=v["location"],
        bin=v["bin"] if service == "missed_bin" else "",
        address=address,
        phone=phone,
    )
