"""What the phone line shares between its webhooks: who is calling, the idempotency key,
and `VoiceLine`, which renders a turn's actions as TwiML (a Gather, the queue, a goodbye)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re

from fastapi import Response

from assist.conversations import TurnOutcome
from assist.dialogue.render import phone_turn
from assist.dialogue.types import Ask, End, HandOff, Priority, Say, Session, Status
from assist.handoff import waiting
from assist.handoff.holidays import closed_dates_for
from assist.ivr import calls as voice_store
from assist.ivr.queue import entry_for_session, rejoin_if_dropped, reopens
from assist.ivr.text import reopen_phrase, voice_text
from assist.ivr.twilio.twiml import (
    Choice,
    VoiceStyle,
    enqueue_document,
    gather_document,
    goodbye_document,
)
from assist.parts import Parts

log = logging.getLogger(__name__)

PREFIX = "/twilio/voice"
COUNTRY_LANGUAGE = {"PL": "pl", "LT": "lt", "RO": "ro", "PT": "pt"}
_PHONE = re.compile(r"^\+?\d{6,15}$")


def xml(document: str) -> Response:
    """A TwiML response: `text/xml`, nothing before the XML prolog."""
    return Response(content=document, media_type="text/xml")


def sender_of(form: dict[str, str]) -> str:
    """Who is calling: their number, or a per-call id when the number is withheld.

    A withheld number ("anonymous", "+266696687"...) must not share a conversation
    with every other withheld caller, and cannot be called or texted back.
    """
    return caller_id(form.get("From", ""), form.get("CallSid", ""))


def caller_id(number: str, call_sid: str) -> str:
    """The caller's number, or `call:<CallSid>` when it is withheld or not a number; used by
    every phone route (Twilio's speech and self-hosted speech alike)."""
    number = number.strip()
    if _PHONE.match(number) and number not in ("+266696687", "+7378742833", "+2562533"):
        return number
    return f"call:{call_sid}"


def can_call_back(sender: str) -> bool:
    """True when we have a number to ring back."""
    return not sender.startswith("call:")


def read_input(form: dict[str, str]) -> tuple[str | None, str | None, float | None]:
    digits = form.get("Digits", "").strip() or None
    speech = form.get("SpeechResult", "").strip() or None
    confidence: float | None = None
    if speech is not None and form.get("Confidence"):
        try:
            confidence = float(form["Confidence"])
        except ValueError:
            confidence = None
    return digits, speech, confidence


def turn_key(call_sid: str, step: str, n: str, digits: str | None, speech: str | None) -> str:
    """The idempotency key of one gathered input: a Twilio retry produces the same key."""
    heard = hashlib.sha256((speech or "").encode()).hexdigest()[:16] if speech else ""
    return f"voice:{call_sid}:{step}:{n}:{digits or ''}:{heard}"


def turn_url(session: Session) -> str:
    """The `<Gather action>` for the session's step and turn (relative, as Twilio allows)."""
    return f"{PREFIX}/turn?step={session.position}&n={session.turns}"


class VoiceLine:
    """Renders turns and runs the queue side of the phone line for one runtime."""

    def __init__(self, parts: Parts) -> None:
        self.parts = parts
        self.prompts = parts.prompts

    def now(self) -> float:
        """The runner's clock (tests move it)."""
        return self.parts.conversations.clock()

    def text(self, lang: str, key: str, **values: object) -> str:
        """A phone-line prompt in the caller's language (English fallback)."""
        return voice_text(self.prompts, lang, key, **values)

    async def render(self, outcome: TurnOutcome, call_sid: str) -> str:
        """TwiML for a turn's actions: a Gather, the queue, or a goodbye. The words come
        from `phone_turn`, as on the self-hosted speech path."""
        s = outcome.session
        style = VoiceStyle(s.language, s.slow)
        says: list[str] = []
        asked: Ask | None = None
        handoff = ended = urgent = False
        for action in outcome.actions:
            if isinstance(action, Say):
                says.append(action.text)
            elif isinstance(action, Ask):
                if asked is not None:
                    says.append(asked.text)
                asked = action
            elif isinstance(action, HandOff):
                handoff = True
                urgent = urgent or action.priority >= Priority.URGENT
            elif isinstance(action, End):
                ended = True
        heard = phone_turn(self.prompts, s.language, outcome.actions)
        if ended or handoff or (s.status == Status.QUEUED and heard.ask is None):
            # No question is left open: only what was said (never an abandoned question).
            if ended:
                return goodbye_document(says, style=style)
            return await self.queue_document(s, says, call_sid, urgent=urgent)
        before = [x.text for x in heard.before]
        if heard.ask is None or heard.question is None:
            return gather_document(
                before,
                "",
                (),
                style=style,
                action_url=turn_url(s),
                entry=True,
                hint_words=self.hint_words(s.language),
            )
        choices = [
            Choice(
                o.key or "",
                o.text,
                o.label,
                None if o.language == s.language else o.language,
            )
            for o in heard.options
        ]
        return gather_document(
            before,
            heard.question.text,
            choices,
            style=style,
            action_url=turn_url(s),
            entry=heard.ask.entry,
            after=[x.text for x in heard.after],
            hint_words=self.hint_words(s.language),
        )

    def hint_words(self, lang: str) -> list[str]:
        """Prompt phrases worth hinting at every step: "talk to a person" in `lang`."""
        key = "common.opt.person"
        return [self.prompts.get(lang, key)] if self.prompts.has(lang, key) else []

    async def queue_document(
        self, s: Session, says: list[str], call_sid: str, urgent: bool = False
    ) -> str:
        """Into the Twilio queue (our wait URL) when someone is answering; else, as on every
        channel (`assist.handoff.waiting`), nobody can answer now and a callback (at
        reopening when closed), safety numbers first if urgent."""
        style = VoiceStyle(s.language, s.slow)
        now = self.now()
        entry = await entry_for_session(self.parts.store, s.id)
        if entry is not None:
            entry = await rejoin_if_dropped(self.parts.store, entry, now)
            async with self.parts.store.transaction() as tx:
                await voice_store.update_call(tx, call_sid, now, entry_id=entry.id)
            urgent = urgent or entry.priority >= Priority.URGENT
        av = await self.availability()
        if not av.someone:
            says = waiting.honest_says(self.prompts, s.language, av, says)
            return await self.closed_document(s, says, attempt=0, urgent=urgent, av=av)
        return enqueue_document(
            says, style=style, wait_url=f"{PREFIX}/wait", action_url=f"{PREFIX}/queued"
        )

    async def availability(self) -> waiting.Availability:
        """Who is answering now (hours, bank holidays, staff signed in), as on every channel."""
        p = self.parts
        return await waiting.situation(p.store, p.settings, p.services, self.now())

    async def closed_dates(self) -> frozenset[dt.date]:
        """Days nobody answers (bank holidays), from the council; none if it can't say."""
        return await closed_dates_for(self.parts.services).get(self.parts.services)

    async def reopen(self, lang: str) -> str:
        """When we reopen, in words ("tomorrow at 8am"), skipping bank holidays."""
        now = self.now()
        return reopen_phrase(
            self.prompts,
            lang,
            reopens(self.parts.settings, now, await self.closed_dates()),
            dt.datetime.fromtimestamp(now, tz=dt.UTC),
        )

    def safety_lines(self, lang: str, says: list[str]) -> list[str]:
        """For an urgent (safeguarding) hand-off when closed: 999, then the emergency duty
        team when configured (999 left out if it was said a moment ago in `says`)."""
        lines: list[str] = []
        danger = self.text(lang, "voice.closed_danger")
        if not any(danger in said for said in says):
            lines.append(danger)
        number = (self.parts.settings.emergency_duty_number or "").strip()
        if number:
            lines.append(self.text(lang, "voice.closed_duty_team", number=number))
        return lines

    async def closed_document(
        self,
        s: Session,
        says: list[str],
        attempt: int,
        urgent: bool = False,
        av: waiting.Availability | None = None,
    ) -> str:
        """Out of hours: when we reopen, and a callback then (or end the call).

        Urgent (safeguarding) callers hear 999 and the emergency duty team first, on every
        repeat, and are never hung up on: without a number to ring back they are offered the
        numbers again instead of a callback.
        """
        style = VoiceStyle(s.language, s.slow)
        lang = s.language
        reopen = await self.reopen(lang)
        if urgent and self.prompts.has(lang, "care.safeguarding"):
            # "...I'm putting you through to a person straight away" is not true when closed:
            # the 999 line below replaces it.
            promise = self.prompts.get(lang, "care.safeguarding")
            says = [said for said in says if said != promise]
        safety = self.safety_lines(lang, says) if urgent else []
        av = av or await self.availability()
        nobody = av.answering is waiting.Answering.NOBODY
        closed_line = (
            self.text(lang, "handoff.nobody")
            if nobody
            else self.text(lang, "handoff.closed", reopen=reopen)
        )
        said = [*says, *safety, closed_line] if attempt == 0 else safety
        if not can_call_back(s.sender):
            if not urgent:
                bye = (
                    self.text(lang, "voice.nobody_goodbye")
                    if nobody
                    else self.text(lang, "voice.closed_goodbye", reopen=reopen)
                )
                return goodbye_document([*says, bye], style=style)
            offer = self.text(lang, "voice.closed_repeat_offer")
        else:
            offer = self.text(lang, "voice.nobody_offer" if nobody else "voice.closed_offer")
        return gather_document(
            said,
            offer,
            (),
            style=style,
            action_url=f"{PREFIX}/closed?n={attempt}",
            entry=False,
            num_digits=1,
            hint_words=self.hint_words(lang),
        )

    async def session_of_call(self, call_sid: str) -> Session | None:
        """The conversation this call belongs to, or None."""
        async with self.parts.store.transaction() as tx:
            row = await voice_store.get_call(tx, call_sid)
        if row is None or not row["session_id"]:
            return None
        return await self.parts.conversations.get(row["session_id"])
