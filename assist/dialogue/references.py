"""References and postcodes in what citizens say or key, and references read back to them."""

from __future__ import annotations

import re

from assist.dialogue.entities import extract_entities
from assist.dialogue.vocabulary import SPOKEN_DIGITS, fold


def spoken_reference(ref: str) -> str:
    """A reference spelled out for speech: "A S, 7, K, 3, Q, F, 2"."""
    return ", ".join(["A S", *ref.removeprefix("AS-")])


def find_postcode(text: str) -> str | None:
    """A UK postcode in the text, normalised ("cb12ad", "c b one two a d" -> "CB1 2AD")."""
    value = extract_entities(text).get("postcode")
    return str(value) if value else None


_COUNCIL_REF = re.compile(r"^(?=[\w/-]*\d)(?=[\w/-]*[^\W\d_])[\w/-]{4,24}$")
"""A council's own reference: letters and digits together (`qq73dram`, `RD-1042`, `2024/77a`)."""


def find_reference(text: str) -> str | None:
    """An Assist (`AS-XXXXXX`) or council reference in the text, or None.

    Councils number their reports in their own ways, so besides Assist's references this
    takes: digits alone ("1 0 4 2", keyed or said) of 3 to 12 digits; a word mixing letters
    and digits ("it's qq73dram"), kept as written; and a reference spelled out one character
    at a time ("q q seven three d r a m").
    """
    value = extract_entities(text).get("reference")
    if value:
        return str(value)
    for word in text.split():
        word = word.strip(".,;:!?()[]\"'“”‘’")
        if _mixed(word):
            return word
    tokens = [SPOKEN_DIGITS.get(w, w) for w in fold(text).split()]
    spelled = [t for t in tokens if len(t) == 1 and t.isalnum()]
    if len(spelled) >= 4 and len(spelled) >= len(tokens) - 3 and _mixed("".join(spelled)):
        return "".join(spelled)
    digits = "".join(t for t in tokens if t.isdigit())
    return digits if 3 <= len(digits) <= 12 else None


def _mixed(word: str) -> bool:
    return bool(_COUNCIL_REF.match(word))
