"""The conversation engine: one turn in, channel-neutral actions out.

Order of work in a turn: urgent words (`urgent.py`), universal commands (person, repeat,
back, start again, slower, language, text me the menu), then the current step of the current
flow. Free words go to the
`IntentClassifier`; not understood twice, or unsure twice, goes to a person. Lookups use the
`CouncilServices` protocol directly; writes (reports, subscriptions, texts) come back as
actions for the runner to record in the outbox in the same transaction as the session.

The parts: `steps.py` (entering steps, answers to them), `understanding.py` (classification,
intents, yes/no, language), `calls.py` (the back-end calls flows make), `turn.py` (one turn's
state and words); this module holds the turn loop and the universal commands.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from assist.backend_client.protocol import CouncilServices
from assist.dialogue import steps
from assist.dialogue.commands import Command, match_command
from assist.dialogue.flows import FlowSet
from assist.dialogue.greeting import greeting_shape
from assist.dialogue.memo import one_turn
from assist.dialogue.nlu import IntentClassifier
from assist.dialogue.prompts import MissingTranslation, Prompts
from assist.dialogue.turn import Turn, restore
from assist.dialogue.types import (
    Action,
    Ask,
    Channel,
    Inbound,
    Option,
    Say,
    SendSms,
    Session,
    Status,
    action_to_dict,
)
from assist.dialogue.understanding import chosen_language, maybe_offer_language, set_language
from assist.dialogue.urgent import answer_urgent, urgency
from assist.dialogue.vocabulary import HELP_ALONE, OPTION_OF, fold
from assist.hours import describe, spoken_time

log = logging.getLogger(__name__)

MAX_TEXT = 4000
"""Longest free text kept (Open311's description limit)."""
SINGLE_KEYS = frozenset("0123456789*#")
TEXTABLE = re.compile(r"^\+?\d{6,15}$")
"""A sender a text can be sent to: a phone number (a withheld caller is not one)."""


@dataclass(frozen=True)
class EngineConfig:
    """What the engine needs from the settings."""

    languages: tuple[str, ...] = ("en", "pl", "lt", "ro", "pt")
    nlu_threshold: float = 0.45
    council_name: str = "Cambridgeshire councils"
    call_cost_sentence: str | None = None
    phone: str = "0345 045 5200"
    hours: str = "Monday to Friday, 8am to 6pm"


class Engine:
    """Runs conversations defined by flow files; pure apart from the protocols it is given."""

    def __init__(
        self,
        flows: FlowSet,
        prompts: Prompts,
        classifier: IntentClassifier,
        services: CouncilServices,
        config: EngineConfig | None = None,
        detect_language: Callable[[str], str | None] | None = None,
        clock: Callable[[], float] = time.time,
        today: Callable[[], dt.date] | None = None,
    ) -> None:
        self.flows = flows
        self.prompts = prompts
        self.classifier = classifier
        self.services = services
        self.config = config or EngineConfig()
        self.detect_language = detect_language
        self.clock = clock
        self.today = today or (lambda: dt.datetime.fromtimestamp(self.clock()).date())

    # ------------------------------------------------------------------ entry points
    async def start(self, session: Session) -> list[Action]:
        """Greet a new conversation and ask the top question."""
        t = Turn(self, session)
        shape = greeting_shape(
            session.channel,
            call_cost=bool(self.config.call_cost_sentence),
            languages=len(self.config.languages),
        )
        cost = self.config.call_cost_sentence or ""
        t.actions.extend(t.say(key, call_cost=cost) for key in shape.before_menu)
        await steps.enter(t, "main", self.flows.flows["main"].spec.start, record=False)
        t.actions.extend(t.say(key) for key in shape.after_menu)
        return self._finish(t)

    async def resume(self, session: Session) -> list[Action]:
        """Welcome back a citizen whose conversation dropped: offer to carry on or restart."""
        t = Turn(self, session)
        session.resumed = True
        doing = self._doing(session)
        t.actions.append(t.say("greeting.welcome_back", doing=doing))
        session.slots["_resume_from"] = session.position
        session.flow, session.step = "_resume", "choose"
        t.actions.append(
            Ask(
                self.prompts.get(t.lang, "greeting.carry_on"),
                options=(t.opt("1", "main.opt.yes_else"), t.opt("2", "common.opt.menu")),
                step="_resume.choose",
            )
        )
        return self._finish(t)

    async def turn(self, session: Session, inbound: Inbound) -> list[Action]:
        """Handle one input; returns what to say or do. Never raises for citizen input."""
        t = Turn(self, session)
        session.turns += 1
        session.degraded = False
        try:
            with one_turn():  # what the words show is worked out once, forgotten after
                if not session.step:
                    return await self.start(session)
                await self._turn(t, inbound)
        except MissingTranslation as exc:
            log.warning("no %s translation for %s: handing off", exc.language, exc.key)
            t.actions = [a for a in t.actions if not isinstance(a, Ask)]
            t.handoff("no_translation", skill=f"lang:{exc.language}", prompt_key=None)
        return self._finish(t)

    # ------------------------------------------------------------------ the turn
    async def _turn(self, t: Turn, inbound: Inbound) -> None:
        s = t.session
        if inbound.digits is None and inbound.words and inbound.words in SINGLE_KEYS:
            # "Reply 1 ..." on SMS and web chat: a typed key is a key.
            inbound = replace(inbound, digits=inbound.words, text=None, speech=None)
        words = inbound.words
        if words and len(words) > MAX_TEXT:
            words = words[:MAX_TEXT]
            inbound = replace(inbound, text=words, speech=None)
        urgent = urgency(words, s.language) if words and not inbound.digits else None
        if urgent is not None and words:
            # Before anything else, at any step: someone needs help now.
            answer_urgent(t, *urgent, words)
            return
        command = match_command(inbound.digits, words)
        if command is None and words:
            choice = chosen_language(words)
            if choice:
                set_language(t, choice)
                await steps.reask(t)
                return
            if s.status != Status.QUEUED and maybe_offer_language(t, inbound, words):
                return
        if command is not None and not (
            s.step == "choose"
            and s.flow == "_language"
            and inbound.digits
            and inbound.digits != "0"
        ):
            await self.command(t, command)
            return
        if s.status == Status.QUEUED and s.flow != "_resume":
            # Waiting for a person: the queue, not the flow, owns the conversation.
            return
        if words and not inbound.digits and fold(words) in HELP_ALONE:
            # "help" says nothing of what with: say what we do, never guess a team.
            t.actions.append(t.say("help.what_we_do"))
            await steps.reask(t)
            return
        await self.answer(t, inbound)

    async def answer(self, t: Turn, inbound: Inbound) -> None:
        """Give `inbound` to the current step (or the engine's own menu) as its answer."""
        s = t.session
        if s.flow == "_offer":
            await steps.language_offer_choice(t, inbound)
            return
        if s.flow == "_unsure":
            await steps.unsure_choice(t, inbound)
            return
        if s.flow == "_resume":
            await steps.resume_choice(t, inbound)
            return
        if s.flow == "_language":
            await steps.language_choice(t, inbound)
            return
        step = self.flows.step(s.flow, s.step)
        handler = steps.INPUT.get(step.type)
        if handler is None:  # say/action/handoff/end never wait; recover by re-entering
            await steps.enter(t, s.flow, s.step, record=False)
            return
        await handler(t, step, inbound)

    async def command(self, t: Turn, command: Command) -> None:
        """Carry out a universal command at whatever step the conversation is."""
        s = t.session
        if command == Command.PERSON:
            t.handoff("asked_for_person")
        elif command == Command.REPEAT:
            t.actions.extend(restore(s.last_actions))
        elif command == Command.SLOWER:
            s.slow = True
            t.actions.append(t.say("common.slower"))
            t.actions.extend(restore(s.last_actions))
        elif command == Command.BACK:
            if s.flow.startswith("_") or not s.history:
                if not s.history:
                    t.actions.append(t.say("common.back_top"))
                await steps.reask(t)
            else:
                flow, step = s.history.pop().split(".", 1)
                await steps.enter(t, flow, step, record=False)
        elif command == Command.START_OVER:
            s.slots = {}
            s.history = []
            s.status = Status.ACTIVE
            await steps.enter(t, "main", self.flows.flows["main"].spec.start, record=False)
        elif command == Command.LANGUAGE:
            others = [lang for lang in self.config.languages if lang != s.language][:4]
            s.slots["_language_from"] = s.position
            s.flow, s.step = "_language", "choose"
            t.actions.append(
                Ask(
                    self.prompts.get(t.lang, "language.menu"),
                    # Each language offered in its own words ("Polski: naciśnij 1").
                    options=tuple(
                        Option(str(i + 1), self.prompts.get(lang, "language.name"), language=lang)
                        for i, lang in enumerate(others)
                    ),
                    step="_language.choose",
                )
            )
            s.slots["_language_options"] = others
        elif command == Command.TEXT_MENU:
            await self._text_menu(t)

    async def _text_menu(self, t: Turn) -> None:
        s = t.session
        if s.channel in (Channel.VOICE, Channel.SMS) and not TEXTABLE.match(s.sender):
            # A withheld number: nothing can be sent, so never say it was.
            t.actions.append(t.say("common.menu_not_texted"))
        elif s.channel in (Channel.VOICE, Channel.SMS):
            t.actions.append(SendSms(s.sender, self.menu_map(s.language), purpose="menu"))
            t.actions.append(t.say("common.menu_texted"))
        else:
            t.actions.append(Say(self.menu_map(s.language)))
        await steps.reask(t)

    # ------------------------------------------------------------------ moving on (for `Turn`)
    async def goto(self, t: Turn, target: str, clear: bool = False) -> None:
        """Enter a target (`step`, `flow.step` or `flow`); `clear` forgets its slot first."""
        await steps.goto(t, target, clear)

    async def reask(self, t: Turn, keep_counts: bool = False) -> None:
        """Ask the current step's question again."""
        await steps.reask(t, keep_counts)

    async def miss(self, t: Turn, retry_key: str) -> None:
        """Not understood: say it differently once; the second time, a person."""
        await steps.miss(t, retry_key)

    # ------------------------------------------------------------------ words
    def hours_in_words(self, lang: str, hours: str) -> str:
        """Opening hours as a person would say them, in `lang` (raw text if unreadable)."""

        def time_words(t: dt.time) -> str:
            return spoken_time(t) if lang == "en" else f"{t.hour}:{t.minute:02d}"

        return describe(hours, lambda key: self.prompts.get(lang, key), time_words)

    def menu_map(self, lang: str) -> str:
        """The whole menu structure as text (HUMANE.md 10: see it all, not navigate blind)."""
        lines = []
        main = self.flows.flows["main"].spec
        for o in main.steps[main.start].options:
            lines.append(f"{o.key} {self.prompts.short(lang, o.label)}")
            sub = main.steps.get(o.goto or "")
            if sub is not None:
                for so in sub.options:
                    lines.append(f"  {o.key}{so.key} {self.prompts.short(lang, so.label)}")
        lines.append(self.prompts.get(lang, "render.person_reply"))
        return "\n".join(lines)

    def _finish(self, t: Turn) -> list[Action]:
        s = t.session
        s.updated_at = self.clock()
        shown = t.repeatable()
        if shown:
            s.last_actions = [action_to_dict(a) for a in shown]
        return t.actions

    def _doing(self, s: Session) -> str:
        lang = s.language
        if s.status == Status.QUEUED:
            return self.prompts.get(lang, "greeting.doing.queue")
        if s.intent and s.intent.startswith(("report_", "missed")):
            name = self.prompts.get(lang, f"main.opt.{OPTION_OF.get(s.intent, 'report')}")
            return self.prompts.get(lang, "greeting.doing.report", service_name=name.lower())
        if s.intent in ("bin_day", "reminders"):
            return self.prompts.get(lang, "greeting.doing.bins")
        return self.prompts.get(lang, "greeting.doing.default")
