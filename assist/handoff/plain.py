"""Plain words for the staff console: channels, numbers, steps, summaries and transcript lines.

Staff read what the citizen did, never Assist's internal ids: "web chat", not `web`;
"07700 900777", not `+447700900777`; "choosing their address for a missed bin", not
`missed_bin.address`; a web chat's number (its chat id) is not shown at all. Sentences come
from the `console.*` prompts (English only); the short labels below are the console's own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from assist.dialogue.prompts import Prompts

CHANNELS = {
    "voice": "phone call",
    "sms": "text message",
    "web": "web chat",
    "terminal": "terminal (testing)",
}
PHONE_CHANNELS = frozenset({"voice", "sms"})
"""Channels whose sender is a phone number (a web chat's sender is its chat id)."""
ROLES = {"citizen": "Citizen", "assistant": "Assistant", "staff": "Staff", "system": "Note"}
SERVICES = {
    "missed_bin": "missed bin",
    "report_pothole": "pothole",
    "report_flytipping": "fly-tipping",
    "report_streetlight": "street light",
    "request_status": "report progress",
    "bin_day": "bin day",
    "reminders": "bin-day reminders",
    "human": "a person",
    "safeguarding": "someone at risk",
    "adult_social_care": "adult social care",
}
SLOT_LABELS = {
    "postcode": "Postcode",
    "address": "Address",
    "bin": "Bin",
    "description": "In their words",
    "location": "Where",
    "fault": "Fault",
    "reference": "Reference",
}
HIDDEN_SLOTS = frozenset({"address_id"})
"""Details kept for the back end, not for people (an address's id is `cam-0003`)."""
OUTCOMES = {
    "resolved": "resolved",
    "report_filed": "report filed",
    "information_given": "information given",
    "callback_arranged": "callback arranged",
    "referred_elsewhere": "referred elsewhere",
    "no_reply": "no reply",
    "other": "other",
    "handed_back": "handed back to the assistant",
    "abandoned": "gave up waiting",
    "callback_unreachable": "callback: no answer",
}
STATUSES = {
    "waiting": "waiting",
    "dropped": "left the queue (place kept for 30 minutes)",
    "closed": "closed",
    "handed_back": "handed back to the assistant",
    "abandoned": "gave up waiting",
}
PERSON_DIGIT = "0"
"""The key (and the web chat's Talk-to-a-person button) that asks for a person."""


LANGUAGES = {
    "en": "English",
    "pl": "Polish",
    "lt": "Lithuanian",
    "ro": "Romanian",
    "pt": "Portuguese",
}


def language_name(code: str) -> str:
    """ "Polish" for `pl`: the console is in English."""
    return LANGUAGES.get(code, code)


def channel_name(channel: str) -> str:
    """ "web chat", "text message", "phone call" for a channel."""
    return CHANNELS.get(channel, channel.replace("_", " "))


def service_name(intent: str | None) -> str:
    """What the citizen asked about, in words ("missed bin"); "" when not known."""
    if not intent:
        return ""
    return SERVICES.get(intent, intent.replace("_", " "))


def phone_number(number: str | None) -> str:
    """A phone number as people write it: "07700 900777", "020 7946 0018", "0345 045 5200";
    others with their country code; "" for anything that is not a phone number."""
    if not number:
        return ""
    digits = re.sub(r"[^\d+]", "", number)
    if digits.startswith("+44"):
        digits = "0" + digits[3:]
    if digits.startswith("0") and len(digits) == 11:
        if digits.startswith("02"):
            return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
        if digits.startswith(("03", "08", "09")) or digits[2] == "1" or digits[3] == "1":
            return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
        return f"{digits[:5]} {digits[5:]}"  # mobiles (07) and most area codes
    if digits.startswith("+") and 8 <= len(digits) <= 16 and digits[1:].isdigit():
        return f"{digits[:3]} {digits[3:]}"
    return ""


def citizen_number(channel: str, sender: str) -> str:
    """The citizen's phone number in words, or "" when the channel has none (web chat)."""
    return phone_number(sender) if channel in PHONE_CHANNELS else ""


def step_words(prompts: Prompts, step: str | None) -> str:
    """Where the citizen was, described from the dialogues ("choosing their address for a
    missed bin"); a hand-off reason or an unknown step gets the general words."""
    if not step:
        return ""
    key = f"console.step.{step}"
    if prompts.has("en", key):
        return prompts.get("en", key)
    reason = f"console.reason.{step}"
    if prompts.has("en", reason):
        return prompts.get("en", reason)
    return prompts.get("en", "console.step.unknown")


def reason_words(prompts: Prompts, reason: str) -> str:
    """Why they came to a person ("asked for a person"), from `console.reason.*`."""
    key = f"console.reason.{reason}"
    return prompts.get("en", key) if prompts.has("en", key) else reason.replace("_", " ")


def slot_value(key: str, value: Any) -> str:
    """A detail as people read it: a bin's colour without the option's code."""
    text = str(value)
    if key == "bin" and ": " in text:
        colour, said = text.split(": ", 1)
        return f"{colour} ({said})"
    return text


def facts(slots: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The details the citizen gave, labelled for people, without internal ids."""
    out = []
    for key, value in slots.items():
        if key in HIDDEN_SLOTS or str(key).startswith("_") or value in (None, ""):
            continue
        if not isinstance(value, str | int | float):
            continue
        out.append(
            (SLOT_LABELS.get(key, key.replace("_", " ").capitalize()), slot_value(key, value))
        )
    return out


def summary(intent: str | None, reason: str, slots: Mapping[str, Any], prompts: Prompts) -> str:
    """A one-line summary for the queue: what they asked about and their first details."""
    head = service_name(intent) or reason_words(prompts, reason)
    details = [value for _label, value in facts(slots) if _label != "Postcode"][:3]
    line = ": ".join([head, ", ".join(details)]) if details else head
    return line if len(line) <= 100 else line[:99] + "…"


def entry_summary(entry: Any, prompts: Prompts) -> str:
    """`summary` for a queue entry, from its context packet."""
    ctx = entry.context
    return summary(ctx.get("intent"), entry.reason, ctx.get("slots") or {}, prompts)


def line_text(line: Mapping[str, Any], prompts: Prompts) -> str:
    """What a transcript line says, in words: a key press becomes "pressed 2", the
    Talk-to-a-person button "asked for a person", silence "said nothing"."""
    text = str(line.get("text", ""))
    meta = line.get("meta") or {}
    if line.get("role") == "citizen":
        if meta.get("digits") and text == PERSON_DIGIT:
            return prompts.get("en", "console.line.asked_person")
        if meta.get("digits"):
            return prompts.get("en", "console.line.pressed", keys=text)
        if text == "(silence)":
            return prompts.get("en", "console.line.silence")
    return text


def line_view(line: Mapping[str, Any], prompts: Prompts) -> dict[str, Any]:
    """A transcript line for the page and the API: id, role, who said it, words."""
    role = str(line.get("role", "system"))
    meta = line.get("meta") or {}
    who = ROLES.get(role, "Note")
    if role == "staff" and meta.get("agent"):
        who = f"Staff ({meta['agent']})"
    return {
        "id": line.get("id"),
        "role": role,
        "who": who,
        "text": line_text(line, prompts),
        "at": line.get("at"),
        "action": meta.get("action"),
    }


def outcome_name(outcome: str | None) -> str:
    """How a conversation ended, in words."""
    if not outcome:
        return ""
    return OUTCOMES.get(outcome, outcome.replace("_", " "))


def status_words(status: str, claimed_by: str | None) -> str:
    """ "with ann", "waiting", "closed"."""
    if status == "claimed":
        return f"with {claimed_by}"
    return STATUSES.get(status, status.replace("_", " "))
