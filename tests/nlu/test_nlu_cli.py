"""`assist nlu parse` and `assist nlu evaluate` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assist.dialogue.nlu import Classification
from assist.nlu.cli import Prediction, Report, app, stratified_folds
from tests.nlu.fakes import free_port

runner = CliRunner()


def test_parse_prints_one_json_object_per_text() -> None:
    """Each argument gives one JSON line with intent, confidence, language, entities and the
    classifier that answered (the fallback when there is no Rasa)."""
    result = runner.invoke(
        app, ["parse", "--rasa-url", "", "my black bin was missed CB1 2AD", "tak"]
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["text"] for line in lines] == ["my black bin was missed CB1 2AD", "tak"]
    first = lines[0]
    assert first["intent"] == "missed_bin"
    assert first["classifier"] == "fallback"
    assert first["language"] == "en"
    assert first["entities"] == {"postcode": "CB1 2AD", "bin_colour": "black"}
    assert 0.0 <= first["confidence"] <= 1.0
    assert lines[1]["intent"] == "affirm"


def test_parse_reads_stdin_lines_and_falls_back_when_rasa_is_unreachable() -> None:
    """With no arguments it reads one text per line; an unreachable Rasa means fallback."""
    url = f"http://127.0.0.1:{free_port()}"
    result = runner.invoke(
        app, ["parse", "--rasa-url", url], input="street light is out\n\nperson\n"
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [(x["intent"], x["classifier"]) for x in lines] == [
        ("report_streetlight", "fallback"),
        ("human", "fallback"),
    ]


@pytest.mark.rasa
def test_parse_uses_rasa_when_it_is_running(rasa_url: str) -> None:
    """With Rasa reachable, parse answers exactly as a turn would: from Rasa."""
    result = runner.invoke(app, ["parse", "--rasa-url", rasa_url, "when is my bin day"])
    assert result.exit_code == 0, result.output
    line = json.loads(result.output)
    assert (line["intent"], line["classifier"]) == ("bin_day", "rasa")


def _p(gold: str, intent: str, confidence: float, ms: float = 1.0) -> Prediction:
    return Prediction("t", gold, Classification(intent, confidence), ms)


def test_report_figures() -> None:
    """Precision, recall, out-of-scope handling, wrong-service rate and latency quantiles are
    computed as documented: below the threshold counts as clarification."""
    report = Report("x", 0.5)
    report.predictions = [
        _p("bin_day", "bin_day", 0.9, 1),
        _p("bin_day", "missed_bin", 0.8, 2),  # wrong service
        _p("missed_bin", "missed_bin", 0.3, 3),  # right but unsure: clarify
        _p("out_of_scope", "bin_day", 0.2, 4),  # unsure: handled
        _p("out_of_scope", "out_of_scope", 0.9, 5),  # handled
        _p("out_of_scope", "bin_day", 0.7, 100),  # confidently wrong service
    ]
    rows = report.per_intent()
    assert rows["bin_day"][:2] == (1 / 3, 1 / 2)
    assert report.out_of_scope_handled() == pytest.approx(2 / 3)
    assert report.wrong_service_rate() == pytest.approx(1 / 3)
    assert report.clarify_rate() == pytest.approx(1 / 3)
    assert report.latency(0.5) == 3
    assert report.latency(0.99) == 100
    assert report.confusions() == [
        ("bin_day", "missed_bin", 1),
        ("out_of_scope", "bin_day", 1),
    ]


def test_folds_are_stratified_and_deterministic() -> None:
    """Every intent is spread over the folds and the same seed gives the same split."""
    examples = [(f"s{i}", "a" if i % 2 else "b") for i in range(20)]
    folds = stratified_folds(examples, 5, seed=3)
    assert folds == stratified_folds(examples, 5, seed=3)
    assert sorted(e for f in folds for e in f) == sorted(examples)
    for fold in folds:
        assert {intent for _, intent in fold} == {"a", "b"}


def test_evaluate_prints_markdown_tables(tmp_path: Path) -> None:
    """`evaluate --no-rasa` cross-validates the fallback and prints the summary, per-intent
    and confusion tables."""
    data = tmp_path / "data"
    data.mkdir()
    intents = {
        "bin_day": ["when is bin day", "which bin this week", "bin collection day",
                    "when are the bins collected", "what day is rubbish collected"],
        "human": ["talk to a person", "speak to someone", "real person please",
                  "put me through to an agent", "i want a human"],
        "out_of_scope": ["tell me a joke", "what is the weather", "order a pizza",
                         "who won the match", "sing a song"],
    }  # fmt: skip
    text = 'version: "3.1"\nnlu:\n'
    for intent, examples in intents.items():
        text += f"- intent: {intent}\n  examples: |\n"
        text += "".join(f"    - {e}\n" for e in examples)
    (data / "nlu.yml").write_text(text)
    result = runner.invoke(
        app, ["evaluate", "--no-rasa", "--folds", "5", "--rasa-dir", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "| fallback (5-fold) | 15 |" in result.output
    assert "| bin_day | 5 |" in result.output
    assert "Most frequent confusions" in result.output
