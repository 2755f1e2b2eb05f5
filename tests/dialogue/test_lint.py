"""The humane linter catches each kind of violation, and passes the shipped dialogues."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from assist.dialogue.lint import banned_phrase, lint_dialogues, sms_fits

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def dialogues(tmp_path: Path) -> Path:
    """A copy of the shipped dialogues to break."""
    target = tmp_path / "dialogues"
    shutil.copytree(REPO / "dialogues" / "flows", target / "flows")
    shutil.copytree(REPO / "dialogues" / "prompts", target / "prompts")
    return target


def _edit_yaml(path: Path, change: Callable[[dict], None]) -> None:  # type: ignore[type-arg]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _messages(d: Path) -> list[str]:
    return [str(p) for p in lint_dialogues(d)]


def test_shipped_dialogues_pass() -> None:
    """`assist lint dialogues/` passes on what we ship."""
    assert _messages(REPO / "dialogues") == []


def test_cli_exits_non_zero_with_one_line_per_problem(dialogues: Path) -> None:
    """The CLI prints file:line problems and exits 1 when there are any."""
    _edit_yaml(
        dialogues / "prompts" / "en.yaml",
        lambda d: d.update({"main.menu": "Your call is important to us. Choose."}),
    )
    out = subprocess.run(
        [sys.executable, "-m", "assist.cli", "lint", str(dialogues)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 1
    assert "en.yaml:" in out.stdout and "banned phrase" in out.stdout


def test_menu_with_five_options(dialogues: Path) -> None:
    """A menu of five options is refused."""

    def add(d: dict) -> None:  # type: ignore[type-arg]
        d["steps"]["report_menu"]["options"].append(
            {"key": "5", "label": "main.opt.status", "goto": "request_status"}
        )

    _edit_yaml(dialogues / "flows" / "main.yaml", add)
    assert any("main.yaml" in m and "5 options" in m for m in _messages(dialogues))


def test_three_menus_deep_without_person(dialogues: Path) -> None:
    """A third menu in a row with no person option is refused."""

    def deepen(d: dict) -> None:  # type: ignore[type-arg]
        d["steps"]["report_menu"]["options"][0]["goto"] = "deeper"
        d["steps"]["deeper"] = {
            "type": "menu",
            "prompt": "main.report_menu",
            "options": [{"key": "1", "label": "main.opt.pothole", "goto": "report_pothole"}],
        }

    _edit_yaml(dialogues / "flows" / "main.yaml", deepen)
    assert any("step deeper" in m and "3 levels deep" in m for m in _messages(dialogues))


def test_long_spoken_prompt(dialogues: Path) -> None:
    """A prompt of more than 25 words is refused, in any language."""
    _edit_yaml(
        dialogues / "prompts" / "en.yaml",
        lambda d: d.update({"bins.ask_postcode": " ".join(["word"] * 26)}),
    )
    assert any("bins.ask_postcode" in m and "26 words" in m for m in _messages(dialogues))


def test_sms_over_one_segment(dialogues: Path) -> None:
    """A question whose text rendering exceeds one SMS is refused."""
    _edit_yaml(
        dialogues / "prompts" / "en.yaml",
        lambda d: d.update({"main.opt.bins.short": "Bins " + "x" * 120}),
    )
    assert any("more than one SMS" in m for m in _messages(dialogues))


@pytest.mark.parametrize(
    "phrase",
    [
        "Your call is important to us.",
        "Please listen carefully as our options have changed.",
        "Or visit our website.",
        "Due to high call volumes you may wait.",
    ],
)
def test_banned_phrases(dialogues: Path, phrase: str) -> None:
    """Hollow phrases from HUMANE.md 11 are refused."""
    _edit_yaml(dialogues / "prompts" / "en.yaml", lambda d: d.update({"common.person": phrase}))
    assert any("banned phrase" in m for m in _messages(dialogues))


def test_unreachable_step(dialogues: Path) -> None:
    """A step nothing leads to is reported."""
    _edit_yaml(
        dialogues / "flows" / "bins.yaml",
        lambda d: d["steps"].update(
            {"orphan": {"type": "say", "prompt": "main.goodbye", "next": "main.menu"}}
        ),
    )
    assert any("step orphan" in m and "unreachable" in m for m in _messages(dialogues))


def test_dead_end_step(dialogues: Path) -> None:
    """A collect step with nowhere to go is a dead end."""
    _edit_yaml(dialogues / "flows" / "bins.yaml", lambda d: d["steps"]["postcode"].pop("next"))
    assert any("step postcode" in m and "dead end" in m for m in _messages(dialogues))


def test_missing_target(dialogues: Path) -> None:
    """A target that does not exist is reported with its file and line."""
    _edit_yaml(
        dialogues / "flows" / "bins.yaml",
        lambda d: d["steps"]["postcode"].update({"next": "nowhere"}),
    )
    msgs = _messages(dialogues)
    assert any("bins.yaml:" in m and "'nowhere' does not exist" in m for m in msgs)


def test_intent_without_flow(dialogues: Path) -> None:
    """Every SERVICES.md intent needs a flow."""
    (dialogues / "flows" / "care.yaml").unlink()
    _edit_yaml(
        dialogues / "flows" / "main.yaml",
        lambda d: [o.update({"goto": "main.menu"}) for o in d["steps"]["care_menu"]["options"]],
    )
    msgs = _messages(dialogues)
    assert any("'safeguarding' has no flow" in m for m in msgs)


def test_missing_required_translation(dialogues: Path) -> None:
    """The safeguarding message must exist in every supported language."""
    _edit_yaml(dialogues / "prompts" / "pl.yaml", lambda d: d.pop("care.safeguarding"))
    assert any("pl.yaml" in m and "care.safeguarding" in m for m in _messages(dialogues))


def test_placeholder_mismatch(dialogues: Path) -> None:
    """A translation must use the same placeholders as English."""
    _edit_yaml(
        dialogues / "prompts" / "pt.yaml",
        lambda d: d.update({"common.one_address": "É {endereco}?"}),
    )
    assert any("pt.yaml" in m and "placeholders differ" in m for m in _messages(dialogues))


def test_schema_error_has_file_and_line(dialogues: Path) -> None:
    """A misspelt field is reported at its file and line."""
    path = dialogues / "flows" / "bins.yaml"
    path.write_text(path.read_text().replace("    expect: postcode", "    expct: postcode"))
    msgs = _messages(dialogues)
    assert any(m.startswith(str(path) + ":") and "expct" in m for m in msgs), msgs


def test_banned_phrase_matcher_and_sms_fit() -> None:
    """Variants of hollow phrases are caught; Polish text folds to fit one SMS."""
    assert banned_phrase("We are experiencing a high volume of calls") is not None
    assert banned_phrase("People answer 8am to 6pm") is None
    assert sms_fits("x" * 160) and not sms_fits("x" * 161)
    assert sms_fits("Dziękuję " * 15)  # UCS-2 135 chars, folded to GSM-7
