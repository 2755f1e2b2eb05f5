"""Words that mean someone needs help now, heard at any step and in any of the five languages.

Checked by the engine before the current step, like the universal commands: an emergency
("not breathing", "he's hitting me") is told to call 999 and put through to a person at once;
other urgent words ("my mum has fallen and nobody is helping") go to a person at once. The
words themselves are `vocabulary.URGENT_WORDS`.
"""

from __future__ import annotations

import enum
import re

from assist.dialogue.turn import Turn
from assist.dialogue.types import Priority, Status
from assist.dialogue.vocabulary import FALLEN_THINGS, URGENT_WORDS, fold


class Urgency(enum.StrEnum):
    """How soon someone needs help."""

    EMERGENCY = "emergency"
    """Life or safety at risk now: 999, and a person at once."""
    URGENT = "urgent"
    """A person at once, ahead of the queue."""


def _pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    folded = sorted({fold(p) for p in phrases}, key=len, reverse=True)
    if not folded:
        return None
    return re.compile(rf"\b(?:{'|'.join(re.escape(p) for p in folded)})\b")


_PATTERNS: dict[str, dict[str, re.Pattern[str] | None]] = {
    lang: {kind: _pattern(kinds.get(kind, ())) for kind in ("emergency", "urgent", "fall")}
    for lang, kinds in URGENT_WORDS.items()
}
_THINGS = re.compile(rf"\b(?:{'|'.join(re.escape(fold(w)) for w in FALLEN_THINGS)})\b")


def _level(folded: str, patterns: dict[str, re.Pattern[str] | None]) -> Urgency | None:
    def found(kind: str) -> bool:
        pattern = patterns[kind]
        return pattern is not None and pattern.search(folded) is not None

    if found("emergency"):
        return Urgency.EMERGENCY
    if found("urgent") or (found("fall") and not _THINGS.search(folded)):
        return Urgency.URGENT
    return None


def urgency(words: str, language: str = "en") -> tuple[Urgency, str] | None:
    """How urgent `words` are and the language of the urgent words, or None for ordinary words.

    Every language's words are checked (the conversation's `language` first); the most urgent
    level found wins.
    """
    folded = fold(words)
    if not folded:
        return None
    order = sorted(_PATTERNS, key=lambda lang: lang != language)
    found = [(level, lang) for lang in order if (level := _level(folded, _PATTERNS[lang]))]
    if not found:
        return None
    emergency = [f for f in found if f[0] == Urgency.EMERGENCY]
    return (emergency or found)[0]


def answer_urgent(t: Turn, level: Urgency, language: str, words: str) -> None:
    """Tell the citizen what happens now and put them through to a person, urgently.

    Said in the language of the urgent words unless the citizen chose one. The citizen's
    words go to the person with the hand-off. Someone already waiting for a person keeps
    their place; an emergency is still told to call 999.
    """
    s = t.session
    emergency = level == Urgency.EMERGENCY
    if language != s.language and not s.language_chosen and language in t.engine.config.languages:
        # No time to offer a language: answer in the one the urgent words were written in.
        s.language = language
    if s.status == Status.QUEUED:
        if emergency:
            t.actions.append(t.say("urgent.call_999"))
        return
    t.drop_asks()
    s.slots["urgent_words"] = words  # the person sees them in the hand-off's details
    t.handoff(
        "emergency" if emergency else "urgent",
        priority=Priority.URGENT,
        skill="safeguarding",
        prompt_key="urgent.emergency" if emergency else "urgent.person",
    )
