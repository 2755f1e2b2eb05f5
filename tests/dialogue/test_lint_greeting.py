"""The linter's greeting rule: a caller hears the first option within 30 words, in every
language, measured as the phone says it; the greeting issue 19 found (52 words) fails it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from assist.dialogue.flows import load_flows
from assist.dialogue.greeting import MAX_WORDS_BEFORE_FIRST_OPTION, GreetingShape
from assist.dialogue.lint import SAMPLES, lint_dialogues
from assist.dialogue.lint_greeting import check_greeting, greeting_words
from assist.dialogue.prompts import Prompts

REPO = Path(__file__).resolve().parents[2]
LANGUAGES = ("en", "pl", "lt", "ro", "pt")

OLD_SHAPE = GreetingShape(("greeting.hello", "greeting.cost", "greeting.languages"), ())
"""The greeting before issue 19: the language offer came before the menu."""
OLD_COST = {
    "en": "{call_cost} We can call you back for free: just ask.",
    "pl": "{call_cost} Możemy też oddzwonić za darmo: wystarczy poprosić.",
    "lt": "{call_cost} Galime jums paskambinti nemokamai: tik paprašykite.",
    "ro": "{call_cost} Vă putem suna noi, gratuit: trebuie doar să ne cereți.",
    "pt": "{call_cost} Podemos ligar-lhe de volta sem custos: basta pedir.",
}
"""greeting.cost before issue 19: the free callback offer stood before the menu too."""
OLD_WORDS = {"en": 52, "pl": 41, "lt": 38, "ro": 46, "pt": 50}
NEW_WORDS = {"en": 26, "pl": 24, "lt": 22, "ro": 25, "pt": 26}


@pytest.fixture
def dialogues(tmp_path: Path) -> Path:
    """A copy of the shipped dialogues to change."""
    target = tmp_path / "dialogues"
    shutil.copytree(REPO / "dialogues" / "flows", target / "flows")
    shutil.copytree(REPO / "dialogues" / "prompts", target / "prompts")
    return target


def _set(path: Path, key: str, text: str) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data[key] = text
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def old_prompts() -> Prompts:
    """The shipped prompts with greeting.cost as it was before issue 19."""
    prompts = Prompts.load(REPO / "dialogues" / "prompts")
    for lang, text in OLD_COST.items():
        prompts.by_language[lang]["greeting.cost"] = text
    return prompts


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_shipped_greeting_reaches_the_first_option_within_30_words(lang: str) -> None:
    """Hello, the 12-word sample call cost, the menu question and the first label: at most 30."""
    flows = load_flows(REPO / "dialogues" / "flows")
    prompts = Prompts.load(REPO / "dialogues" / "prompts")
    n = greeting_words(flows, prompts, lang, SAMPLES)
    assert n == NEW_WORDS[lang]
    assert n is not None and n <= MAX_WORDS_BEFORE_FIRST_OPTION


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_old_greeting_is_counted_as_issue_19_counted_it(lang: str) -> None:
    """The old shape and texts measure 52 words in English, as the issue says, and more than
    30 in every language."""
    flows = load_flows(REPO / "dialogues" / "flows")
    n = greeting_words(flows, old_prompts(), lang, SAMPLES, OLD_SHAPE)
    assert n == OLD_WORDS[lang]
    assert n > MAX_WORDS_BEFORE_FIRST_OPTION


def test_the_rule_fails_the_old_greeting_in_every_language() -> None:
    """One problem per language, on its prompts file, naming the count and the limit."""
    flows = load_flows(REPO / "dialogues" / "flows")
    problems = check_greeting(
        flows, old_prompts(), {}, REPO / "dialogues" / "prompts", SAMPLES, OLD_SHAPE
    )
    assert sorted(Path(p.file).stem for p in problems) == sorted(LANGUAGES)
    english = next(p for p in problems if p.file.endswith("en.yaml"))
    assert "52 words before the first option (at most 30)" in english.message


def test_moving_the_language_offer_alone_is_not_enough() -> None:
    """With the free-callback sentence still before the menu, English needs 35 words: the
    callback is offered while waiting instead."""
    flows = load_flows(REPO / "dialogues" / "flows")
    problems = check_greeting(flows, old_prompts(), {}, REPO, SAMPLES)
    english = [p for p in problems if p.file.endswith("en.yaml")]
    assert len(english) == 1 and "35 words" in english[0].message


def test_lint_flags_a_greeting_that_grows_past_30_words(dialogues: Path) -> None:
    """Each prompt within 25 words, but together over 30 before the first option: flagged
    by `assist lint`, on the language's greeting line."""
    _set(
        dialogues / "prompts" / "pl.yaml",
        "greeting.hello",
        "Dzień dobry, tu {council}, gdzie pomożemy w sprawie śmieci, dróg, opieki i podatku.",
    )
    problems = [p for p in lint_dialogues(dialogues) if p.step == "greeting"]
    assert len(problems) == 1
    assert problems[0].file.endswith("pl.yaml") and problems[0].line > 1
    assert "words before the first option" in problems[0].message


def test_lint_counts_the_menu_question_and_the_first_label(dialogues: Path) -> None:
    """A longer top question or first option label counts too (they come before the key)."""
    _set(
        dialogues / "prompts" / "en.yaml",
        "main.opt.bins",
        "Bins, recycling, garden waste and bulky items",
    )
    assert lint_dialogues(dialogues) == []  # 26 - 3 + 7 = 30: at the limit
    _set(
        dialogues / "prompts" / "en.yaml",
        "main.menu",
        "What would you like to do today?",
    )
    problems = [p for p in lint_dialogues(dialogues) if p.step == "greeting"]
    assert [Path(p.file).stem for p in problems] == ["en"]
    assert "31 words" in problems[0].message
