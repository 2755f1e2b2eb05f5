"""`assist call` as a user runs it: the terminal phone answers with the greeting and menu."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def test_assist_call_answers_with_the_menu_and_takes_keys(tmp_path: Path) -> None:
    """Piped keys reach the line: the menu, then the bins menu after 1 (the app's parts are
    handed over without a lifespan, so no request fails)."""
    env = {**os.environ, "ASSIST_DATA_DIR": str(tmp_path), "ASSIST_RASA_URL": ""}
    out = subprocess.run(
        [sys.executable, "-m", "assist.cli", "call"],
        input="1\n/hangup\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=180,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "Assist: Bins and recycling: press 1." in out.stdout
    assert "Assist: What do you need to know about your bins?" in out.stdout
    assert "[you hung up]" in out.stdout
