"""Fixtures for the understanding tests: the trained fallback and the real Rasa server's URL."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assist.nlu.fallback import TfidfClassifier
from assist.nlu.sidecar import rasa_status

RASA_DIR = Path(__file__).resolve().parents[2] / "dialogues" / "rasa"


@pytest.fixture(scope="session")
def fallback() -> TfidfClassifier:
    """The in-process classifier trained from the shipped NLU data."""
    return TfidfClassifier.from_rasa_dir(RASA_DIR)


@pytest.fixture(scope="session")
def rasa_url() -> str:
    """The real Rasa server's URL (ASSIST_RASA_URL or :5005), with a model loaded.

    Fails when it is not running (a skipped test proves nothing): `make test` starts it;
    run `pytest -m "not rasa"` to leave these tests out on purpose.
    """
    url = os.environ.get("ASSIST_RASA_URL") or "http://127.0.0.1:5005"
    status = rasa_status(url)
    if status is None or not status.get("model_file"):
        message = (
            f"no Rasa server with a model at {url}: start it with "
            "`python -m assist.nlu.sidecar ensure`"
        )
        pytest.fail(message + ' (or leave these tests out with -m "not rasa")')
    return url
