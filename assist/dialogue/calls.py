"""The back-end calls a flow's `action` step may make (`call:`), each name with its handler.

`HANDLERS` is the one registry: `flows.py` checks every `call:` against `CALLS` (its names) when
flows load, and `run` dispatches to it. Lookups (bin days, report status, service information)
ask `CouncilServices` at once; writes (reports, reminders, texts) become actions the runner puts
in the outbox in the same transaction as the session. A handler may raise `BackendError`: `run`
then marks the turn degraded and the step goes to its `on_error`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from assist.backend_client.protocol import BackendError, NotFound, ReportRequest
from assist.backend_client.references import new_reference
from assist.backend_client.reports import address_from_dict, report_payload
from assist.dialogue.commands import Command
from assist.dialogue.details import report_description
from assist.dialogue.references import spoken_reference
from assist.dialogue.turn import Turn
from assist.dialogue.types import CallBackend, Channel, Say, SendSms
from assist.hours import parse_hours
from assist.phones import display_number

if TYPE_CHECKING:
    from assist.dialogue.flows import StepSpec

log = logging.getLogger(__name__)

Handler = Callable[[Turn, "StepSpec"], Awaitable[None]]
"""Carries out one call for the step; may raise `BackendError`."""


async def run(t: Turn, step: StepSpec) -> bool:
    """Make the step's call; False when the back end failed (the step's `on_error` follows)."""
    s = t.session
    try:
        if step.call is not None:
            await HANDLERS[step.call](t, step)
    except NotFound:
        if step.call == "report_status":
            t.actions.append(t.say("status.not_found", reference=s.slots.pop("reference", "")))
            return True
        raise
    except BackendError as exc:
        log.warning("back end %s failed: %s", step.call, type(exc).__name__)
        s.degraded = True
        return False
    return True


async def bin_day(t: Turn, step: StepSpec) -> None:
    """Say the next collections (up to three) at the chosen address."""
    s = t.session
    prompts = t.engine.prompts
    collections = await t.engine.services.bin_collections(s.slots["address_id"])
    items = []
    for c in collections[:3]:
        item = prompts.get(
            t.lang,
            "bins.collection_item",
            bin=prompts.get(t.lang, f"bins.bin.{c.bin}"),
            day=t.date(c.date),
        )
        if c.moved_from:
            item += " " + prompts.get(t.lang, "bins.moved", usual=t.date(c.moved_from))
        items.append(item)
    t.actions.append(
        t.say(
            "bins.collections",
            address=s.slots.get("address", ""),
            collections="; ".join(items),
        )
    )


async def report(t: Turn, step: StepSpec) -> None:
    """File a report (through the outbox) and give the citizen Assist's reference at once."""
    s = t.session
    service = step.service or s.intent or ""
    ref = new_reference()
    addr = s.slots.get("_address") or {}
    description = report_description(
        t, s.slots.get("description") or f"Missed {s.slots.get('bin', '')} bin"
    )
    request = ReportRequest(
        service=service,
        description=description,
        assist_ref=ref,
        address=address_from_dict(addr) if addr else None,
        location_text=s.slots.get("location"),
        lat=addr.get("lat"),
        long=addr.get("long"),
        attributes={k: v for k, v in {"bin": s.slots.get("bin")}.items() if v},
        phone=s.sender if s.channel in (Channel.VOICE, Channel.SMS) else None,
    )
    payload = report_payload(request, session_id=s.id, channel=s.channel.value, language=s.language)
    t.actions.append(CallBackend("report", payload, key=ref))
    s.refs.append(ref)
    s.slots["ref"] = ref
    key = {Channel.VOICE: "report.done", Channel.SMS: "report.done_text"}.get(
        s.channel, "report.done_chat"
    )
    t.actions.append(t.say(key, ref=ref, ref_spoken=spoken_reference(ref)))


async def report_status(t: Turn, step: StepSpec) -> None:
    """Say where a report is, by the reference collected (NotFound is said by `run`)."""
    s = t.session
    prompts = t.engine.prompts
    st = await t.engine.services.report_status(s.slots["reference"])
    status = (
        prompts.get(t.lang, f"status.{st.status}")
        if prompts.has(t.lang, f"status.{st.status}")
        else st.status
    )
    t.actions.append(
        t.say(
            "status.found",
            reference=st.reference,
            service_name=st.service_name,
            status=status,
        )
    )
    if st.status_notes:
        t.actions.append(t.say("status.notes", notes=st.status_notes))
    s.slots.pop("reference", None)


async def service_info(t: Turn, step: StepSpec) -> None:
    """Say the council's hours and phone number for the step's topic (settings as fallback)."""
    topic = step.topic or "opening_hours"
    hours, phone = t.engine.config.hours, t.engine.config.phone
    try:
        info = await t.engine.services.service_info(topic)
        council_hours = "; ".join(info.hours)
        if council_hours and (t.lang == "en" or describe_ok(council_hours)):
            hours = council_hours  # the council's own words, if readable in any language
        phone = info.phone or phone
    except NotFound:
        pass
    hours = t.engine.hours_in_words(t.lang, hours)
    t.actions.append(t.say(f"info.{topic}", hours=hours, phone=phone))


async def send_link(t: Turn, step: StepSpec) -> None:
    """Text the topic's web link to a phone, or show it in a chat."""
    s = t.session
    info = await t.engine.services.service_info(step.topic or "")
    url = str(info.extra.get("url", ""))
    text = t.engine.prompts.get(t.lang, "info.link", url=url)
    if s.channel in (Channel.VOICE, Channel.SMS):
        t.actions.append(SendSms(s.sender, text, purpose="link"))
        t.actions.append(t.say("services.link_sent"))
    else:
        t.actions.append(Say(text))


async def subscribe(t: Turn, step: StepSpec) -> None:
    """Start reminders (bin days by default) texted to the citizen's number."""
    _subscription(t, "subscribe", step.topic or "bin_day")


async def unsubscribe(t: Turn, step: StepSpec) -> None:
    """Stop reminders (bin days by default) texted to the citizen's number."""
    _subscription(t, "unsubscribe", step.topic or "bin_day")


def _subscription(t: Turn, call: str, topic: str) -> None:
    """On the phone and by SMS, start or stop reminders to the citizen's own number. In a
    chat, starting asks the number to agree first (a text it answers YES to: the `mobile`
    slot, from the flow's `expect: mobile` step), and stopping is done by text."""
    s = t.session
    if s.channel not in (Channel.VOICE, Channel.SMS):
        mobile = s.slots.get("mobile")
        if call == "subscribe" and isinstance(mobile, str) and mobile:
            _ask_to_agree(t, topic, mobile)
        else:
            key = "reminders.no_number" if call == "subscribe" else "reminders.stop_by_text"
            t.actions.append(t.say(key))
        return
    payload = {
        "number": s.sender,
        "topic": topic,
        "address_id": s.slots.get("address_id"),
        "address": s.slots.get("address"),
        "language": s.language,
        "channel": s.channel.value,
    }
    key = f"{call}:{topic}:{s.sender}:{s.slots.get('address_id')}:{s.id}:{s.turns}"
    t.actions.append(CallBackend(call, payload, key=key))
    t.actions.append(
        t.say(
            "reminders.started" if call == "subscribe" else "reminders.stopped",
            number=display_number(s.sender),
        )
    )


def _ask_to_agree(t: Turn, topic: str, mobile: str) -> None:
    """Text `mobile` once to ask it to agree (reply YES); nothing else goes to it until it
    does (`assist.notify.consent`). The chat is told what happens next."""
    s = t.session
    payload = {
        "number": mobile,
        "topic": topic,
        "address_id": s.slots.get("address_id"),
        "address": s.slots.get("address"),
        "language": s.language,
        "channel": s.channel.value,
        "session_id": s.id,
    }
    key = f"consent:{topic}:{mobile}:{s.slots.get('address_id')}:{s.id}"
    t.actions.append(CallBackend("ask_consent", payload, key=key))
    t.actions.append(t.say("reminders.consent_sent", number=display_number(mobile)))


async def send_menu(t: Turn, step: StepSpec) -> None:
    """Text (or show) the whole menu, as the universal "text me the menu" does."""
    await t.command(Command.TEXT_MENU)


def describe_ok(hours: str) -> bool:
    """True when opening hours are in the machine-readable form (`Mon-Fri 08:00-18:00`)."""
    try:
        return bool(parse_hours(hours))
    except ValueError:
        return False


HANDLERS: dict[str, Handler] = {
    "bin_day": bin_day,
    "report": report,
    "report_status": report_status,
    "service_info": service_info,
    "subscribe": subscribe,
    "unsubscribe": unsubscribe,
    "send_link": send_link,
    "send_menu": send_menu,
}
"""Every call a flow may make, by the name flows use in `call:`."""
CALLS = frozenset(HANDLERS)
"""The names flows may use in `call:`."""
