"""Connecting callers to staff: a claimed caller is dialled through to the agent, and a
claimed callback rings the agent first, then the citizen (Twilio REST).

The staff console publishes on `parts.bus` topic `queue` when someone claims an entry:
`{"type": "claimed", "entry_id": "h_…", "session_id": "…", "agent": "<agent id>",
"channel": "voice"}`. `run_claim_listener` turns each such event into `connect_agent`
(a caller waiting in the Twilio queue: their call is updated to `<Dial>` the agent) or
`place_callback` (a callback: `create_call` to the agent, whose TwiML dials the citizen).
Where an agent is reached: `settings.voice_agent_targets[agent]` (E.164 number or
`client:<identity>`), else the Twilio Client identity `client:<agent id>`.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol
from urllib.parse import urlencode

from assist.handoff.entries import Entry, EntryNotFound, get_entry
from assist.ivr import calls as voice_store
from assist.ivr.text import voice_text
from assist.ivr.twilio.twiml import VoiceStyle, dial_document
from assist.parts import Parts
from assist.store.base import Tx

log = logging.getLogger(__name__)
PREFIX = "/twilio/voice"


class CallControl(Protocol):
    """The two REST calls the phone line makes (`assist.twilio.rest.TwilioRest` has them)."""

    async def update_call(self, call_sid: str, twiml: str) -> None:
        """Replace what a live call is doing with new TwiML."""
        ...

    async def create_call(
        self,
        to: str,
        from_: str,
        url: str | None = None,
        twiml: str | None = None,
        status_callback: str | None = None,
    ) -> str:
        """Start an outbound call; returns its SID."""
        ...


def agent_target(parts: Parts, agent: str) -> str:
    """How to reach this agent: their configured number or Client identity, else `client:<id>`."""
    targets: dict[str, str] = dict(getattr(parts.settings, "voice_agent_targets", None) or {})
    return targets.get(agent) or f"client:{agent}"


def public(parts: Parts, path: str, **query: str) -> str:
    """An absolute public URL for one of our webhooks (TwiML sent by REST has no base URL)."""
    url = parts.settings.public_url + PREFIX + path
    return url + ("?" + urlencode(query) if query else "")


async def connect_agent(
    parts: Parts,
    call_sid: str,
    agent: str,
    rest: CallControl,
    entry_id: str | None = None,
    language: str = "en",
) -> bool:
    """Take a waiting caller out of the Twilio queue and dial them through to `agent`.

    Returns False (and logs) when Twilio refuses, e.g. because the caller has hung up.
    """
    style = VoiceStyle(language)
    query = {"agent": agent, "kind": "live"}
    if entry_id:
        query["entry"] = entry_id
    twiml = dial_document(
        [voice_text(parts.prompts, language, "voice.connecting")],
        style=style,
        target=agent_target(parts, agent),
        action_url=public(parts, "/dial-done", **query),
    )
    try:
        await rest.update_call(call_sid, twiml)
    except Exception as exc:
        log.warning("could not connect call to agent: %s", type(exc).__name__)
        return False
    async with parts.store.transaction() as tx:
        await voice_store.update_call(tx, call_sid, parts.conversations.clock(), agent=agent)
    parts.metrics.inc("assist_voice_connected_total", "Callers dialled through to staff")
    return True


async def place_callback(parts: Parts, entry_id: str, agent: str, rest: CallControl) -> str | None:
    """Ring the agent first; when they answer, their call dials the citizen. Returns the SID."""
    async with parts.store.transaction() as tx:
        entry = await _entry(tx, entry_id)
    if entry is None or entry.kind != "callback":
        return None
    number = entry.callback_number or entry.sender
    caller_id = parts.settings.twilio_phone_number
    whisper = voice_text(parts.prompts, "en", "voice.whisper", summary=entry.summary)
    twiml = dial_document(
        [whisper],
        style=VoiceStyle("en"),
        target=number,
        caller_id=caller_id,
        action_url=public(parts, "/dial-done", entry=entry_id, agent=agent, kind="callback"),
    )
    try:
        sid = await rest.create_call(
            agent_target(parts, agent),
            caller_id or "",
            twiml=twiml,
            status_callback=public(parts, "/status", entry=entry_id, agent=agent, leg="agent"),
        )
    except Exception as exc:
        log.warning("could not place callback: %s", type(exc).__name__)
        return None
    async with parts.store.transaction() as tx:
        await voice_store.record_call(
            tx,
            sid,
            number,
            parts.conversations.clock(),
            session_id=entry.session_id,
            direction="callback",
            entry_id=entry_id,
            agent=agent,
        )
    parts.metrics.inc("assist_voice_callbacks_placed_total", "Callbacks placed, agent first")
    return sid


async def _entry(tx: Tx, entry_id: str) -> Entry | None:
    try:
        return await get_entry(tx, entry_id)
    except EntryNotFound:
        return None


async def handle_claim(parts: Parts, rest: CallControl, event: dict[str, Any]) -> str | None:
    """Act on one `claimed` event: returns "connected", "callback", or None when nothing to do."""
    if event.get("type") != "claimed" or event.get("channel", "voice") != "voice":
        return None
    entry_id, agent = str(event.get("entry_id", "")), str(event.get("agent", ""))
    async with parts.store.transaction() as tx:
        entry = await _entry(tx, entry_id)
        call = await voice_store.live_call_for_session(tx, entry.session_id) if entry else None
    if entry is None or not agent:
        return None
    if entry.kind == "callback":
        return "callback" if await place_callback(parts, entry_id, agent, rest) else None
    if call is None:
        return None
    ok = await connect_agent(
        parts, call["call_sid"], agent, rest, entry_id=entry_id, language=entry.language
    )
    return "connected" if ok else None


async def run_claim_listener(parts: Parts, rest: CallControl) -> None:
    """Background task: connect every voice entry staff claim (runs until cancelled)."""
    async with parts.bus.subscribe("queue") as events:
        while True:
            event = await events.get()
            try:
                await handle_claim(parts, rest, event)
            except Exception:
                log.exception("claim event failed")
