"""The conversation engine: one turn in, channel-neutral actions out.

Order of work in a turn: universal commands (person, repeat, back, start again, slower,
language, text me the menu), then the current step of the current flow. Free words go to the
`IntentClassifier`; not understood twice, or unsure twice, goes to a person. Lookups use the
`CouncilServices` protocol directly; writes (reports, subscriptions, texts) come back as
actions for the runner to record in the outbox in the same transaction as the session.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from assist.backend_client.protocol import (
    BackendError,
    CouncilServices,
    NotFound,
    OutsideArea,
    ReportRequest,
)
from assist.backend_client.references import new_reference
from assist.backend_client.reports import address_from_dict, report_payload
from assist.dialogue.commands import Command, match_command
from assist.dialogue.flows import FlowSet, StepSpec
from assist.dialogue.nlu import SERVICE_INTENTS, Classification, IntentClassifier
from assist.dialogue.prompts import MissingTranslation, Prompts
from assist.dialogue.references import find_postcode, find_reference, spoken_reference
from assist.dialogue.types import (
    Action,
    Ask,
    CallBackend,
    Channel,
    End,
    HandOff,
    Inbound,
    Option,
    Priority,
    Say,
    SendSms,
    Session,
    Status,
    action_from_dict,
    action_to_dict,
)
from assist.dialogue.vocabulary import (
    LANGUAGE_NAMES,
    LANGUAGE_WORDS,
    NO,
    OPTION_OF,
    YES,
    fold,
)
from assist.hours import describe, parse_hours, spoken_time

log = logging.getLogger(__name__)

MAX_CHAIN = 12
MAX_TEXT = 4000
SINGLE_KEYS = frozenset("0123456789*#")
"""Longest free text kept (Open311's description limit)."""


@dataclass(frozen=True)
class EngineConfig:
    """What the engine needs from the settings."""

    languages: tuple[str, ...] = ("en", "pl", "lt", "ro", "pt")
    nlu_threshold: float = 0.45
    council_name: str = "Cambridgeshire councils"
    call_cost_sentence: str | None = None
    phone: str = "0345 045 5200"
    hours: str = "Monday to Friday, 8am to 6pm"


@dataclass
class _Turn:
    """Working state of one turn."""

    session: Session
    actions: list[Action] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.session.language


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
        t = _Turn(session)
        t.actions.append(self._say(t, "greeting.hello", council=self.config.council_name))
        if session.channel == Channel.VOICE and self.config.call_cost_sentence:
            t.actions.append(
                self._say(t, "greeting.cost", call_cost=self.config.call_cost_sentence)
            )
        # The phone offers other languages by key; text channels detect the language of what
        # people write, and the web page has its own language switch.
        if session.channel == Channel.VOICE and len(self.config.languages) > 1:
            t.actions.append(self._say(t, "greeting.languages"))
        await self._enter(t, "main", self.flows.flows["main"].spec.start, record=False)
        return self._finish(t)

    async def resume(self, session: Session) -> list[Action]:
        """Welcome back a citizen whose conversation dropped: offer to carry on or restart."""
        t = _Turn(session)
        session.resumed = True
        doing = self._doing(session)
        t.actions.append(self._say(t, "greeting.welcome_back", doing=doing))
        session.slots["_resume_from"] = session.position
        session.flow, session.step = "_resume", "choose"
        t.actions.append(
            Ask(
                self.prompts.get(t.lang, "greeting.carry_on"),
                options=(
                    self._opt(t, "1", "main.opt.yes_else"),
                    self._opt(t, "2", "common.opt.menu"),
                ),
                step="_resume.choose",
            )
        )
        return self._finish(t)

    async def turn(self, session: Session, inbound: Inbound) -> list[Action]:
        """Handle one input; returns what to say or do. Never raises for citizen input."""
        t = _Turn(session)
        session.turns += 1
        session.degraded = False
        try:
            if not session.step:
                return await self.start(session)
            await self._turn(t, inbound)
        except MissingTranslation as exc:
            log.warning("no %s translation for %s: handing off", exc.language, exc.key)
            t.actions = [a for a in t.actions if not isinstance(a, Ask)]
            self._handoff(t, "no_translation", skill=f"lang:{exc.language}", prompt_key=None)
        return self._finish(t)

    # ------------------------------------------------------------------ the turn
    async def _turn(self, t: _Turn, inbound: Inbound) -> None:
        s = t.session
        if inbound.digits is None and inbound.words and inbound.words in SINGLE_KEYS:
            # "Reply 1 ..." on SMS and web chat: a typed key is a key.
            inbound = replace(inbound, digits=inbound.words, text=None, speech=None)
        words = inbound.words
        if words and len(words) > MAX_TEXT:
            words = words[:MAX_TEXT]
            inbound = replace(inbound, text=words, speech=None)
        command = match_command(inbound.digits, words)
        if command is None and words:
            choice = LANGUAGE_WORDS.get(fold(words))
            if choice:
                self._set_language(t, choice)
                await self._reask(t)
                return
            self._maybe_switch_language(t, words)
        if command is not None and not (
            s.step == "choose"
            and s.flow == "_language"
            and inbound.digits
            and inbound.digits != "0"
        ):
            await self._command(t, command)
            return
        if s.status == Status.QUEUED and s.flow != "_resume":
            # Waiting for a person: the queue, not the flow, owns the conversation.
            return
        if s.flow == "_resume":
            await self._resume_choice(t, inbound)
            return
        if s.flow == "_language":
            await self._language_choice(t, inbound)
            return
        step = self.flows.step(s.flow, s.step)
        handler = {
            "menu": self._on_menu,
            "collect": self._on_collect,
            "address": self._on_address,
            "confirm": self._on_confirm,
        }.get(step.type)
        if handler is None:  # say/action/handoff/end never wait; recover by re-entering
            await self._enter(t, s.flow, s.step, record=False)
            return
        await handler(t, step, inbound)

    async def _command(self, t: _Turn, command: Command) -> None:
        s = t.session
        if command == Command.PERSON:
            self._handoff(t, "asked_for_person")
        elif command == Command.REPEAT:
            t.actions.extend(_restore(s.last_actions))
        elif command == Command.SLOWER:
            s.slow = True
            t.actions.append(self._say(t, "common.slower"))
            t.actions.extend(_restore(s.last_actions))
        elif command == Command.BACK:
            if s.flow.startswith("_") or not s.history:
                if not s.history:
                    t.actions.append(self._say(t, "common.back_top"))
                await self._reask(t)
            else:
                flow, step = s.history.pop().split(".", 1)
                await self._enter(t, flow, step, record=False)
        elif command == Command.START_OVER:
            s.slots = {}
            s.history = []
            s.status = Status.ACTIVE
            await self._enter(t, "main", self.flows.flows["main"].spec.start, record=False)
        elif command == Command.LANGUAGE:
            others = [lang for lang in self.config.languages if lang != s.language][:4]
            s.slots["_language_from"] = s.position
            s.flow, s.step = "_language", "choose"
            t.actions.append(
                Ask(
                    self.prompts.get(t.lang, "language.menu"),
                    options=tuple(
                        Option(str(i + 1), LANGUAGE_NAMES[lang]) for i, lang in enumerate(others)
                    ),
                    step="_language.choose",
                )
            )
            s.slots["_language_options"] = others
        elif command == Command.TEXT_MENU:
            await self._text_menu(t)

    # ------------------------------------------------------------------ step input
    async def _on_menu(self, t: _Turn, step: StepSpec, inbound: Inbound) -> None:
        s = t.session
        chosen = None
        if inbound.digits:
            chosen = next((o for o in step.options if o.key == inbound.digits.strip()), None)
        words = inbound.words
        if chosen is None and words:
            folded = fold(words)
            for o in step.options:
                label = fold(self.prompts.get(t.lang, o.label))
                if folded in {fold(w) for w in o.words} | {label, o.key}:
                    chosen = o
                    break
        if chosen is None and words:
            c = await self._classify(t, words)
            if c is not None:
                chosen = next((o for o in step.options if c.intent in o.intents), None)
                if chosen is None:
                    await self._route_intent(t, c, words)
                    return
        if chosen is None:
            await self._miss(t, "common.retry_choice")
            return
        s.slots.update(chosen.set)
        if chosen.handoff:
            self._handoff(t, "asked_for_person")
        elif chosen.goto:
            await self._goto(t, chosen.goto)

    async def _on_collect(self, t: _Turn, step: StepSpec, inbound: Inbound) -> None:
        s = t.session
        words = inbound.words
        value: str | None = None
        if step.expect == "postcode" and words:
            value = find_postcode(words)
        elif step.expect == "reference":
            raw = inbound.digits if inbound.digits else words
            value = find_reference(raw) if raw else None
        elif step.expect == "text" and words and len(fold(words)) >= 2:
            value = words
        if value is None and words:
            # Not the value asked for: maybe they want something else entirely.
            c = await self._classify(t, words, count_unsure=False)
            if (
                c is not None
                and c.intent in SERVICE_INTENTS | {"human", "goodbye"}
                and c.intent not in self.flows.flows[s.flow].spec.intents
            ):
                await self._route_intent(t, c, words)
                return
        if value is None:
            retry = {"postcode": "common.retry_postcode", "reference": "common.retry_reference"}
            await self._miss(t, retry.get(step.expect or "", "common.retry_text"))
            return
        if step.expect == "text" and await self._is_safeguarding(t, words or ""):
            return
        assert step.slot is not None
        s.slots[step.slot] = value
        assert step.next is not None
        await self._goto(t, step.next)

    async def _on_confirm(self, t: _Turn, step: StepSpec, inbound: Inbound) -> None:
        answer = await self._yes_no(t, inbound)
        if answer is None:
            await self._miss(t, "common.retry_choice")
        elif answer:
            assert step.next is not None
            await self._goto(t, step.next)
        else:
            assert step.on_no is not None
            await self._goto(t, step.on_no, clear=True)

    async def _on_address(self, t: _Turn, step: StepSpec, inbound: Inbound) -> None:
        s = t.session
        found: list[dict[str, Any]] = s.slots.get("_addresses", [])
        mode = s.slots.get("_addr_mode")
        new_postcode = find_postcode(inbound.words) if inbound.words else None
        if new_postcode and new_postcode != s.slots.get("postcode"):
            s.slots["postcode"] = new_postcode
            await self._enter(t, s.flow, s.step, record=False)
            return
        pick: dict[str, Any] | None = None
        if mode == "one":
            answer = await self._yes_no(t, inbound)
            if answer is None:
                await self._miss(t, "common.retry_choice")
                return
            if not answer:
                assert step.on_no is not None
                await self._goto(t, step.on_no, clear=True)
                return
            pick = found[0]
        elif mode == "pick":
            key = (inbound.digits or "").strip()
            if inbound.words:
                key = key or fold(inbound.words)
                for i, a in enumerate(found):
                    if fold(inbound.words) in fold(a["line"]) and fold(inbound.words):
                        key = str(i + 1)
                        break
            if key.isdigit() and 1 <= int(key) <= len(found):
                pick = found[int(key) - 1]
        elif mode == "filter" and inbound.words:
            needle = fold(inbound.words)
            matches = [a for a in found if _house_matches(needle, a["line"])]
            if matches:
                s.misses = 0
                await self._offer_addresses(t, step, matches)
                return
        if pick is None:
            await self._miss(t, "common.retry_choice")
            return
        s.slots["address"] = pick["line"]
        s.slots["address_id"] = pick["id"]
        s.slots["_address"] = pick
        for k in ("_addresses", "_addr_mode"):
            s.slots.pop(k, None)
        assert step.next is not None
        await self._goto(t, step.next)

    # ------------------------------------------------------------------ entering steps
    async def _goto(self, t: _Turn, target: str, clear: bool = False) -> None:
        flow, step = self.flows.resolve(t.session.flow, target)
        if clear:
            spec = self.flows.step(flow, step)
            if spec.slot:
                t.session.slots.pop(spec.slot, None)
        await self._enter(t, flow, step)

    async def _enter(
        self, t: _Turn, flow: str, step_name: str, record: bool = True, depth: int = 0
    ) -> None:
        s = t.session
        if depth > MAX_CHAIN:
            raise RuntimeError(f"flow loop at {flow}.{step_name}")
        if (
            record
            and s.step
            and not s.flow.startswith("_")
            and (s.flow, s.step) != (flow, step_name)
        ):
            s.history.append(s.position)
            del s.history[:-20]
        s.flow, s.step, s.misses, s.low_confidence = flow, step_name, 0, 0
        step = self.flows.step(flow, step_name)
        if flow in self.flows.by_intent.values() and self.flows.flows[flow].spec.intents:
            s.intent = (
                step_name
                if step_name in SERVICE_INTENTS
                else (self.flows.flows[flow].spec.intents[0])
            )

        async def go(target: str | None) -> None:
            assert target is not None
            nf, ns = self.flows.resolve(flow, target)
            await self._enter(t, nf, ns, record=False, depth=depth + 1)

        if step.type == "menu":
            t.actions.append(self._menu_ask(t, step))
        elif step.type == "collect":
            if step.slot and s.slots.get(step.slot):
                await go(step.next)  # never ask twice
                return
            t.actions.append(
                Ask(
                    self._text(t, step.prompt),
                    expect=step.expect or "text",
                    entry=True,
                    step=s.position,
                )
            )
        elif step.type == "address":
            await self._lookup_addresses(t, step, go)
        elif step.type == "confirm":
            t.actions.append(self._yes_no_ask(t, self._text(t, step.prompt)))
        elif step.type == "say":
            t.actions.append(self._say(t, step.prompt or ""))
            await go(step.next)
        elif step.type == "action":
            ok = await self._action(t, step)
            await go(step.next if ok else step.on_error)
        elif step.type == "handoff":
            priority = Priority[step.priority.upper()]
            self._handoff(
                t,
                step.reason or "flow",
                priority=priority,
                skill=step.skill,
                prompt_key=step.prompt,
            )
        elif step.type == "end":
            t.actions.append(self._say(t, step.prompt or "main.goodbye"))
            t.actions.append(End())
            s.status = Status.ENDED

    async def _lookup_addresses(self, t: _Turn, step: StepSpec, go: Any) -> None:
        s = t.session
        postcode = s.slots.get("postcode", "")
        try:
            found = await self.services.find_addresses(postcode)
        except OutsideArea:
            t.actions.append(self._say(t, "common.outside_area", postcode=postcode))
            self._handoff(t, "outside_area", prompt_key=None)
            return
        except NotFound:
            t.actions.append(self._say(t, "common.no_address", postcode=postcode))
            s.slots.pop("postcode", None)
            misses = int(s.slots.get("_postcode_misses", 0)) + 1
            s.slots["_postcode_misses"] = misses
            await go(step.on_no)
            if misses >= 2:
                self._drop_asks(t)
                self._handoff(t, "address_not_found")
            return
        except BackendError as exc:
            log.warning("address lookup failed: %s", type(exc).__name__)
            s.degraded = True
            await go("common.unavailable")
            return
        await self._offer_addresses(
            t,
            step,
            [
                {
                    "id": a.id,
                    "line": a.line,
                    "postcode": a.postcode,
                    "district": a.district,
                    "lat": a.lat,
                    "long": a.long,
                }
                for a in found
            ],
        )

    async def _offer_addresses(self, t: _Turn, step: StepSpec, found: list[dict[str, Any]]) -> None:
        s = t.session
        s.slots["_addresses"] = found
        if len(found) == 1:
            s.slots["_addr_mode"] = "one"
            t.actions.append(
                self._yes_no_ask(
                    t, self.prompts.get(t.lang, "common.one_address", address=found[0]["line"])
                )
            )
        elif len(found) <= 4:
            s.slots["_addr_mode"] = "pick"
            t.actions.append(
                Ask(
                    self._text(t, step.prompt),
                    options=tuple(Option(str(i + 1), a["line"]) for i, a in enumerate(found)),
                    step=s.position,
                )
            )
        else:
            s.slots["_addr_mode"] = "filter"
            t.actions.append(
                Ask(
                    self.prompts.get(t.lang, "common.too_many_addresses"),
                    expect="text",
                    entry=True,
                    step=s.position,
                )
            )

    # ------------------------------------------------------------------ back-end actions
    async def _action(self, t: _Turn, step: StepSpec) -> bool:
        s = t.session
        try:
            if step.call == "bin_day":
                await self._bin_day(t)
            elif step.call == "report":
                self._report(t, step.service or s.intent or "")
            elif step.call == "report_status":
                await self._status(t)
            elif step.call == "service_info":
                await self._service_info(t, step.topic or "opening_hours")
            elif step.call in ("subscribe", "unsubscribe"):
                self._subscription(t, step.call, step.topic or "bin_day")
            elif step.call == "send_link":
                await self._send_link(t, step.topic or "")
            elif step.call == "send_menu":
                await self._text_menu(t)
        except NotFound:
            if step.call == "report_status":
                t.actions.append(
                    self._say(t, "status.not_found", reference=s.slots.pop("reference", ""))
                )
                return True
            raise
        except BackendError as exc:
            log.warning("back end %s failed: %s", step.call, type(exc).__name__)
            s.degraded = True
            return False
        return True

    async def _bin_day(self, t: _Turn) -> None:
        s = t.session
        collections = await self.services.bin_collections(s.slots["address_id"])
        items = []
        for c in collections[:3]:
            item = self.prompts.get(
                t.lang,
                "bins.collection_item",
                bin=self.prompts.get(t.lang, f"bins.bin.{c.bin}"),
                day=self._date(t, c.date),
            )
            if c.moved_from:
                item += " " + self.prompts.get(
                    t.lang, "bins.moved", usual=self._date(t, c.moved_from)
                )
            items.append(item)
        t.actions.append(
            self._say(
                t,
                "bins.collections",
                address=s.slots.get("address", ""),
                collections="; ".join(items),
            )
        )

    def _report(self, t: _Turn, service: str) -> None:
        s = t.session
        ref = new_reference()
        addr = s.slots.get("_address") or {}
        description = s.slots.get("description") or f"Missed {s.slots.get('bin', '')} bin"
        report = ReportRequest(
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
        payload = report_payload(
            report, session_id=s.id, channel=s.channel.value, language=s.language
        )
        t.actions.append(CallBackend("report", payload, key=ref))
        s.refs.append(ref)
        s.slots["ref"] = ref
        key = {Channel.VOICE: "report.done", Channel.SMS: "report.done_text"}.get(
            s.channel, "report.done_chat"
        )
        t.actions.append(self._say(t, key, ref=ref, ref_spoken=spoken_reference(ref)))

    async def _status(self, t: _Turn) -> None:
        s = t.session
        st = await self.services.report_status(s.slots["reference"])
        status = (
            self.prompts.get(t.lang, f"status.{st.status}")
            if self.prompts.has(t.lang, f"status.{st.status}")
            else st.status
        )
        t.actions.append(
            self._say(
                t,
                "status.found",
                reference=st.reference,
                service_name=st.service_name,
                status=status,
            )
        )
        if st.status_notes:
            t.actions.append(self._say(t, "status.notes", notes=st.status_notes))
        s.slots.pop("reference", None)

    async def _service_info(self, t: _Turn, topic: str) -> None:
        hours, phone = self.config.hours, self.config.phone
        try:
            info = await self.services.service_info(topic)
            council_hours = "; ".join(info.hours)
            if council_hours and (t.lang == "en" or describe_ok(council_hours)):
                hours = council_hours  # the council's own words, if readable in any language
            phone = info.phone or phone
        except NotFound:
            pass
        hours = self.hours_in_words(t.lang, hours)
        t.actions.append(self._say(t, f"info.{topic}", hours=hours, phone=phone))

    async def _send_link(self, t: _Turn, topic: str) -> None:
        s = t.session
        info = await self.services.service_info(topic)
        url = str(info.extra.get("url", ""))
        text = self.prompts.get(t.lang, "info.link", url=url)
        if s.channel in (Channel.VOICE, Channel.SMS):
            t.actions.append(SendSms(s.sender, text, purpose="link"))
            t.actions.append(self._say(t, "services.link_sent"))
        else:
            t.actions.append(_say_text(text))

    def _subscription(self, t: _Turn, call: str, topic: str) -> None:
        s = t.session
        if s.channel not in (Channel.VOICE, Channel.SMS):
            t.actions.append(self._say(t, "reminders.no_number"))
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
            self._say(
                t,
                "reminders.started" if call == "subscribe" else "reminders.stopped",
                number=s.sender,
            )
        )

    async def _text_menu(self, t: _Turn) -> None:
        s = t.session
        if s.channel in (Channel.VOICE, Channel.SMS):
            t.actions.append(SendSms(s.sender, self.menu_map(s.language), purpose="menu"))
            t.actions.append(self._say(t, "common.menu_texted"))
        else:
            t.actions.append(_say_text(self.menu_map(s.language)))
        await self._reask(t)

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

    # ------------------------------------------------------------------ understanding
    async def _classify(
        self, t: _Turn, words: str, count_unsure: bool = True
    ) -> Classification | None:
        """The classification if confident; None (and an unsure count) otherwise."""
        s = t.session
        try:
            c = await self.classifier.classify(words, s.language)
        except Exception:
            log.exception("classifier failed")
            s.degraded = True
            return None
        if c.classifier != "rasa":
            s.degraded = s.degraded or c.classifier == "fallback-degraded"
        if c.confidence < self.config.nlu_threshold:
            if count_unsure:
                s.low_confidence += 1
            return None
        return c

    async def _route_intent(self, t: _Turn, c: Classification, words: str) -> None:
        s = t.session
        intent = c.intent
        if intent == "safeguarding":
            await self._goto(t, "care.safeguarding")
        elif intent == "human":
            self._handoff(t, "asked_for_person")
        elif intent in ("repeat", "back", "start_over"):
            await self._command(
                t,
                {"repeat": Command.REPEAT, "back": Command.BACK, "start_over": Command.START_OVER}[
                    intent
                ],
            )
        elif intent in self.flows.by_intent:
            s.intent = intent if intent in SERVICE_INTENTS else s.intent
            for key in ("postcode", "reference"):
                if key in c.entities and key not in s.slots:
                    s.slots[key] = c.entities[key]
            if "postcode" not in s.slots and (pc := find_postcode(words)):
                s.slots["postcode"] = pc
            flow = self.flows.by_intent[intent]
            steps = self.flows.flows[flow].spec.steps
            await self._goto(t, f"{flow}.{intent}" if intent in steps else flow)
        else:
            await self._miss(t, "common.retry_choice")

    async def _is_safeguarding(self, t: _Turn, words: str) -> bool:
        """Route to the urgent person queue if free text reveals someone at risk."""
        try:
            c = await self.classifier.classify(words, t.session.language)
        except Exception:
            return False
        if c.intent == "safeguarding" and c.confidence >= self.config.nlu_threshold:
            await self._goto(t, "care.safeguarding")
            return True
        return False

    async def _yes_no(self, t: _Turn, inbound: Inbound) -> bool | None:
        if inbound.digits:
            return {"1": True, "2": False}.get(inbound.digits.strip())
        if not inbound.words:
            return None
        folded = fold(inbound.words)
        if folded in YES or folded == fold(self.prompts.get(t.lang, "common.yes")):
            return True
        if folded in NO or folded == fold(self.prompts.get(t.lang, "common.no")):
            return False
        c = await self._classify(t, inbound.words)
        if c is not None and c.intent in ("affirm", "deny"):
            return c.intent == "affirm"
        return None

    def _maybe_switch_language(self, t: _Turn, words: str) -> None:
        s = t.session
        if s.language_chosen or self.detect_language is None:
            return
        lang = self.detect_language(words)
        if lang and lang != s.language and lang in self.config.languages:
            s.language = lang

    def _set_language(self, t: _Turn, lang: str) -> None:
        s = t.session
        if lang not in self.config.languages:
            return
        s.language, s.language_chosen = lang, True
        t.actions.append(self._say(t, "common.language_set"))

    async def _language_choice(self, t: _Turn, inbound: Inbound) -> None:
        s = t.session
        options: list[str] = s.slots.get("_language_options", [])
        key = (inbound.digits or "").strip()
        back = s.slots.pop("_language_from", "main.menu")
        if key.isdigit() and 1 <= int(key) <= len(options):
            self._set_language(t, options[int(key) - 1])
        s.flow, s.step = back.split(".", 1)
        await self._reask(t)

    async def _resume_choice(self, t: _Turn, inbound: Inbound) -> None:
        s = t.session
        answer = await self._yes_no(t, inbound)
        back = s.slots.pop("_resume_from", "main.menu")
        s.flow, s.step = back.split(".", 1)
        if answer is False:
            await self._command(t, Command.START_OVER)
        elif s.status == Status.QUEUED:
            t.actions.append(self._say(t, "voice.already_queued"))
        else:
            await self._reask(t)

    # ------------------------------------------------------------------ helpers
    async def _miss(self, t: _Turn, retry_key: str) -> None:
        """Not understood: say it differently once; the second time, a person."""
        s = t.session
        s.misses += 1
        if s.misses >= 2 or s.low_confidence >= 2:
            self._drop_asks(t)
            self._handoff(t, "not_understood", prompt_key="common.not_understood")
            return
        if s.channel != Channel.VOICE and self.prompts.has(t.lang, retry_key + "_text"):
            retry_key += "_text"
        t.actions.append(self._say(t, retry_key))
        await self._reask(t, keep_counts=True)

    async def _reask(self, t: _Turn, keep_counts: bool = False) -> None:
        """Ask the current step's question again."""
        s = t.session
        misses, unsure = s.misses, s.low_confidence
        if s.flow.startswith("_"):
            t.actions.extend(a for a in _restore(s.last_actions) if isinstance(a, Ask))
            return
        step = self.flows.step(s.flow, s.step)
        if step.type == "address" and s.slots.get("_addresses"):
            await self._offer_addresses(t, step, s.slots["_addresses"])
        else:
            await self._enter(t, s.flow, s.step, record=False)
        if keep_counts:
            s.misses, s.low_confidence = misses, unsure

    def _handoff(
        self,
        t: _Turn,
        reason: str,
        priority: Priority = Priority.NORMAL,
        skill: str | None = None,
        prompt_key: str | None = "common.person",
    ) -> None:
        s = t.session
        if prompt_key:
            t.actions.append(self._say(t, prompt_key))
        if s.language != "en" and skill is None:
            skill = f"lang:{s.language}"
        context = {
            "reason": reason,
            "channel": s.channel.value,
            "language": s.language,
            "sender": s.sender,
            "intent": s.intent,
            "step": s.position,
            "details": {k: v for k, v in s.slots.items() if not k.startswith("_")},
            "refs": list(s.refs),
        }
        t.actions.append(HandOff(reason, priority, skill, context))
        s.status = Status.QUEUED

    def _drop_asks(self, t: _Turn) -> None:
        t.actions[:] = [a for a in t.actions if not isinstance(a, Ask)]

    def _finish(self, t: _Turn) -> list[Action]:
        s = t.session
        s.updated_at = self.clock()
        shown = [a for a in t.actions if a.kind in ("say", "ask")]
        if shown:
            s.last_actions = [_as_dict(a) for a in shown]
        return t.actions

    def _say(self, t: _Turn, key: str, **values: Any) -> Action:
        return _say_text(self.prompts.get(t.lang, key, **self._values(t, values)))

    def _text(self, t: _Turn, key: str | None) -> str:
        return self.prompts.get(t.lang, key or "", **self._values(t, {}))

    def _values(self, t: _Turn, extra: dict[str, Any]) -> dict[str, Any]:
        s = t.session
        values: dict[str, Any] = {k: v for k, v in s.slots.items() if isinstance(v, str)}
        if "bin" in values and self.prompts.has(t.lang, f"bins.bin.{values['bin']}"):
            values["bin"] = self.prompts.get(t.lang, f"bins.bin.{values['bin']}")
        values.update(
            council=self.config.council_name,
            phone=self.config.phone,
            hours=self.hours_in_words(t.lang, self.config.hours),
        )
        values.update(extra)
        return values

    def _opt(self, t: _Turn, key: str, label_key: str) -> Option:
        return Option(
            key, self.prompts.get(t.lang, label_key), self.prompts.short(t.lang, label_key)
        )

    def _menu_ask(self, t: _Turn, step: StepSpec) -> Ask:
        return Ask(
            self._text(t, step.prompt),
            options=tuple(self._opt(t, o.key, o.label) for o in step.options),
            step=t.session.position,
        )

    def _yes_no_ask(self, t: _Turn, text: str) -> Ask:
        return Ask(
            text,
            options=(self._opt(t, "1", "common.yes"), self._opt(t, "2", "common.no")),
            expect="yes_no",
            step=t.session.position,
        )

    def _date(self, t: _Turn, day: dt.date) -> str:
        today = self.today()
        if day == today:
            return self.prompts.get(t.lang, "date.today")
        if day == today + dt.timedelta(days=1):
            return self.prompts.get(t.lang, "date.tomorrow")
        return self.prompts.get(
            t.lang,
            "date.format",
            weekday=self.prompts.get(t.lang, f"weekday.{day.weekday()}"),
            day=day.day,
            month=self.prompts.get(t.lang, f"month.{day.month}"),
        )

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


def describe_ok(hours: str) -> bool:
    """True when opening hours are in the machine-readable form (`Mon-Fri 08:00-18:00`)."""
    try:
        return bool(parse_hours(hours))
    except ValueError:
        return False


def _say_text(text: str) -> Action:
    return Say(text)


def _house_matches(needle: str, line: str) -> bool:
    first = fold(line).split(" ")
    return bool(needle) and (needle in first[:3] or fold(line).startswith(needle))


def _as_dict(action: Action) -> dict[str, Any]:
    return action_to_dict(action)


def _restore(items: list[dict[str, Any]]) -> list[Action]:
    return [action_from_dict(dict(item)) for item in items]
