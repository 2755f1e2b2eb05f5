"""The phone line while a caller waits for a person: the hold loop (`/wait`), keys on hold
(`/wait/key`), leaving the queue (`/queued`), out of hours (`/closed`) and after staff were
rung (`/dial-done`). Place and wait always come from OUR cross-channel queue
(`assist.handoff`), never Twilio's AvgQueueTime."""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response

from assist.deps import PartsDep
from assist.dialogue.types import Priority, Session
from assist.dialogue.vocabulary import fold
from assist.handoff import callbacks as cb
from assist.handoff import liveness, waiting
from assist.handoff import queue as hq
from assist.handoff.entries import CLAIMED, WAITING, Conflict, Entry
from assist.ivr import calls as voice_store
from assist.ivr.queue import Place, drop, entry_for_session, place_of, to_callback
from assist.ivr.twilio.connect import agent_target
from assist.ivr.twilio.line import PREFIX, VoiceLine, can_call_back, read_input, sender_of, xml
from assist.ivr.twilio.twiml import (
    VoiceStyle,
    dial_document,
    enqueue_document,
    goodbye_document,
    say_document,
    wait_document,
)
from assist.twilio.webhooks import TwilioForm

log = logging.getLogger(__name__)

ANNOUNCE_EVERY_S = 90
"""Position and wait are re-announced when this much queue time has passed since the last
announcement; with ~30 s hold documents that keeps the gap under 2 minutes (HUMANE.md 13)."""
WAIT_HINTS = "call me back, callback, call back, person, repeat, music off"
CALLBACK_WORDS = {"call me back", "callback", "call back", "ring me back", "yes", "1"}
END_WORDS = {"no", "no thanks", "goodbye", "bye", "end", "end the call", "2"}
REPEAT_WORDS = {"repeat", "again", "where am i", "9"}
URGENT_REPEATS = 3
"""Out of hours, an urgent caller with no number to ring back hears the safety numbers this
many more times (on 9 or silence) before the goodbye."""


def create_hold_router() -> APIRouter:
    """The waiting-for-a-person webhooks (included by `create_voice_router`)."""
    router = APIRouter()

    @router.post("/wait", response_class=Response)
    async def wait(form: TwilioForm, parts: PartsDep) -> Response:
        """The hold loop: place and wait from OUR queue at least every 2 minutes, a short
        reassurance every ~30 s, silence (or the council's music), callback on 1."""
        line = VoiceLine(parts)
        now = line.now()
        call_sid = form.get("CallSid", "")
        try:
            queue_time = int(float(form.get("QueueTime", "0") or 0))
        except ValueError:
            queue_time = 0
        async with parts.store.transaction() as tx:
            row = await voice_store.get_call(tx, call_sid)
        session = await line.session_of_call(call_sid)
        if session is not None:  # still on the line (a silent one is dropped: liveness)
            async with parts.store.transaction() as tx:
                await liveness.heard_from(tx, session.id, now)
        lang = session.language if session else "en"
        style = VoiceStyle(lang, session.slow if session else False)
        sender = session.sender if session else sender_of(form)
        last_announced = None if row is None else row["announced_at"]
        first = last_announced is None
        announce = last_announced is None or (
            queue_time - float(last_announced) >= ANNOUNCE_EVERY_S
        )
        place = await _place(line, session, now, announce=announce)
        music = parts.settings.hold_music_url if row is None or not row["music_off"] else None
        says: list[str] = []
        offered = False
        nobody = None
        if session is not None and place is not None and place.entry.status == WAITING:
            nobody = await _nobody_answering(line, session.id, lang, now)
        if place is not None and place.entry.status == CLAIMED:
            # Staff have claimed this caller. Normally the claim listener has already moved
            # the call by REST; if not (no credentials, no event), leave the queue and the
            # Enqueue action dials the agent: connected within one hold document.
            return xml(say_document([line.text(lang, "voice.claimed")], style=style, leave=True))
        elif nobody is not None:
            # Staff signed out, or the line closed, while this caller waited: say so and
            # offer the callback (at reopening when closed), never a place or minutes.
            says += waiting.sentences(line.prompts, lang, nobody) if announce else []
            says.append(line.text(lang, "voice.reassure"))
            if can_call_back(sender):
                says.append(line.text(lang, "voice.callback_key"))
        elif place is None or place.position is None:
            says.append(line.text(lang, "voice.reassure"))
            announce = False
        else:
            if announce:
                says.append(_place_text(line, lang, place))
            last_offer = (
                None if row is None or row["offered_at"] is None else float(row["offered_at"])
            )
            if can_call_back(sender) and cb.should_offer(place.estimate, queue_time, last_offer):
                says += [
                    line.text(lang, "handoff.callback_offer"),
                    line.text(lang, "voice.callback_key"),
                ]
                offered = True
            elif not announce:
                says.append(line.text(lang, "voice.reassure"))
                if can_call_back(sender):
                    says.append(line.text(lang, "voice.callback_key"))
        if first and music:
            says.append(line.text(lang, "voice.music_key"))
        if row is not None:
            fields: dict[str, object] = {}
            if announce:
                fields["announced_at"] = queue_time
            if offered:
                fields["offered_at"] = queue_time
            async with parts.store.transaction() as tx:
                await voice_store.update_call(tx, call_sid, now, **fields)
        return xml(
            wait_document(
                says, style=style, key_url=f"{PREFIX}/wait/key", music_url=music, hints=WAIT_HINTS
            )
        )

    @router.post("/wait/key", response_class=Response)
    async def wait_key(form: TwilioForm, parts: PartsDep) -> Response:
        """A key (or words) on hold: 1 a callback keeping the place, 9 where am I, 5 music off."""
        line = VoiceLine(parts)
        now = line.now()
        call_sid = form.get("CallSid", "")
        said = _said(form)
        session = await line.session_of_call(call_sid)
        lang = session.language if session else "en"
        style = VoiceStyle(lang, session.slow if session else False)
        entry = await entry_for_session(parts.store, session.id) if session else None
        if (
            said in CALLBACK_WORDS
            and entry is not None
            and session is not None
            and can_call_back(session.sender)
        ):
            nobody = await _nobody_answering(line, session.id, lang, now)
            when_text = (
                waiting.back_phrase(
                    line.prompts, lang, nobody.callback_at, dt.datetime.fromtimestamp(now, dt.UTC)
                )
                if nobody is not None and nobody.callback_at is not None
                else None
            )
            if not await _book_callback(line, entry, session.sender, now, when_text):
                return xml(say_document([line.text(lang, "voice.claimed")], style=style))
            parts.metrics.inc(
                "assist_voice_callbacks_requested_total", "Callers on hold who chose a callback"
            )
            return xml(
                say_document([line.text(lang, "voice.callback_booked")], style=style, leave=True)
            )
        if said == "5" or said == "music off":
            async with parts.store.transaction() as tx:
                await voice_store.update_call(tx, call_sid, now, music_off=1)
            return xml(say_document([line.text(lang, "voice.music_off")], style=style))
        says = [] if said in REPEAT_WORDS else [line.text(lang, "voice.already_queued")]
        place = await _place(line, session, now, announce=True)
        if place is not None and place.position is not None:
            says.append(_place_text(line, lang, place))
        return xml(say_document(says, style=style))

    @router.post("/queued", response_class=Response)
    async def queued(form: TwilioForm, parts: PartsDep) -> Response:
        """After the caller leaves the Twilio queue: goodbye after a callback or a person,
        keep the place after a hang-up, try again after a queue error."""
        line = VoiceLine(parts)
        now = line.now()
        call_sid = form.get("CallSid", "")
        result = form.get("QueueResult", "")
        session = await line.session_of_call(call_sid)
        lang = session.language if session else "en"
        style = VoiceStyle(lang, session.slow if session else False)
        entry = await entry_for_session(parts.store, session.id) if session else None
        parts.metrics.inc(
            "assist_voice_queue_results_total",
            "How callers left the queue",
            labels={"result": result or "unknown"},
        )
        if (
            result == "leave"
            and entry is not None
            and entry.status == CLAIMED
            and (entry.kind == "live" and entry.claimed_by)
        ):
            agent = entry.claimed_by
            async with parts.store.transaction() as tx:
                await voice_store.update_call(tx, call_sid, now, agent=agent)
            query = urlencode({"entry": entry.id, "agent": agent, "kind": "live"})
            return xml(
                dial_document(
                    [line.text(lang, "voice.connecting")],
                    style=style,
                    target=agent_target(parts, agent),
                    action_url=f"{PREFIX}/dial-done?{query}",
                )
            )
        if result == "leave":
            return xml(goodbye_document([line.text(lang, "voice.callback_goodbye")], style=style))
        if result == "bridged":
            return xml(goodbye_document([], style=style))
        if result == "hangup":
            if entry is not None and entry.status == WAITING and entry.kind == "live":
                await drop(parts.store, entry.id, now)
            return xml(say_document([], style=style))
        if result == "redirected":
            return xml(say_document([], style=style))
        return xml(
            enqueue_document(
                [line.text(lang, "voice.queue_problem")],
                style=style,
                wait_url=f"{PREFIX}/wait",
                action_url=f"{PREFIX}/queued",
            )
        )

    @router.post("/closed", response_class=Response)
    async def closed(request: Request, form: TwilioForm, parts: PartsDep) -> Response:
        """Out of hours: 1 books a callback when we reopen, 2 ends the call; silence twice
        books the callback (HUMANE.md 2: the second failure goes to a callback when closed).
        An urgent caller with no number to ring back hears the safety numbers again instead
        (9 or silence), until they end the call or have heard them `URGENT_REPEATS` times."""
        line = VoiceLine(parts)
        now = line.now()
        call_sid = form.get("CallSid", "")
        said = _said(form)
        session = await line.session_of_call(call_sid)
        if session is None:  # no record of the call: still say when we reopen before goodbye
            goodbye = line.text("en", "voice.closed_goodbye", reopen=await line.reopen("en"))
            return xml(goodbye_document([goodbye], style=VoiceStyle()))
        lang = session.language
        style = VoiceStyle(lang, session.slow)
        entry = await entry_for_session(parts.store, session.id)
        try:
            attempt = int(request.query_params.get("n", "0"))
        except ValueError:
            attempt = 0
        reopen = await line.reopen(lang)
        urgent = entry is not None and entry.priority >= Priority.URGENT
        callable_ = can_call_back(session.sender)
        book = callable_ and (said in CALLBACK_WORDS or (not said and attempt >= 1))
        nobody = (await line.availability()).answering is waiting.Answering.NOBODY
        if book and entry is not None:
            when = None if nobody else reopen
            if not await _book_callback(line, entry, session.sender, now, when_text=when):
                log.info("out-of-hours entry no longer open")
            booked = (
                line.text(lang, "voice.callback_booked")
                if nobody
                else line.text(lang, "voice.closed_booked", reopen=reopen)
            )
            return xml(goodbye_document([booked], style=style))
        if said in END_WORDS:
            if entry is not None and entry.status == WAITING and entry.kind == "live":
                await drop(parts.store, entry.id, now)
            return xml(
                goodbye_document(
                    [line.text(lang, "voice.closed_goodbye", reopen=reopen)], style=style
                )
            )
        if urgent and not callable_ and attempt >= URGENT_REPEATS:
            safety = line.safety_lines(lang, [])
            closing = line.text(lang, "voice.closed_goodbye", reopen=reopen)
            return xml(goodbye_document([*safety, closing], style=style))
        return xml(await line.closed_document(session, [], attempt=attempt + 1, urgent=urgent))

    @router.post("/dial-done", response_class=Response)
    async def dial_done(request: Request, form: TwilioForm, parts: PartsDep) -> Response:
        """After staff were rung: done if answered; otherwise back in the queue (a live
        caller keeps their place) or a failed callback attempt (retried later)."""
        line = VoiceLine(parts)
        now = line.now()
        q = request.query_params
        entry_id, agent, kind = q.get("entry", ""), q.get("agent", ""), q.get("kind", "live")
        answered = form.get("DialCallStatus", "") in ("completed", "answered")
        if answered:
            return xml(goodbye_document([], style=VoiceStyle()))
        if kind == "callback":
            async with parts.store.transaction() as tx:
                try:
                    await cb.callback_failed(tx, line.prompts, entry_id, agent, now)
                except Exception:
                    log.info("callback entry no longer held by the agent")
            return xml(
                goodbye_document([line.text("en", "voice.callback_no_answer")], style=VoiceStyle())
            )
        session = await line.session_of_call(form.get("CallSid", ""))
        lang = session.language if session else "en"
        async with parts.store.transaction() as tx:
            try:
                await hq.release(tx, entry_id, agent, now)
            except Exception:
                log.info("entry no longer held by the agent")
        return xml(
            enqueue_document(
                [line.text(lang, "voice.agent_missed")],
                style=VoiceStyle(lang),
                wait_url=f"{PREFIX}/wait",
                action_url=f"{PREFIX}/queued",
            )
        )

    return router


def _said(form: dict[str, str]) -> str:
    """What the caller said (folded, to match the word sets) or else pressed; "" for silence."""
    digits, speech, _ = read_input(form)
    return fold(speech) if speech else (digits or "")


async def _place(
    line: VoiceLine, session: Session | None, now: float, *, announce: bool
) -> Place | None:
    """The caller's place in OUR queue, or None without a session or an entry."""
    if session is None:
        return None
    default_handle_time_s = line.parts.settings.default_handle_time_s
    return await place_of(line.parts.store, session.id, now, default_handle_time_s, announce)


async def _nobody_answering(
    line: VoiceLine, session_id: str, lang: str, now: float
) -> waiting.Answer | None:
    """The one waiting decision when nobody can answer right now, else None."""
    p = line.parts
    answer = await waiting.answer_for(
        p.store, p.settings, p.services, p.prompts, session_id, lang, now, log_estimate=False
    )
    return None if answer.show_place else answer


def _place_text(line: VoiceLine, lang: str, place: Place) -> str:
    """The caller's position and estimated wait, in words."""
    wait = place.estimate.phrase(line.prompts, lang)
    return line.text(lang, "voice.queued", position=place.position, wait=wait)


async def _book_callback(
    line: VoiceLine, entry: Entry, number: str, now: float, when_text: str | None = None
) -> bool:
    """Turn the caller's place into a callback to `number`; False when staff claimed it first."""
    parts = line.parts
    try:
        await to_callback(
            parts.store,
            line.prompts,
            entry,
            number,
            now,
            parts.settings.default_handle_time_s,
            when_text=when_text,
        )
    except Conflict:
        return False
    return True
