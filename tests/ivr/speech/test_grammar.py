"""Recognition grammars from a step's options and the universal words."""

from __future__ import annotations

from assist.ivr.speech.grammar import UNIVERSAL_WORDS, build_grammar, universal_words


def test_grammar_is_options_then_universal_words_then_unk() -> None:
    """Phrases keep their order, are lower-cased and de-duplicated, and end with [unk]."""
    grammar = build_grammar(["Bins", "report a problem", "bins"], ["person", "Person"])
    assert grammar == ["bins", "report a problem", "person", "[unk]"]


def test_words_outside_the_vocabulary_drop_their_phrase() -> None:
    """A phrase with an unknown word is left out rather than half-recognised."""
    vocabulary = {"bins", "person", "report", "problem"}
    grammar = build_grammar(["bins", "report a problem"], ["person"], known=vocabulary.__contains__)
    assert grammar == ["bins", "person", "[unk]"]


def test_unk_is_left_out_when_the_model_lacks_it() -> None:
    """Models without an [unk] word get a grammar without it."""
    assert build_grammar(["one"], unknown_word=False) == ["one"]


def test_every_supported_language_has_person_words() -> None:
    """en, pl, lt, ro and pt all have spoken "person" words for the grammar (HUMANE.md 1)."""
    for language in ("en", "pl", "lt", "ro", "pt"):
        assert universal_words(language), language
    assert "person" in UNIVERSAL_WORDS["en"]
    assert universal_words("xx") == []
