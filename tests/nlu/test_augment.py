"""Training-time noise: variants are deterministic, noisy in the intended ways, cached
correctly for Rasa, and never bring a held-out line into training."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from assist.nlu import augment as augment_module
from assist.nlu import sidecar
from assist.nlu.augment import (
    AUGMENTED_FILE,
    augment,
    heldout_lines,
    plain,
    strip_diacritics,
    variants,
)
from assist.nlu.fallback import TfidfClassifier, load_rasa_examples, new_readings
from assist.nlu.heldout import near_copies_all
from tests.nlu.conftest import RASA_DIR


def test_variants_are_deterministic_and_never_the_sentence_itself() -> None:
    text = "When are you collecting my bin, please?"
    first = variants(text)
    assert first == variants(text)
    assert text not in first
    assert len(first) == len(set(first)) >= 2
    assert all(v == v.lower() and "?" not in v and "," not in v for v in first)


def test_variants_drop_diacritics_use_sms_spellings_and_add_fillers() -> None:
    assert strip_diacritics("Kiedy zabierają śmieci? Łódź, România") == (
        "Kiedy zabieraja smieci? Lodz, Romania"
    )
    assert plain("Hello, World!  Bye.") == "hello world bye"
    many = [v for i in range(40) for v in variants(f"when are you coming for my bin {i}")]
    assert any(" u " in f" {v} " or " r " in f" {v} " or "wen" in v for v in many)
    assert any(set(v.split()) & {"erm", "um", "uh", "hmm", "eee", "yyy", "mmm", "ee"} for v in many)
    assert "nie zabrali smieci" in variants("Nie zabrali śmieci!")


def test_augment_leaves_out_training_sentences_and_repeats() -> None:
    examples = [("when is bin day", "bin_day"), ("When is bin day?", "bin_day")]
    out = augment(examples)
    texts = [t for t, _ in out]
    assert "when is bin day" not in texts
    assert len(texts) == len(set(texts))
    assert {i for _, i in out} == {"bin_day"}


def test_rasa_cache_key_names_the_generator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "rasa"
    shutil.copytree(RASA_DIR, project)
    before = sidecar.data_hash(project)
    monkeypatch.setattr(sidecar, "AUGMENT_VERSION", "test-next")
    assert sidecar.data_hash(project) != before


def test_training_copy_holds_the_data_and_its_variants(tmp_path: Path) -> None:
    dest = sidecar.build_training_project(RASA_DIR, tmp_path / "copy")
    assert (dest / "config.yml").read_text() == (RASA_DIR / "config.yml").read_text()
    for file in (RASA_DIR / "data").glob("*.yml"):
        assert (dest / "data" / file.name).read_bytes() == file.read_bytes()
    doc = yaml.safe_load((dest / "data" / AUGMENTED_FILE).read_text(encoding="utf-8"))
    generated = sum(len(item["examples"].splitlines()) for item in doc["nlu"])
    original = load_rasa_examples(RASA_DIR / "data")
    assert generated == len(augment(original, avoid=heldout_lines())) > len(original)
    assert not (RASA_DIR / "data" / AUGMENTED_FILE).exists()


def test_the_fallback_learns_the_variants_only_when_asked() -> None:
    examples = [("zgłaszam dziurę w drodze", "report_pothole"), ("kiedy jest bin day", "bin_day")]
    plain_fit = TfidfClassifier(examples)
    noisy_fit = TfidfClassifier(examples, augment=True)
    assert len(noisy_fit._labels) > len(plain_fit._labels) == 2


def test_no_variant_either_classifier_learns_is_a_heldout_line_or_a_near_copy() -> None:
    examples = load_rasa_examples(RASA_DIR / "data")
    held = heldout_lines()
    assert len(held) >= 300
    for generated in (augment(examples, avoid=held), new_readings(examples)):
        found = near_copies_all(held, [t for t, _ in generated])
        assert found == [], "\n".join(f"  {h!r} ~ {t!r} ({s:.2f})" for h, t, s in found)


def test_augment_drops_variants_too_like_a_line_to_avoid() -> None:
    examples = [("Kiedy zabierają śmieci?", "bin_day")]
    assert augment(examples)
    assert all(
        not near_copies_all(["kiedy zabieraja smieci"], [t])
        for t, _ in augment(examples, ["kiedy zabieraja smieci"])
    )


def test_version_is_a_string_for_the_cache_key() -> None:
    assert isinstance(augment_module.AUGMENT_VERSION, str) and augment_module.AUGMENT_VERSION


def test_long_sentences_also_come_wrapped_in_a_greeting_in_their_own_language() -> None:
    """A rambling variant opens with a greeting (and may close with thanks) in the sentence's
    language, so that length alone teaches Rasa nothing about the intent; short ones get none."""
    english = variants("my green bin was not emptied this morning")
    greetings = {"hello", "hi", "good", "right", "hiya"}
    assert any(v.split()[0] in greetings and "green bin was not emptied" in v for v in english)
    polish = variants("nie zabrali zielonego kosza w tym tygodniu")
    assert any(v.split()[0] in {"dzien", "halo", "witam"} for v in polish)
    assert not any(len(v.split()) > 4 for v in variants("yes please"))
