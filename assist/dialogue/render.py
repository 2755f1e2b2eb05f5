"""Channel-neutral rendering helpers shared by the linter and the channel adapters.

Spoken prompts are split into segments (question, then one segment per option) so an adapter
can pause between them; text channels get one message with numbered options. `phone_turn`
orders a turn's words for every phone path (Twilio's speech and self-hosted speech alike), so
they all say the same; the linter measures the greeting with it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assist.dialogue.gsm import sms_encoding as sms_encoding
from assist.dialogue.gsm import sms_length as sms_length
from assist.dialogue.gsm import sms_segments as sms_segments
from assist.dialogue.prompts import Prompts
from assist.dialogue.types import Action, Ask, Option, Say


def words(text: str) -> int:
    """Spoken word count (numbers and keys count as words)."""
    return len(re.findall(r"[\w'’£]+", text))


def option_language(prompts: Prompts, lang: str, option: Option) -> str:
    """The language an option is spoken in: its own when it has one (the language menu),
    else `lang`; English when that language has no `render.press`."""
    language = option.language or lang
    return language if prompts.has(language, "render.press") else "en"


def option_sentence(prompts: Prompts, lang: str, option: Option) -> str:
    """One spoken option, label capitalised: "Bins and recycling: press 1." in the option's
    own language when it has one ("Polski: naciśnij 1."), English wording when the language
    has no `render.press`."""
    language = option_language(prompts, lang, option)
    label = option.label[:1].upper() + option.label[1:]
    return prompts.get(language, "render.press", label=label, key=option.key)


def voice_segments(prompts: Prompts, lang: str, ask: Ask) -> list[str]:
    """The spoken pieces of a question: its text, then one sentence per option."""
    return [ask.text, *(option_sentence(prompts, lang, o) for o in ask.options)]


def text_options(prompts: Prompts, lang: str, options: tuple[Option, ...]) -> str:
    """ "Reply 1 Bins, 2 Report a problem, 0 a person" for SMS and terminal."""
    parts = [
        prompts.get(lang, "render.reply", key=o.key, label=o.short or o.label) for o in options
    ]
    parts.append(prompts.get(lang, "render.person_reply"))
    return prompts.get(lang, "render.reply_intro") + " " + ", ".join(parts)


def sms_text(prompts: Prompts, lang: str, ask: Ask) -> str:
    """A question as one text message: the question then the numbered options."""
    if not ask.options:
        return ask.text
    return f"{ask.text} {text_options(prompts, lang, ask.options)}"


@dataclass(frozen=True)
class Spoken:
    """One sentence for the phone and the language to speak it in."""

    text: str
    language: str
    key: str | None = None
    """The key an option sentence offers; None for other sentences."""
    label: str = ""
    """The option's label (for speech hints and counting); empty for other sentences."""


@dataclass(frozen=True)
class PhoneTurn:
    """A turn's words in the order a caller hears them."""

    before: tuple[Spoken, ...]
    """What is said before the question (greeting, answers, earlier questions)."""
    question: Spoken | None
    """The question asked, or None when nothing is asked."""
    options: tuple[Spoken, ...]
    """One sentence per option, each in its own language."""
    after: tuple[Spoken, ...]
    """Said after the options: what the engine said after asking (the language offer of the
    greeting) and, for a menu that never mentions 0, the person key."""
    ask: Ask | None
    """The question's action, or None."""

    @property
    def sentences(self) -> list[Spoken]:
        """Everything, in order."""
        asked = [self.question] if self.question is not None else []
        return [*self.before, *asked, *self.options, *self.after]


def phone_turn(prompts: Prompts, lang: str, actions: Sequence[Action]) -> PhoneTurn:
    """What the phone says for a turn's actions, in `lang`: the says before the last question,
    the question, its options (each in its own language), then the says after it and the
    person key ("For a person, press 0.") when a menu has not mentioned 0 already."""
    before: list[Spoken] = []
    after: list[Spoken] = []
    ask: Ask | None = None
    for action in actions:
        if isinstance(action, Say):
            (after if ask is not None else before).append(Spoken(action.text, lang))
        elif isinstance(action, Ask):
            if ask is not None:  # an earlier question is now only something said
                before += [Spoken(ask.text, lang), *after]
                after = []
            ask = action
    options: tuple[Spoken, ...] = ()
    question: Spoken | None = None
    if ask is not None:
        question = Spoken(ask.text, lang)
        options = tuple(
            Spoken(
                option_sentence(prompts, lang, o),
                option_language(prompts, lang, o),
                key=o.key,
                label=o.label,
            )
            for o in ask.options
        )
        heard = [s.text for s in (*before, question, *options, *after)]
        if options and not ask.entry and not any(re.search(r"\b0\b", t) for t in heard):
            after.append(Spoken(prompts.get_or_english(lang, "render.person_key"), lang))
    return PhoneTurn(tuple(before), question, options, tuple(after), ask)


def words_before_first_option(turn: PhoneTurn) -> int | None:
    """How many words a caller hears before the first option's key: everything said before
    the first option sentence, and that option's label ("Bins and recycling"). None when
    the turn offers no options."""
    if not turn.options:
        return None
    asked = [turn.question] if turn.question is not None else []
    return sum(words(s.text) for s in (*turn.before, *asked)) + words(turn.options[0].label)
