"""The one fold and the one table of universal words, and the lists derived from them."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assist.dialogue import vocabulary
from assist.dialogue.commands import PHRASES, Command, match_command
from assist.dialogue.language import explicit_language_choice
from assist.dialogue.understanding import chosen_language
from assist.dialogue.vocabulary import UNIVERSAL_WORDS, fold, word_pattern
from assist.ivr.speech.grammar import UNIVERSAL_WORDS as GRAMMAR_WORDS
from assist.ivr.speech.grammar import build_grammar, universal_words
from assist.ivr.twilio.twiml import UNIVERSAL_HINTS, hints_for
from tests.strategies import APOSTROPHES, FOLDABLE

LANGUAGES = ("en", "pl", "lt", "ro", "pt")


@given(FOLDABLE)
def test_fold_is_idempotent(text: str) -> None:
    """Folding folded text changes nothing."""
    assert fold(fold(text)) == fold(text)


@given(APOSTROPHES, APOSTROPHES)
def test_apostrophes_fold_alike(first: str, second: str) -> None:
    """ "don't", "don’t" and "dont" fold alike, and so does "that's right"."""
    assert fold(f"Don{first}t") == fold(f"don{second}t") == "dont"
    assert fold(f"That{first}s right!") in vocabulary.YES


def test_fold_strips_accents_case_and_punctuation() -> None:
    """Diacritics, strokes, case and punctuation do not count; underscores do."""
    assert fold("  Człowiek!! ") == "czlowiek"
    assert fold("ÎN ROMÂNĂ, vă rog") == "in romana va rog"
    assert fold("Søren-Straße") == "soren strasse"
    assert fold("missed_bin") == "missed_bin"


def test_every_language_has_every_navigation_command() -> None:
    """en, pl, lt, ro and pt each have person, repeat, back, slower and start-again words."""
    for language in LANGUAGES:
        assert {"person", "repeat", "back", "slower", "start_over"} <= set(
            UNIVERSAL_WORDS[language]
        ), language
    assert {name for words in UNIVERSAL_WORDS.values() for name in words} <= {
        c.value for c in Command
    }


def test_the_command_matcher_is_built_from_the_table() -> None:
    """Every universal phrase of every language, folded, is its command and no other."""
    for language, commands in UNIVERSAL_WORDS.items():
        for name, phrases in commands.items():
            for phrase in phrases:
                assert match_command(None, phrase) is Command(name), (language, phrase)
                assert match_command(None, phrase.upper() + "!") is Command(name), phrase
    table = {fold(p) for c in UNIVERSAL_WORDS.values() for ps in c.values() for p in ps}
    assert {p for ps in PHRASES.values() for p in ps} == table


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_universal_word_reaches_the_hints_and_the_grammar(language: str) -> None:
    """The Twilio hints and the Vosk grammar of a language hold each of its universal words,
    written as people write them (with diacritics), person words first."""
    words = [p for ps in UNIVERSAL_WORDS[language].values() for p in ps]
    assert set(UNIVERSAL_HINTS[language]) == set(words)
    assert set(GRAMMAR_WORDS[language]) == set(words)
    assert set(build_grammar([], universal_words(language))) == set(words) | {"[unk]"}
    person = UNIVERSAL_WORDS[language]["person"]
    assert UNIVERSAL_HINTS[language][:2] == person[:2]
    assert hints_for([], language).startswith(f"{person[0]}, {person[1]}, ")


def test_the_old_tables_words_are_all_kept() -> None:
    """The union keeps every word the three former tables had (e.g. both "pakartok" and
    "pakartokite")."""
    assert {"pakartok", "pakartokite"} <= set(UNIVERSAL_WORDS["lt"]["repeat"])
    assert {"operatorul", "persoană", "operator"} <= set(UNIVERSAL_WORDS["ro"]["person"])
    assert {"talk to a person", "text me the menu", "menu"} <= set(UNIVERSAL_HINTS["en"])


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Polski", "pl"),
        ("po polsku", "pl"),
        ("polaco", "pl"),
        ("LIETUVIŠKAI", "lt"),
        ("în română", "ro"),
        ("română", "ro"),
        ("em português", "pt"),
        ("in English", "en"),
        ("angielski", "en"),
    ],
)
def test_one_language_choice_table_for_the_engine_and_the_detector(text: str, lang: str) -> None:
    """The engine's whole-utterance choice and `explicit_language_choice` read one table."""
    assert chosen_language(text) == lang
    assert explicit_language_choice(text) == lang


def test_language_lead_ins_are_only_for_the_detector() -> None:
    """ "I speak Polish" is a choice to the detector; the engine wants the name alone."""
    assert explicit_language_choice("I speak Polish") == "pl"
    assert chosen_language("I speak Polish") is None


# Pieces of word-list patterns in the shapes `assist.dialogue.harm` uses: plain words, groups
# of words, optional groups, `\w` runs, classes and a look-ahead.
_PIECES = st.sampled_from(
    ["ab", "b", "ba", "x", "(a|b)", "(ab|x )", "(a )?", "(b |x)?", r"\w+ ", r"\w*", "[ab]",
     "(?!bx)", "(a(b|x)|xa)", "a|b", " ", "b?", "(ab)*"]
)  # fmt: skip
_ALTERNATIVE = st.lists(_PIECES, min_size=1, max_size=4).map("".join)


@given(
    alternatives=st.lists(_ALTERNATIVE, min_size=1, max_size=8),
    text=st.text(alphabet="abx _é", max_size=20),
)
@settings(max_examples=400, deadline=None)
def test_word_pattern_matches_what_a_plain_alternation_matches(
    alternatives: list[str], text: str
) -> None:
    """Sorting alternatives under their first letters changes speed, never whether a text
    matches."""
    plain = re.compile(r"\b(" + "|".join(alternatives) + r")\b")
    assert bool(word_pattern(alternatives).search(text)) == bool(plain.search(text))


def test_word_pattern_sorts_alternatives_under_their_first_letters() -> None:
    """Alternatives whose first letter is plain to see sit behind a one-letter look-ahead;
    the others are tried everywhere."""
    pattern = word_pattern(["abc", "(x|y)z", "(old )?age", r"\w+ of us"]).pattern
    assert "(?=a)(?:abc|(old )?age)" in pattern
    assert "(?=x)(?:(x|y)z)" in pattern and "(?=y)(?:(x|y)z)" in pattern
    assert "(?=o)(?:(old )?age)" in pattern
    assert pattern.endswith(r"|\w+ of us)\b")
