"""One turn's working state (`Turn`): what step handlers read, say and ask for next.

Step handlers (`steps.py`), understanding (`understanding.py`) and back-end calls (`calls.py`)
are functions of a `Turn`. It carries the session, the actions so far and the engine whose
collaborators (flows, prompts, classifier, council services, settings) they use; moving to
another step goes back through the engine (`goto`, `reask`, `miss`, `command`), so those
modules never import one another in a circle.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assist.dialogue.types import (
    Action,
    Ask,
    HandOff,
    Option,
    Priority,
    Say,
    Session,
    Status,
    action_from_dict,
)

if TYPE_CHECKING:
    from assist.dialogue.commands import Command
    from assist.dialogue.engine import Engine
    from assist.dialogue.flows import StepSpec


ANNOUNCEMENTS = frozenset(
    {
        "common.menu_texted",
        "common.menu_not_texted",
        "services.link_sent",
        "common.slower",
        "common.language_set",
    }
)
"""Prompts that only report what this turn did (a text sent, speech slowed, a language set):
said once, and left out when the turn's words are said again (`repeat`, `slower`), so
nobody hears "I've sent the menu to you by text" when nothing new was sent. Answers that
carry something to hear again (a reference, a collection day) are not announcements."""


@dataclass
class Turn:
    """Working state of one turn."""

    engine: Engine
    session: Session
    actions: list[Action] = field(default_factory=list)
    announcements: list[Action] = field(default_factory=list)
    """The `ANNOUNCEMENTS` said this turn (not kept for repeating)."""

    @property
    def lang(self) -> str:
        """The conversation's language now."""
        return self.session.language

    # ------------------------------------------------------------------ moving on
    async def goto(self, target: str, clear: bool = False) -> None:
        """Go to a step (`step`, `flow.step` or `flow`); `clear` forgets its slot first."""
        await self.engine.goto(self, target, clear)

    async def reask(self, keep_counts: bool = False) -> None:
        """Ask the current step's question again."""
        await self.engine.reask(self, keep_counts)

    async def miss(self, retry_key: str) -> None:
        """Not understood: say it differently once; the second time, a person."""
        await self.engine.miss(self, retry_key)

    async def command(self, command: Command) -> None:
        """Carry out a universal command (person, repeat, back, start again, ...)."""
        await self.engine.command(self, command)

    def handoff(
        self,
        reason: str,
        priority: Priority = Priority.NORMAL,
        skill: str | None = None,
        prompt_key: str | None = "common.person",
    ) -> None:
        """Put the citizen through to a person, with the conversation's context packet."""
        s = self.session
        if prompt_key:
            self.actions.append(self.say(prompt_key))
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
        self.actions.append(HandOff(reason, priority, skill, context))
        s.status = Status.QUEUED

    def drop_asks(self) -> None:
        """Forget the questions asked so far this turn (a person takes over)."""
        self.actions[:] = [a for a in self.actions if not isinstance(a, Ask)]

    # ------------------------------------------------------------------ words
    def say(self, key: str, **values: Any) -> Action:
        """A `Say` of the prompt `key`, filled from the slots, the settings and `values`."""
        said = Say(self.engine.prompts.get(self.lang, key, **self.values(values)))
        if key in ANNOUNCEMENTS:
            self.announcements.append(said)
        return said

    def repeatable(self) -> list[Action]:
        """What this turn said and asked, without its announcements: the words to say again
        on `repeat` or `slower`."""
        return [
            a
            for a in self.actions
            if a.kind in ("say", "ask") and not any(a is said for said in self.announcements)
        ]

    def text(self, key: str | None) -> str:
        """The prompt `key`, filled from the slots and the settings."""
        return self.engine.prompts.get(self.lang, key or "", **self.values({}))

    def values(self, extra: dict[str, Any]) -> dict[str, Any]:
        """What prompts may name: text slots, the council's name, phone and hours, `extra`."""
        prompts, config = self.engine.prompts, self.engine.config
        values: dict[str, Any] = {k: v for k, v in self.session.slots.items() if isinstance(v, str)}
        if "bin" in values and prompts.has(self.lang, f"bins.bin.{values['bin']}"):
            values["bin"] = prompts.get(self.lang, f"bins.bin.{values['bin']}")
        values.update(
            council=config.council_name,
            phone=config.phone,
            hours=self.engine.hours_in_words(self.lang, config.hours),
        )
        values.update(extra)
        return values

    def opt(self, key: str, label_key: str) -> Option:
        """A menu option with its label (and short label) in the conversation's language."""
        prompts = self.engine.prompts
        return Option(key, prompts.get(self.lang, label_key), prompts.short(self.lang, label_key))

    def menu_ask(self, step: StepSpec) -> Ask:
        """The question of a menu step, with its options."""
        return Ask(
            self.text(step.prompt),
            options=tuple(self.opt(o.key, o.label) for o in step.options),
            step=self.session.position,
        )

    def yes_no_ask(self, text: str) -> Ask:
        """A yes-or-no question (1 yes, 2 no)."""
        return Ask(
            text,
            options=(self.opt("1", "common.yes"), self.opt("2", "common.no")),
            expect="yes_no",
            step=self.session.position,
        )

    def date(self, day: dt.date) -> str:
        """A day as said to the citizen: "today", "tomorrow" or "Tuesday 3 June"."""
        prompts = self.engine.prompts
        today = self.engine.today()
        if day == today:
            return prompts.get(self.lang, "date.today")
        if day == today + dt.timedelta(days=1):
            return prompts.get(self.lang, "date.tomorrow")
        return prompts.get(
            self.lang,
            "date.format",
            weekday=prompts.get(self.lang, f"weekday.{day.weekday()}"),
            day=day.day,
            month=prompts.get(self.lang, f"month.{day.month}"),
        )


def restore(items: list[dict[str, Any]]) -> list[Action]:
    """Actions back from the dicts a session keeps of what was last said."""
    return [action_from_dict(dict(item)) for item in items]
