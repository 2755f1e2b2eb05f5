"""Every translated prompt file matches en.yaml key for key and placeholder for placeholder."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any

import pytest
import yaml

PROMPTS = Path(__file__).resolve().parents[3] / "dialogues" / "prompts"
LANGUAGES = ("pl", "lt", "ro", "pt")
OWN_NAMES = {"pl": "Polski", "lt": "Lietuvių", "ro": "Română", "pt": "Português"}
NOT_SPOKEN = (
    "render.reply",
    "render.reply_intro",
    "render.person_reply",
    "info.link",
    "language.name",
    "language.opt",
    "render.yes_no_text",
    "date.format",
)
STAFF_ONLY = "console."
"""The staff console is English-only: its texts are in en.yaml alone."""
MAX_WORDS = 25
MAX_LABEL_WORDS = 7
MAX_SHORT_WORDS = 3


def _load(lang: str) -> dict[str, Any]:
    loaded = yaml.safe_load((PROMPTS / f"{lang}.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _words(text: str) -> int:
    return len(re.findall(r"[\w'’£]+", text))


def _filled(template: str) -> str:
    return template.format(**{name: "X" for name in _placeholders(template)})


@pytest.fixture(scope="module")
def english() -> dict[str, Any]:
    """The English prompts, the reference every translation follows."""
    return _load("en")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_same_keys_as_english(lang: str, english: dict[str, Any]) -> None:
    """A translation has exactly the keys of en.yaml but the staff console's (`console.*`,
    English-only), none missing and none extra."""
    table = _load(lang)
    assert sorted(k for k in set(english) - set(table) if not k.startswith(STAFF_ONLY)) == []
    assert [k for k in table if k.startswith(STAFF_ONLY)] == []
    assert sorted(set(table) - set(english)) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_values_are_nonempty_strings(lang: str) -> None:
    """Every translated value is a non-empty string, not a YAML number, bool or null."""
    bad = {k: v for k, v in _load(lang).items() if not isinstance(v, str) or not v.strip()}
    assert bad == {}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_same_placeholders_as_english(lang: str, english: dict[str, Any]) -> None:
    """Each translated prompt uses exactly the {placeholders} of the English one."""
    table = _load(lang)
    differ = {
        k: (sorted(_placeholders(str(table[k]))), sorted(_placeholders(str(v))))
        for k, v in english.items()
        if k in table and _placeholders(str(table[k])) != _placeholders(str(v))
    }
    assert differ == {}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lengths(lang: str) -> None:
    """Spoken prompts stay within 25 words, option labels within 7 and SMS short labels within 3."""
    too_long = {}
    for key, value in _load(lang).items():
        n = _words(_filled(str(value)))
        if key.endswith(".short"):
            limit = MAX_SHORT_WORDS
        elif ".opt." in key:
            limit = MAX_LABEL_WORDS
        elif key in NOT_SPOKEN:
            continue
        else:
            limit = MAX_WORDS
        if n > limit:
            too_long[key] = n
    assert too_long == {}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_safeguarding_keeps_999(lang: str) -> None:
    """The safeguarding message tells the caller to ring 999."""
    assert "999" in _load(lang)["care.safeguarding"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_language_choices(lang: str) -> None:
    """The language is named in itself and the greeting offers 6 for a language, 0 for a person."""
    table = _load(lang)
    assert table["language.name"] == OWN_NAMES[lang]
    assert "6" in table["greeting.languages"] and "0" in table["greeting.languages"]
    assert _words(table["common.yes"]) == 1 and _words(table["common.no"]) == 1


@pytest.mark.parametrize("lang", LANGUAGES)
def test_marked_for_review(lang: str) -> None:
    """The file header says it is a first translation awaiting a native speaker's review."""
    head = (PROMPTS / f"{lang}.yaml").read_text(encoding="utf-8").split("\n", 5)[:5]
    assert any("NOT YET REVIEWED" in line and line.startswith("#") for line in head)


def test_romanian_uses_comma_below() -> None:
    """Romanian text uses ș and ț (comma below), never the cedilla look-alikes ş and ţ."""
    text = (PROMPTS / "ro.yaml").read_text(encoding="utf-8")
    assert not set("şţŞŢ") & set(text)
    assert "ș" in text and "ț" in text
