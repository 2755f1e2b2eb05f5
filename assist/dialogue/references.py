"""References and postcodes in what citizens say or key, and references read back to them."""

from __future__ import annotations

from assist.dialogue.entities import extract_entities
from assist.dialogue.vocabulary import SPOKEN_DIGITS, fold


def spoken_reference(ref: str) -> str:
    """A reference spelled out for speech: "A S, 7, K, 3, Q, F, 2"."""
    return ", ".join(["A S", *ref.removeprefix("AS-")])


def find_postcode(text: str) -> str | None:
    """A UK postcode in the text, normalised ("cb12ad", "c b one two a d" -> "CB1 2AD")."""
    value = extract_entities(text).get("postcode")
    return str(value) if value else None


def find_reference(text: str) -> str | None:
    """An Assist (`AS-XXXXXX`) or council reference in the text, or None.

    Digits alone ("1 0 4 2", keyed or said) are taken as a council reference of 3 or more
    digits, since councils number their reports differently.
    """
    value = extract_entities(text).get("reference")
    if value:
        return str(value)
    tokens = [SPOKEN_DIGITS.get(w, w) for w in fold(text).split()]
    digits = "".join(t for t in tokens if t.isdigit())
    return digits if 3 <= len(digits) <= 12 else None
