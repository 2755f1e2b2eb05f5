"""Recognition grammars: a step's option words plus the universal words, per language."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from assist.dialogue import vocabulary
from assist.ivr.speech.base import UNKNOWN_WORD

UNIVERSAL_WORDS: Mapping[str, tuple[str, ...]] = {
    language: tuple(vocabulary.universal_words(language)) for language in vocabulary.UNIVERSAL_WORDS
}
"""Spoken forms of the universal commands (HUMANE.md 1 and 8) per language, as a recogniser's
vocabulary spells them (lower case, with diacritics): every phrase of
`assist.dialogue.vocabulary.UNIVERSAL_WORDS`. The engine folds accents when it matches, so
"człowiek" heard here is "czlowiek" there."""


def build_grammar(
    options: Iterable[str],
    universal: Iterable[str] = (),
    *,
    known: Callable[[str], bool] | None = None,
    unknown_word: bool = True,
) -> list[str]:
    """The phrase list for a grammar-constrained recogniser.

    Phrases are lower-cased, de-duplicated in order, and dropped when `known` says one of
    their words is outside the model's vocabulary (Vosk would otherwise warn and ignore
    them). `[unk]` is appended when `unknown_word` is true, so out-of-grammar speech is
    reported as unknown instead of forced onto the nearest option.
    """
    phrases: list[str] = []
    for raw in (*options, *universal):
        phrase = " ".join(raw.lower().split())
        if not phrase or phrase in phrases:
            continue
        if known is not None and not all(known(word) for word in phrase.split()):
            continue
        phrases.append(phrase)
    if unknown_word:
        phrases.append(UNKNOWN_WORD)
    return phrases


def universal_words(
    language: str, table: Mapping[str, Sequence[str]] = UNIVERSAL_WORDS
) -> list[str]:
    """The universal words for `language` (empty when the table has none)."""
    return list(table.get(language, ()))
