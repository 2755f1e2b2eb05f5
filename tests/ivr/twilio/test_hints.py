"""Speech hints in the caller's language: option labels plus the universal words, kept short."""

from __future__ import annotations

import pytest

from assist.dialogue.commands import PHRASES, Command
from assist.dialogue.vocabulary import fold
from assist.ivr.twilio.twiml import HINTS_MAX_CHARS, UNIVERSAL_HINTS, VOICES, hints_for
from tests.ivr.twilio.conftest import PhoneFactory


@pytest.mark.parametrize("language", sorted(VOICES))
def test_every_language_has_hints_the_engine_understands(language: str) -> None:
    """Each hint folds to a universal phrase; the first is PERSON; repeat and back are there."""
    words = UNIVERSAL_HINTS[language]
    commands = {
        word: next((c for c, ps in PHRASES.items() if fold(word) in ps), None) for word in words
    }
    assert None not in commands.values(), commands
    assert commands[words[0]] is Command.PERSON
    assert {Command.PERSON, Command.REPEAT, Command.BACK} <= set(commands.values())


def test_hints_keep_the_accents_people_write() -> None:
    """Polish hints say "człowiek" and "powtórz", not the folded forms."""
    hints = hints_for(["Śmieci i segregacja"], "pl")
    assert "człowiek" in hints and "powtórz" in hints and "Śmieci i segregacja" in hints
    assert "czlowiek" not in hints and "person" not in hints


def test_hints_stay_short_and_keep_the_person_words() -> None:
    """Long labels never push the list past the cap, and the person words come first."""
    labels = [f"option number {i} " + "x" * 60 for i in range(10)]
    hints = hints_for(labels, "en", ["Talk to a person"])
    assert len(hints) <= HINTS_MAX_CHARS
    assert hints.startswith("person, agent, Talk to a person, option number 0")


def test_an_unknown_language_falls_back_to_english_words() -> None:
    """A language with no hint table gets the English universal words."""
    assert hints_for([], "xx").startswith("person, agent, repeat, back")


async def test_a_polish_caller_s_menu_hints_are_in_polish(phone: PhoneFactory) -> None:
    """After choosing Polish, the Gather hints carry the Polish labels and universal words."""
    p = phone("+447700900501")
    await p.dial()
    await p.press("6")
    chosen = await p.press("1")
    assert chosen.gather is not None
    hints = chosen.gather.hints
    assert "Rozmowa z konsultantem" in hints  # the prompts' common.opt.person
    assert "człowiek" in hints and "wstecz" in hints and "Śmieci i segregacja" in hints
    assert "repeat" not in hints
    assert len(hints) <= HINTS_MAX_CHARS


async def test_an_english_caller_s_menu_hints_name_the_options(phone: PhoneFactory) -> None:
    """The English top menu hints its labels and the universal words."""
    p = phone("+447700900502")
    heard = await p.dial()
    assert heard.gather is not None
    hints = heard.gather.hints.split(", ")
    assert {"person", "repeat", "back", "Talk to a person"} <= set(hints)
