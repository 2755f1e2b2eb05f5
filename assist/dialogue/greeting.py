"""The shape of a call's first answer, declared once for the engine and the linter.

A caller hears who they have reached and what the call costs, then the top menu straight
away; the language offer and "a person: 0 at any time" come after the options, and the free
callback is offered while they wait (HUMANE.md 1, 5). The linter holds the words before the
first option to `MAX_WORDS_BEFORE_FIRST_OPTION` in every language.
"""

from __future__ import annotations

from dataclasses import dataclass

from assist.dialogue.types import Channel

MAX_WORDS_BEFORE_FIRST_OPTION = 30
"""Spoken words of a call's first answer before the first option's key, in any language."""


@dataclass(frozen=True)
class GreetingShape:
    """Prompt keys said before the top menu's question, and after its options."""

    before_menu: tuple[str, ...]
    after_menu: tuple[str, ...]


def greeting_shape(channel: Channel, *, call_cost: bool, languages: int) -> GreetingShape:
    """The greeting's prompt keys on `channel`: on the phone the call cost (when the council
    has a sentence for it) before the menu and the language offer (when there is more than
    one language) after it; elsewhere only hello (the web page has its own language switch,
    and text channels detect the language people write in)."""
    if channel != Channel.VOICE:
        return GreetingShape(("greeting.hello",), ())
    before = ("greeting.hello", "greeting.cost") if call_cost else ("greeting.hello",)
    after = ("greeting.languages",) if languages > 1 else ()
    return GreetingShape(before, after)
