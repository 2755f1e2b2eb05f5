"""The Rasa sidecar: training is cached by a hash of dialogues/rasa, errors say what to do."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assist.nlu import sidecar as sidecar
from tests.nlu.conftest import RASA_DIR


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A repository root holding a copy of the shipped Rasa project and no venv."""
    shutil.copytree(RASA_DIR, tmp_path / "dialogues" / "rasa")
    return tmp_path


def test_hash_changes_with_training_data_only(root: Path) -> None:
    """The data hash is stable, changes when an NLU file, the config or the domain changes,
    and ignores files training does not read."""
    project = root / "dialogues" / "rasa"
    first = sidecar.data_hash(project)
    assert sidecar.data_hash(project) == first
    (project / "README.txt").write_text("notes")
    assert sidecar.data_hash(project) == first
    nlu = project / "data" / "nlu_en.yml"
    nlu.write_text(nlu.read_text() + "\n")
    second = sidecar.data_hash(project)
    assert second != first
    config = project / "config.yml"
    changed = re.sub(r"epochs: \d+", "epochs: 7", config.read_text())
    assert changed != config.read_text()
    config.write_text(changed)
    assert sidecar.data_hash(project) not in (first, second)


def test_train_reuses_the_cached_model(root: Path) -> None:
    """With a model for the current data in the cache, train() returns it and runs nothing
    (there is no Rasa installed under this root, so running anything would fail)."""
    paths = sidecar.SidecarPaths(root)
    model = sidecar.model_path(paths)
    model.parent.mkdir(parents=True)
    model.write_bytes(b"model")
    said: list[str] = []
    assert sidecar.train(paths, echo=said.append) == model
    assert said == [f"Model up to date: {model.name} (training data unchanged)"]


def test_train_without_rasa_says_how_to_install(root: Path) -> None:
    """Training with no model and no Rasa installed fails with the command to run."""
    with pytest.raises(sidecar.SidecarError, match=r"nlu\.sidecar setup"):
        sidecar.train(sidecar.SidecarPaths(root), echo=lambda _: None)


def test_start_without_a_model_says_how_to_train(root: Path) -> None:
    """Starting with no trained model fails with the command to run."""
    with pytest.raises(sidecar.SidecarError, match="train"):
        sidecar.start(sidecar.SidecarPaths(root), echo=lambda _: None)


def test_no_python_310_gives_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Without Python 3.8-3.10 the error names the fixes, including the official container."""
    monkeypatch.setenv("ASSIST_RASA_PYTHON", str(tmp_path / "missing-python"))
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(sidecar.SidecarError, match=r"rasa/rasa:3\.6\.21-full"):
        sidecar.find_python()


def test_finds_a_supported_python_here() -> None:
    """On these machines pyenv's 3.10 is found for Rasa."""
    python = sidecar.find_python()
    assert sidecar._python_version(python) in {(3, 10), (3, 9), (3, 8)}


def test_stop_without_a_server_is_harmless(root: Path) -> None:
    """stop() with nothing started reports so and returns False."""
    assert sidecar.stop(sidecar.SidecarPaths(root), echo=lambda _: None) is False


def test_status_command_reports_an_untrained_root(root: Path) -> None:
    """`status` says what is missing and exits non-zero when nothing answers."""
    result = CliRunner().invoke(
        sidecar.app, ["status", "--root", str(root), "--url", "http://127.0.0.1:9"]
    )
    assert result.exit_code == 1
    assert "installed: False" in result.output
    assert "NOT trained" in result.output
    assert "not answering" in result.output


@pytest.mark.rasa
def test_status_command_sees_the_running_server(rasa_url: str) -> None:
    """`status` against the running sidecar shows the loaded model and exits 0."""
    result = CliRunner().invoke(sidecar.app, ["status", "--url", rasa_url])
    assert result.exit_code == 0, result.output
    assert "answering with nlu-" in result.output
