"""The held-out set stays held out: well formed, large and varied enough, and never trained on."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from assist.nlu.augment import heldout_lines
from assist.nlu.fallback import load_rasa_examples
from assist.nlu.heldout import HELDOUT_SETS, jaccard, load_heldout, near_copies, trigrams
from tests.nlu.conftest import RASA_DIR

INTENTS = {
    "bin_day", "missed_bin", "report_pothole", "report_flytipping", "report_streetlight",
    "request_status", "council_tax", "blue_badge", "school_transport", "adult_social_care",
    "safeguarding", "library", "opening_hours", "reminders", "human", "repeat", "back",
    "start_over", "goodbye", "affirm", "deny", "out_of_scope",
}  # fmt: skip


SETS = pytest.mark.parametrize(
    "where", [d for _, d in HELDOUT_SETS], ids=[f"set{i}" for i in range(1, len(HELDOUT_SETS) + 1)]
)


@SETS
def test_heldout_set_is_large_varied_and_uses_the_fixed_intent_names(where: Path) -> None:
    lines = load_heldout(where)
    assert len(lines) >= 300
    assert {line.intent for line in lines} <= INTENTS
    by_language = Counter(line.language for line in lines)
    assert set(by_language) == {"en", "pl", "lt", "ro", "pt"}
    assert sum(n for lang, n in by_language.items() if lang != "en") >= 0.3 * len(lines)
    safeguarding = [line for line in lines if line.intent == "safeguarding"]
    assert len(safeguarding) >= 30
    assert {line.language for line in safeguarding} == set(by_language)
    texts = [line.text for line in lines]
    assert len(set(texts)) == len(texts), "a held-out line is there twice"


@SETS
def test_no_heldout_line_or_near_copy_is_in_the_training_data(where: Path) -> None:
    training = [text for text, _ in load_rasa_examples(RASA_DIR / "data")]
    found = near_copies([line.text for line in load_heldout(where)], training)
    assert found == [], "held-out lines found in dialogues/rasa (remove them from training):\n" + (
        "\n".join(f"  {h!r} ~ {t!r} ({s:.2f})" for h, t, s in found)
    )


def test_near_copies_catches_folded_and_slightly_changed_lines() -> None:
    training = ["Kiedy zabierają śmieci z mojej ulicy?", "where is the library"]
    assert near_copies(["kiedy zabieraja smieci z mojej ulicy"], training)
    assert near_copies(["the lamp post outside my house has been out for a week"],
                       ["the lamp post outside my house has been out for weeks"])  # fmt: skip
    assert not near_copies(["when are the bins collected"], training)
    assert jaccard(trigrams("abc"), trigrams("abc")) == 1.0


def test_the_sets_share_no_line_and_training_copies_avoid_every_set() -> None:
    sets = [[line.text for line in load_heldout(d)] for _, d in HELDOUT_SETS]
    for i, later in enumerate(sets[1:], start=2):
        earlier = [text for lines in sets[: i - 1] for text in lines]
        assert near_copies(later, earlier) == [], f"set {i} repeats an earlier set: not unseen"
    assert set(heldout_lines()) == {text for lines in sets for text in lines}


def test_a_line_that_yaml_would_read_as_a_boolean_stays_words(tmp_path: Path) -> None:
    (tmp_path / "heldout_en.yml").write_text(
        "language: en\nintents:\n  deny:\n    - no\n  affirm:\n    - yes\n", encoding="utf-8"
    )
    assert [(h.text, h.intent) for h in load_heldout(tmp_path)] == [
        ("no", "deny"),
        ("yes", "affirm"),
    ]
