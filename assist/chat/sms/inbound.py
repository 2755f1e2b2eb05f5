"""One inbound text: keywords first (opt-out, help, per-type stops), then the queue or a turn.

Order (TWILIO.md "Messaging", HUMANE.md 1, 13): an opt-out keyword is honoured whatever
state the conversation is in; an opted-out number gets nothing but the answer to START or
HELP; a citizen waiting for (or talking to) a person is relayed to the console; everything
else is a conversation turn, idempotent on Twilio's MessageSid. Returns the reply as
messages: the first goes back in the webhook's TwiML, any others through the outbox.
"""

from __future__ import annotations

import datetime as dt
import logging

from assist.chat.sms import handoff as sms_handoff
from assist.chat.sms.keywords import Keyword, Match, match_keyword
from assist.chat.sms.render import actions_text, fit, sent_segments
from assist.dialogue.types import Channel, HandOff, Inbound, Session, Status
from assist.handoff import waiting
from assist.notify import consent, optouts, reminders, timing
from assist.notify.config import NotifyConfig
from assist.notify.reports import TOPIC as REPORT_TOPIC
from assist.notify.texts import text
from assist.parts import Parts
from assist.store import core

log = logging.getLogger(__name__)
REST_GAP_S = 2.0
"""Spacing of the later parts of a split reply, so they arrive in order."""
BINS_FLOW_TEXT = "bin reminders"
"""What a BINS keyword with no address on record tells the engine (starts that flow)."""


async def remembered_language(parts: Parts, sender: str) -> str | None:
    """The language of this number's most recent conversation on any channel, or None."""
    async with parts.store.transaction() as tx:
        lang, _chosen = await core.remembered_language(tx, sender)
    return lang if lang in parts.settings.languages else None


async def handle_text(parts: Parts, sid: str, sender: str, body: str) -> list[str]:
    """Handle one inbound text; returns the reply messages (possibly none)."""
    now = parts.conversations.clock()
    async with parts.store.transaction() as tx:
        suppressed = await optouts.is_suppressed(tx, sender)
    session = await parts.conversations.find(Channel.SMS, sender)
    queued = session is not None and session.status in (Status.QUEUED, Status.WITH_AGENT)
    conversing = session is not None and session.turns > 0
    asked = await _asked(parts, sender, session, now)
    match = match_keyword(
        body, opted_out=suppressed, conversing=conversing, queued=queued, asked=asked
    )
    _count(
        parts,
        match.keyword.value
        if match
        else ("opted_out" if suppressed else "queued" if queued else "turn"),
    )
    lang = (
        (match.language if match and match.language else None)
        or (session.language if session else await remembered_language(parts, sender))
        or "en"
    )
    if match is not None and match.keyword == Keyword.BINS_TIME:
        return await _bins_time(parts, match, sender, lang, now, suppressed)
    if match is not None and match.keyword == Keyword.AGREE:
        return await _agree(parts, sender, now)
    if match is not None and match.keyword != Keyword.BINS_ON:
        return await _keyword(parts, match, sender, session, lang, now)
    if suppressed:
        log.info("sms: ignored a text from an opted-out number")
        return []
    if session is not None and queued:
        await sms_handoff.relay(parts.store, parts.bus, session.id, body, f"sms:{sid}", now)
        return []
    if match is not None:  # BINS
        async with parts.store.transaction() as tx:
            row = await reminders.resubscribe(tx, sender, reminders.TOPIC, now)
            chosen = await timing.chosen_time(tx, sender, reminders.TOPIC)
        if row is not None:
            return [_bins_on(parts, lang, str(row["address"] or ""), chosen)]
        body = BINS_FLOW_TEXT
    return await _turn(parts, sid, sender, body, lang if session is None else None)


async def _asked(parts: Parts, sender: str, session: Session | None, now: float) -> bool:
    """True when a request to agree to reminders waits for this number and is newer than
    its conversation (so YES answers the request, not a question in the conversation)."""
    async with parts.store.transaction() as tx:
        row = await consent.pending(tx, sender, now)
    return row is not None and (session is None or session.updated_at <= row["created_at"])


async def _agree(parts: Parts, sender: str, now: float) -> list[str]:
    """YES to our request: start the reminders and say so, in the language they were asked in."""
    async with parts.store.transaction() as tx:
        row = await consent.agree(tx, sender, now)
        chosen = await timing.chosen_time(tx, sender, reminders.TOPIC)
    if row is None:  # lapsed between the check and now
        return []
    return [_bins_on(parts, str(row["language"]), str(row["address"] or ""), chosen)]


def when_text(parts: Parts, lang: str, chosen: timing.Slot) -> str:
    """ "at 8am on each collection day" / "at 6pm the evening before each collection"."""
    key = "notify.when_morning" if chosen.morning else "notify.when_evening"
    return text(parts.prompts, lang, key, time=timing.clock_text(chosen.at))


def _bins_on(parts: Parts, lang: str, address: str, chosen: dt.time | None) -> str:
    """The "reminders are on" text: the default wording plus the MORNING hint if that still
    fits one segment as sent; with the time the number chose when it chose one."""
    prompts = parts.prompts
    if chosen is not None:
        when = when_text(parts, lang, _slot(parts, chosen))
        return text(prompts, lang, "notify.bins_on_at", address=address, when=when)
    plain = text(prompts, lang, "notify.bins_on", address=address)
    hinted = f"{plain} {text(prompts, lang, 'notify.bins_time_hint')}"
    return hinted if sent_segments(hinted) == 1 else plain


def _slot(parts: Parts, chosen: dt.time | None) -> timing.Slot:
    return timing.slot(chosen, NotifyConfig.from_settings(parts.settings))


async def _bins_time(
    parts: Parts, match: Match, sender: str, lang: str, now: float, suppressed: bool
) -> list[str]:
    """BINS MORNING / EVENING / <time>: store the time, move pending reminders, confirm."""
    async with parts.store.transaction() as tx:
        await timing.set_time(tx, sender, reminders.TOPIC, match.at, now)
        active = await reminders.is_subscribed(tx, sender, reminders.TOPIC)
    if suppressed:  # kept for when they opt back in; an opted-out number is not texted
        return []
    when = when_text(parts, lang, _slot(parts, match.at))
    key = "notify.bins_time" if active else "notify.bins_time_unsubscribed"
    return [text(parts.prompts, lang, key, when=when)]


async def _keyword(
    parts: Parts, match: Match, sender: str, session: Session | None, lang: str, now: float
) -> list[str]:
    prompts, k = parts.prompts, match.keyword
    async with parts.store.transaction() as tx:
        if k == Keyword.STOP:
            await optouts.suppress(tx, sender, "keyword", match.keyword.value, now)
            await core.audit(tx, "citizen", "sms.opt_out", None, {}, now)
            return [text(prompts, lang, "sms.stopped")]
        if k == Keyword.START:
            await optouts.unsuppress(tx, sender, "keyword", now)
            await core.audit(tx, "citizen", "sms.opt_in", None, {}, now)
            return [text(prompts, lang, "sms.started")]
        if k == Keyword.BINS_OFF:
            await reminders.unsubscribe(tx, sender, reminders.TOPIC, now)
            return [text(prompts, lang, "notify.bins_off")]
        if k in (Keyword.UPDATES_OFF, Keyword.UPDATES_ON):
            on = k == Keyword.UPDATES_ON
            await optouts.set_pref(tx, sender, REPORT_TOPIC, on, now)
            return [text(prompts, lang, "notify.updates_on" if on else "notify.updates_off")]
    if k == Keyword.CALL and session is not None:
        av = await waiting.situation(parts.store, parts.settings, parts.services, now)
        when = (
            waiting.back_phrase(prompts, lang, av.back_at, dt.datetime.fromtimestamp(now, dt.UTC))
            if av.closed
            else None
        )
        await sms_handoff.call_back(
            parts.store,
            prompts,
            session.id,
            sender,
            now,
            parts.settings.default_handle_time_s,
            when_text=when,
        )
        parts.wake_outbox()  # the confirmation text is in the outbox
        return []
    s = parts.settings
    return [
        text(
            prompts,
            lang,
            "sms.help",
            council=s.council_name,
            phone=s.phone_number_display,
            hours=s.opening_hours,
        )
    ]


async def _turn(parts: Parts, sid: str, sender: str, body: str, hint: str | None) -> list[str]:
    choice = body.strip().rstrip(".)")
    if len(choice) == 1 and choice.isdigit():  # "Reply 1 ...": a key, as on the phone
        inbound = Inbound(Channel.SMS, sender, digits=choice, language_hint=hint)
    else:
        inbound = Inbound(Channel.SMS, sender, text=body, language_hint=hint)
    outcome = await parts.conversations.handle(inbound, key=f"sms:{sid}")
    session = outcome.session
    reply = actions_text(parts.prompts, session.language, outcome.actions)
    if any(isinstance(a, HandOff) for a in outcome.actions) and session.status == Status.QUEUED:
        lang = session.language
        answer = await waiting.answer_for(
            parts.store,
            parts.settings,
            parts.services,
            parts.prompts,
            session.id,
            lang,
            parts.conversations.clock(),
            log_estimate=False,
        )
        queue_line: str | None = None
        # "I'll put you through to a person now" is not true of a place in a queue, nor
        # is any promise when nobody answers: the place and the wait, or who answers when,
        # say what will happen instead.
        promises = ("common.person",) if answer.show_place else waiting.PROMISE_KEYS
        for promise in promises:
            if parts.prompts.has(lang, promise):
                reply = reply.replace(parts.prompts.get(lang, promise), "").strip()
        if answer.show_place:
            queue_line = await sms_handoff.on_entering(
                parts.store,
                parts.prompts,
                session.id,
                lang,
                parts.conversations.clock(),
                parts.settings.default_handle_time_s,
                announce=not outcome.replayed,
            )
        else:  # nobody answering: say so, when we are back, CALL for a callback then
            said = " ".join(waiting.sentences(parts.prompts, lang, answer))
            queue_line = f"{said} {text(parts.prompts, lang, 'sms.call_offer')}"
        if queue_line:
            full = f"{reply} {queue_line}".strip()
            short = full.replace(
                text(parts.prompts, session.language, "sms.call_offer"),
                text(parts.prompts, session.language, "sms.call_offer_short"),
            )
            reply = choose_call_offer(full, short)
    messages = fit(reply)
    if len(messages) > 1:
        await _send_rest(parts, sid, sender, session.id, messages[1:])
    return messages[:1]


def choose_call_offer(full: str, short: str) -> str:
    """The full wording when it fits one segment as sent (diacritics folded), else the short
    one when that does; else the full one (both need several segments anyway)."""
    if sent_segments(full) == 1 or sent_segments(short) > 1:
        return full
    return short


async def _send_rest(parts: Parts, sid: str, sender: str, session_id: str, rest: list[str]) -> None:
    now = parts.conversations.clock()
    async with parts.store.transaction() as tx:
        for i, part in enumerate(rest, start=1):
            await core.enqueue_outbox(
                tx,
                kind="sms",
                key=f"sms-reply:{sid}:{i}",
                payload={"to": sender, "text": part, "purpose": "reply"},
                session_id=session_id,
                recipient=sender,
                now=now,
                not_before=now + REST_GAP_S * i,
            )
    parts.wake_outbox()


def _count(parts: Parts, kind: str) -> None:
    parts.metrics.inc(
        "assist_sms_inbound_total", "Inbound texts, by how they were handled", labels={"kind": kind}
    )
