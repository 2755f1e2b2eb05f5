"""Language: langdetect on enough text, and explicit choices that always win."""

from __future__ import annotations

import pytest

from assist.dialogue.language import detect_language, explicit_language_choice

SUPPORTED = ("en", "pl", "lt", "ro", "pt")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("my bin was not collected this morning", "en"),
        ("nie zabrali moich śmieci w tym tygodniu", "pl"),
        ("šiandien neišvežė mano šiukšlių konteinerio", "lt"),
        ("nu mi-au ridicat gunoiul săptămâna aceasta", "ro"),
        ("não recolheram o meu lixo esta semana", "pt"),
    ],
)
def test_detects_each_supported_language(text: str, lang: str) -> None:
    """A sentence of a few words is recognised in each supported language."""
    assert detect_language(text, SUPPORTED) == lang


def test_short_text_is_not_trusted() -> None:
    """Too few words or characters: no guess."""
    for text in ("tak", "yes please", "nie wiem", "da", "sim"):
        assert detect_language(text, SUPPORTED) is None


def test_unsupported_or_unconfigured_languages_give_none() -> None:
    """A language outside `supported` gives None, even when langdetect is sure."""
    assert detect_language("ich möchte bitte mit einem Menschen sprechen", SUPPORTED) is None
    assert detect_language("nie zabrali moich śmieci w tym tygodniu", ("en",)) is None


def test_detection_is_deterministic() -> None:
    """The same text always gives the same answer (langdetect's seed is fixed)."""
    text = "quando passa o camião do lixo na minha rua"
    assert {detect_language(text, SUPPORTED) for _ in range(20)} == {"pt"}


def test_empty_and_symbol_text_give_none() -> None:
    """Nothing to detect: None, never an exception."""
    for text in ("", "     ", "12345 67890 11111", "!!! ??? ..."):
        assert detect_language(text, SUPPORTED) is None


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Polski", "pl"),
        ("po polsku", "pl"),
        ("po polsku proszę", "pl"),
        ("polish", "pl"),
        ("lietuviškai", "lt"),
        ("lietuvių", "lt"),
        ("Lithuanian please", "lt"),
        ("română", "ro"),
        ("romana", "ro"),
        ("in romana va rog", "ro"),
        ("português", "pt"),
        ("portugues", "pt"),
        ("em português por favor", "pt"),
        ("English", "en"),
        ("in English please", "en"),
        ("I speak Polish", "pl"),
    ],
)
def test_explicit_language_choices(text: str, lang: str) -> None:
    """Naming a language, in English or in the language itself, is a choice of language."""
    assert explicit_language_choice(text) == lang


def test_sentences_that_mention_a_language_are_not_a_choice() -> None:
    """A request that merely mentions a nationality is not a language choice."""
    for text in (
        "my polish neighbour's bin was not collected again this week",
        "my bin was missed",
        "yes",
        "",
    ):
        assert explicit_language_choice(text) is None
