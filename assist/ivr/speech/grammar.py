"""Recognition grammars: a step's option words plus the universal words, per language."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from assist.ivr.speech.base import UNKNOWN_WORD

# Spoken forms of the universal commands (HUMANE.md 1 and 8) as a recogniser's vocabulary
# spells them (lower case, with diacritics). The dialogue engine folds accents when it
# matches, so "człowiek" heard here is "czlowiek" there.
UNIVERSAL_WORDS: Mapping[str, tuple[str, ...]] = {
    "en": (
        "person", "agent", "operator", "human", "someone", "a person", "talk to a person",
        "repeat", "again", "back", "go back", "slower", "menu", "start again",
    ),
    "pl": ("człowiek", "konsultant", "operator", "osoba", "powtórz", "jeszcze raz", "wstecz",
           "cofnij", "wolniej", "menu"),
    "lt": ("žmogus", "operatorius", "konsultantas", "pakartok", "atgal", "lėčiau", "meniu"),
    "ro": ("om", "persoană", "operator", "repetă", "înapoi", "mai încet", "meniu"),
    "pt": ("pessoa", "atendente", "operador", "humano", "repete", "repetir", "voltar",
           "devagar", "menu"),
}  # fmt: skip


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
