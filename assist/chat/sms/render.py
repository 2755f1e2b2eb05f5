"""Actions as text messages: short, numbered options, one GSM-7 segment wherever possible.

HUMANE.md 7: a reply fits one 160-character GSM-7 segment where at all possible and never
takes more than 3 segments. One character outside GSM-7 (Polish ą, Lithuanian ė, Romanian
ș, Portuguese ã...) makes the whole text UCS-2, 70 characters a segment; so a reply that would
then need more than one segment has its diacritics folded to plain letters, which readers of
these languages accept in texts (common practice for SMS in Poland, Lithuania, Romania and
Portugal). A reply still over 3 segments is split into several messages at sentence ends.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assist.dialogue.gsm import as_sent as as_sent
from assist.dialogue.gsm import fold_to_gsm7 as fold_to_gsm7
from assist.dialogue.gsm import sent_segments as sent_segments
from assist.dialogue.gsm import sms_segments
from assist.dialogue.prompts import Prompts
from assist.dialogue.render import sms_text
from assist.dialogue.types import Action, Ask, Say

MAX_SEGMENTS = 3


def actions_text(prompts: Prompts, lang: str, actions: Sequence[Action]) -> str:
    """What the actions say, as one text: the Say texts, then the question and its options."""
    parts: list[str] = []
    for action in actions:
        if isinstance(action, Say):
            parts.append(action.text)
        elif isinstance(action, Ask):
            parts.append(sms_text(prompts, lang, action))
    return " ".join(p.strip() for p in parts if p.strip())


def fit(text: str) -> list[str]:
    """The text as messages of at most 3 segments each (usually exactly one message).

    Folds diacritics when the UCS-2 text would take more than one segment; then, if it
    still needs more than 3 segments, splits at sentence ends (words if need be).
    """
    text = as_sent(text)
    if not text:
        return []
    if sms_segments(text) <= MAX_SEGMENTS:
        return [text]
    return _split(text)


def _split(text: str) -> list[str]:
    """Greedy: as many whole sentences per message as fit in 3 segments."""
    pieces = [p for p in re.split(r"(?<=[.!?])\s+", text) if p]
    messages: list[str] = []
    current = ""
    for piece in pieces:
        for part in _words_fitting(piece):
            candidate = f"{current} {part}".strip()
            if sms_segments(candidate) <= MAX_SEGMENTS:
                current = candidate
            else:
                messages.append(current)
                current = part
    if current:
        messages.append(current)
    return messages


def _words_fitting(piece: str) -> list[str]:
    """A sentence, cut at spaces into parts that each fit 3 segments (usually just itself)."""
    if sms_segments(piece) <= MAX_SEGMENTS:
        return [piece]
    parts: list[str] = []
    current = ""
    for word in piece.split(" "):
        candidate = f"{current} {word}".strip()
        if current and sms_segments(candidate) > MAX_SEGMENTS:
            parts.append(current)
            current = word
        else:
            current = candidate
    if current:
        parts.append(current)
    return parts
