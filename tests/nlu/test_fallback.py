"""The in-process fallback classifier, on sentences it was never trained on, in five languages."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pytest

from assist.dialogue.nlu import Classification, IntentClassifier
from assist.dialogue.vocabulary import fold
from assist.nlu.fallback import (
    _BLOCKS,
    TfidfClassifier,
    _raw_features,
    load_rasa_examples,
    tokens_text,
)
from tests.nlu.conftest import RASA_DIR
from tests.nlu.sentences import OFF_TOPIC, SAFEGUARDING, UNSEEN

THRESHOLD = 0.45  # Settings.nlu_threshold's default
SERVICE_INTENTS = {
    "bin_day", "missed_bin", "report_pothole", "report_flytipping", "report_streetlight",
    "request_status", "council_tax", "blue_badge", "school_transport", "adult_social_care",
    "safeguarding", "library", "opening_hours", "reminders",
}  # fmt: skip
ALL_INTENTS = SERVICE_INTENTS | {
    "human", "repeat", "back", "start_over", "goodbye", "affirm", "deny", "out_of_scope",
}  # fmt: skip
CORE = {"human", "bin_day", "missed_bin", "report_pothole", "report_flytipping",
        "report_streetlight", "safeguarding", "affirm", "deny"}  # fmt: skip


def test_training_data_covers_every_intent_in_every_language() -> None:
    """Every SERVICES.md intent has English examples (25+ for services), and the core intents
    have at least 8 examples in each of pl, lt, ro and pt."""
    per_file: dict[str, dict[str, int]] = {}
    for lang in ("en", "pl", "lt", "ro", "pt"):
        examples = load_rasa_examples(RASA_DIR / "data" / f"nlu_{lang}.yml")
        counts: dict[str, int] = {}
        for _, intent in examples:
            counts[intent] = counts.get(intent, 0) + 1
        per_file[lang] = counts
    assert set(per_file["en"]) == ALL_INTENTS
    for intent in SERVICE_INTENTS:
        assert per_file["en"][intent] >= 25, intent
    for lang in ("pl", "lt", "ro", "pt"):
        assert set(per_file[lang]) == ALL_INTENTS, lang
        for intent in CORE:
            assert per_file[lang][intent] >= 8, (lang, intent)


def test_test_sentences_are_not_in_the_training_data() -> None:
    """No test sentence appears (after folding case, accents and punctuation) in the data."""
    trained = {fold(text) for text, _ in load_rasa_examples(RASA_DIR)}
    tests = [s for items in SAFEGUARDING.values() for s in items]
    tests += [s for items in UNSEEN.values() for s, _ in items] + OFF_TOPIC
    copied = [s for s in tests if fold(s) in trained]
    assert copied == []


def test_trains_from_the_rasa_directory_with_every_intent() -> None:
    """Training from dialogues/rasa at start-up knows the fixed intents (its speed is for
    benchmarks, not for a timed unit test on a shared machine)."""
    classifier = TfidfClassifier.from_rasa_dir(RASA_DIR)
    assert {"safeguarding", "human", "out_of_scope", "bin_day", "affirm"} <= set(classifier.intents)


def test_is_an_intent_classifier(fallback: TfidfClassifier) -> None:
    """The fallback satisfies the IntentClassifier protocol."""
    classifier: IntentClassifier = fallback
    assert classifier is fallback


@pytest.mark.parametrize("lang", sorted(SAFEGUARDING))
async def test_safeguarding_sentences_reach_safeguarding(
    fallback: TfidfClassifier, lang: str
) -> None:
    """Children left alone and a parent hurt by a carer are safeguarding, confidently."""
    for sentence in SAFEGUARDING[lang]:
        result = await fallback.classify(sentence)
        assert (result.intent, result.confidence >= THRESHOLD) == ("safeguarding", True), (
            sentence,
            result,
        )


@pytest.mark.parametrize("lang", sorted(UNSEEN))
async def test_unseen_sentences_are_understood(fallback: TfidfClassifier, lang: str) -> None:
    """At least 85% of unseen sentences in each language get the right intent above the
    threshold, and none goes confidently to a wrong *service*."""
    results = [(s, want, await fallback.classify(s)) for s, want in UNSEEN[lang]]
    right = [s for s, want, r in results if r.intent == want and r.confidence >= THRESHOLD]
    wrong_service = [
        (s, r.intent)
        for s, want, r in results
        if r.intent != want and r.confidence >= THRESHOLD and r.intent in SERVICE_INTENTS
    ]
    assert len(right) / len(results) >= 0.85, [(s, r) for s, _, r in results if s not in right]
    assert wrong_service == []


async def test_off_topic_sentences_are_not_sent_to_a_service(fallback: TfidfClassifier) -> None:
    """Off-topic sentences come back out_of_scope or below the threshold."""
    results = [(s, await fallback.classify(s)) for s in OFF_TOPIC]
    confident_service = [
        (s, r.intent, r.confidence)
        for s, r in results
        if r.intent != "out_of_scope" and r.confidence >= THRESHOLD
    ]
    assert confident_service == []


async def test_gibberish_and_empty_text_never_raise(fallback: TfidfClassifier) -> None:
    """Empty, punctuation-only and nonsense input returns a low-confidence answer."""
    for text in ("", "   ", "?!", "zzzzqqq xxyy", "🙂"):
        result = await fallback.classify(text)
        assert isinstance(result, Classification)
        assert result.confidence < THRESHOLD
        assert result.classifier == "fallback"


async def test_answer_carries_entities_language_and_ranking(fallback: TfidfClassifier) -> None:
    """A classification includes entities, the detected language and a best-first ranking."""
    result = await fallback.classify("my black bin was not collected at CB1 2AD yesterday")
    assert result.intent == "missed_bin"
    assert result.entities == {"postcode": "CB1 2AD", "bin_colour": "black"}
    assert result.language == "en"
    confidences = [c for _, c in result.ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert result.ranking[0] == (result.intent, result.confidence)


def test_typos_and_missing_accents_are_absorbed(fallback: TfidfClassifier) -> None:
    """Misspelt English and Polish typed without accents are still understood."""
    assert fallback.predict("there is a potholle in the raod").intent == "report_pothole"
    assert fallback.predict("nie zabrali smieci z mojego domu").intent == "missed_bin"


def test_load_rasa_examples_strips_entity_annotations(tmp_path: Path) -> None:
    """`[text](entity)` annotations keep their text; non-intent items are ignored."""
    (tmp_path / "nlu.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: bin_day\n  examples: |\n'
        "    - bin day for [CB1 2AD](postcode)\n- regex: postcode\n  examples: |\n    - x\n"
    )
    assert load_rasa_examples(tmp_path) == [("bin day for CB1 2AD", "bin_day")]


def test_load_rasa_examples_reports_missing_and_malformed_files(tmp_path: Path) -> None:
    """A directory without NLU files, or with broken YAML, is a clear error."""
    with pytest.raises(FileNotFoundError):
        load_rasa_examples(tmp_path)
    (tmp_path / "nlu.yml").write_text("nlu: [unclosed")
    with pytest.raises(ValueError, match=r"nlu\.yml"):
        load_rasa_examples(tmp_path)


def _reference_scores(model: TfidfClassifier, text: str) -> dict[str, float]:
    """The fallback's scores computed the slow, obvious way: dictionaries of TF-IDF weights,
    a cosine with every example and every intent's mean vector, the `k` best per intent."""

    def unit(counts: Counter[str], idf: dict[str, float]) -> dict[str, float]:
        vec = {f: (1 + math.log(c)) * idf[f] for f, c in counts.items() if f in idf}
        norm = math.sqrt(sum(v * v for v in vec.values()))
        return {f: v / norm for f, v in vec.items()} if norm else {}

    texts = [tokens_text(t) for t, _ in model_examples]
    sims = [0.0] * len(texts)
    central = dict.fromkeys(model.intents, 0.0)
    for block in _BLOCKS:
        feats = [_raw_features(t)[block.name] for t in texts]
        df: Counter[str] = Counter()
        for f in feats:
            df.update(f.keys())
        idf = {f: math.log((1 + len(texts)) / (1 + c)) + 1.0 for f, c in df.items()}
        vectors = [unit(f, idf) for f in feats]
        query = unit(_raw_features(text)[block.name], idf)
        for index, vec in enumerate(vectors):
            sims[index] += block.weight * sum(q * vec.get(f, 0.0) for f, q in query.items())
        for intent in model.intents:
            mean: Counter[str] = Counter()
            for vec, (_, label) in zip(vectors, model_examples, strict=True):
                if label == intent:
                    mean.update(vec)
            norm = math.sqrt(sum(v * v for v in mean.values()))
            central[intent] += block.weight * sum(q * mean[f] / norm for f, q in query.items())
    out = {}
    for intent in model.intents:
        top = sorted((s for s, (_, i) in zip(sims, model_examples, strict=True) if i == intent),
                     reverse=True)[: model.k]  # fmt: skip
        top += [0.0] * (model.k - len(top))
        nearest = (2 * top[0] + sum(top[1:])) / (model.k + 1)
        out[intent] = (1 - model.centroid_weight) * nearest + model.centroid_weight * central[
            intent
        ]
    return out


model_examples = [
    ("when is my bin collected", "bin_day"),
    ("which bin goes out this week", "bin_day"),
    ("my bin was not emptied", "missed_bin"),
    ("they missed my green bin again", "missed_bin"),
    ("the crew skipped our street", "missed_bin"),
    ("there is a pothole on mill road", "report_pothole"),
    ("nie zabrali śmieci", "missed_bin"),
    ("kiedy wywóz śmieci", "bin_day"),
]


@pytest.mark.parametrize(
    "text",
    ["erm when do they collect the bins", "my green bin wasnt emptied on mill road", "zzz",
     "kiedy zabiorą śmieci", "pothole pothole pothole", "bin"],
)  # fmt: skip
def test_scores_are_the_cosines_computed_the_obvious_way(text: str) -> None:
    """The sparse-array scoring gives the same numbers as dictionaries and loops would."""
    model = TfidfClassifier(model_examples, k=2)  # fewer than some intents' examples
    expected = _reference_scores(model, text)
    got = model.scores(text)
    assert got.keys() == expected.keys()
    for intent, value in expected.items():
        assert got[intent] == pytest.approx(value, abs=1e-9), intent
