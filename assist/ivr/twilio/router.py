"""The phone line on Twilio Voice: signed webhooks in, the same conversations, TwiML out.

Routes (all POST, all signature-checked with `TwilioForm`, all answering `text/xml`):

- `/twilio/voice`            a call arrives: greet, or welcome back within 30 minutes
- `/twilio/voice/turn`       what the caller pressed or said (`?step=<flow.step>&n=<turn>`)
- `/twilio/voice/status`     the call's status callback (a queued caller who hangs up keeps
                             their place for 30 minutes)
- `/twilio/voice/wait`       the `<Enqueue>` wait URL: the hold loop
- `/twilio/voice/wait/key`   a key pressed on hold (1 callback, 9 place, 5 music off)
- `/twilio/voice/queued`     the `<Enqueue>` action: after leaving the queue
- `/twilio/voice/closed`     out of hours: callback when we reopen, or end the call
- `/twilio/voice/dial-done`  the `<Dial>` action after staff were rung

The adapter parses, asks `parts.conversations`, and renders (`assist.ivr.twilio.twiml`); the queue
and estimates come from `assist.handoff`. A Twilio retry carries the same CallSid, step,
turn and input, so the runner's idempotency key returns the same TwiML and does nothing twice.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response

from assist.conversations import AlsoInTx, TurnOutcome
from assist.deps import PartsDep
from assist.dialogue.types import Channel, Inbound, Session, Status
from assist.handoff import queue as hq
from assist.handoff.entries import WAITING
from assist.ivr import calls as voice_store
from assist.ivr.media.turns import issue_stream
from assist.ivr.queue import drop, entry_for_session
from assist.ivr.twilio.hold import create_hold_router
from assist.ivr.twilio.line import (
    COUNTRY_LANGUAGE,
    PREFIX,
    VoiceLine,
    read_input,
    sender_of,
    turn_key,
    xml,
)
from assist.ivr.twilio.twiml import VoiceStyle, goodbye_document, say_document
from assist.parts import Parts
from assist.store.base import Tx
from assist.twilio.webhooks import TwilioForm

log = logging.getLogger(__name__)


def create_voice_router() -> APIRouter:
    """The phone line's webhooks, mounted under `/twilio/voice`."""
    router = APIRouter(prefix=PREFIX, tags=["phone"])

    @router.post("", response_class=Response)
    async def incoming(form: TwilioForm, parts: PartsDep) -> Response:
        """A call arrives: who you've reached, the cost, languages, the menu (or welcome back)."""
        line = VoiceLine(parts)
        call_sid = form.get("CallSid", "")
        sender = sender_of(form)
        if parts.settings.voice_speech == "vosk":
            return await _to_media_stream(parts, call_sid, sender)
        hint = COUNTRY_LANGUAGE.get(form.get("FromCountry", "").upper())
        if hint and not parts.prompts.has(hint, "greeting.hello"):
            hint = None
        outcome = await parts.conversations.open(
            Channel.VOICE,
            sender,
            language_hint=hint,
            key=f"voice:{call_sid}:open",
            also=_call_recorder(parts, call_sid, sender),
        )
        if outcome.replayed:
            await _record_call(parts, call_sid, sender, outcome.session.id)
        parts.metrics.inc(
            "assist_voice_calls_total",
            "Calls answered by the phone line",
            labels={"resumed": str(outcome.resumed).lower()},
        )
        return xml(await line.render(outcome, call_sid))

    @router.post("/turn", response_class=Response)
    async def turn(request: Request, form: TwilioForm, parts: PartsDep) -> Response:
        """What the caller pressed or said (or silence) at a step: one engine turn."""
        line = VoiceLine(parts)
        call_sid = form.get("CallSid", "")
        sender = sender_of(form)
        if parts.settings.voice_speech == "vosk":
            return await _to_media_stream(parts, call_sid, sender)
        digits, speech, confidence = read_input(form)
        key = turn_key(
            call_sid,
            request.query_params.get("step", ""),
            request.query_params.get("n", ""),
            digits,
            speech,
        )
        inbound = Inbound(
            Channel.VOICE,
            sender,
            digits=digits,
            speech=speech,
            confidence=confidence,
            silence=digits is None and speech is None,
        )
        outcome = await parts.conversations.handle(
            inbound, key=key, also=_call_recorder(parts, call_sid, sender)
        )
        if outcome.replayed:
            await _record_call(parts, call_sid, sender, outcome.session.id)
        parts.metrics.inc(
            "assist_voice_turns_total",
            "Phone turns handled",
            labels={
                "input": "silence" if inbound.silence else ("keys" if digits else "speech"),
                "replayed": str(outcome.replayed).lower(),
            },
        )
        return xml(await line.render(outcome, call_sid))

    @router.post("/status", response_class=Response)
    async def status(request: Request, form: TwilioForm, parts: PartsDep) -> Response:
        """Twilio's status callback: record the outcome; a queued caller keeps their place."""
        line = VoiceLine(parts)
        now = line.now()
        call_sid = form.get("CallSid", "")
        call_status = form.get("CallStatus", "")
        q = request.query_params
        parts.metrics.inc(
            "assist_voice_call_status_total",
            "Call status callbacks",
            labels={"status": call_status or "unknown"},
        )
        if q.get("leg") == "agent":
            if call_status in ("busy", "no-answer", "failed", "canceled"):
                async with parts.store.transaction() as tx:
                    try:
                        await hq.release(tx, q.get("entry", ""), q.get("agent", ""), now)
                    except Exception:
                        log.info("agent leg ended; entry no longer held")
            return xml(say_document([], style=VoiceStyle()))
        async with parts.store.transaction() as tx:
            row = await voice_store.get_call(tx, call_sid)
            if row is not None and call_status:
                fields: dict[str, object] = {"status": call_status}
                if call_status in voice_store.ENDED:
                    fields["ended_at"] = now
                    if form.get("CallDuration", "").isdigit():
                        fields["duration_s"] = float(form["CallDuration"])
                await voice_store.update_call(tx, call_sid, now, **fields)
        if row is not None and call_status in voice_store.ENDED and row["session_id"]:
            entry = await entry_for_session(parts.store, row["session_id"])
            if entry is not None and entry.status == WAITING and entry.kind == "live":
                await drop(parts.store, entry.id, now)
        return xml(say_document([], style=VoiceStyle()))

    router.include_router(create_hold_router())

    @router.post("/after-stream", response_class=Response)
    async def after_stream(form: TwilioForm, parts: PartsDep) -> Response:
        """Self-hosted speech: the media stream ended. Into the queue if the engine handed off,
        goodbye if the call was done, else to a person (never silence)."""
        line = VoiceLine(parts)
        call_sid = form.get("CallSid", "")
        session = await parts.conversations.find(Channel.VOICE, sender_of(form))
        if session is not None and session.status == Status.ENDED:
            style = VoiceStyle(session.language, session.slow)
            return xml(goodbye_document([], style=style))
        if session is not None and session.status == Status.QUEUED:
            return xml(await line.render(TurnOutcome(session, []), call_sid))
        # The stream ended mid-conversation (speech failed, or never started): never hang up
        # in silence. The caller goes to a person, as the person key would send them.
        outcome = await parts.conversations.handle(
            Inbound(Channel.VOICE, sender_of(form), digits="0"),
            key=f"voice:{call_sid}:after-stream",
        )
        return xml(await line.render(outcome, call_sid))

    return router


async def _to_media_stream(parts: Parts, call_sid: str, sender: str) -> Response:
    """Self-hosted speech: record the call and hand it to the media stream (`ivr.media`),
    which opens only with the single-use token issued here for this CallSid."""
    await _record_call(parts, call_sid, sender)
    return xml(await issue_stream(parts, call_sid))


def _call_recorder(parts: Parts, call_sid: str, sender: str) -> AlsoInTx:
    """Records the call inside the turn's own transaction (one durable commit per turn)."""

    async def record(tx: Tx, session: Session) -> None:
        await voice_store.record_call(
            tx, call_sid, sender, parts.conversations.clock(), session_id=session.id
        )

    return record


async def _record_call(
    parts: Parts, call_sid: str, sender: str, session_id: str | None = None
) -> None:
    """Record (or update) the call and the conversation it belongs to, on the runner's clock."""
    async with parts.store.transaction() as tx:
        await voice_store.record_call(
            tx, call_sid, sender, parts.conversations.clock(), session_id=session_id
        )
