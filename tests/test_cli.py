"""The `assist` command as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _assist(args: list[str], stdin: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSIST_DATA_DIR": str(data), "ASSIST_RASA_URL": ""}
    return subprocess.run(
        [sys.executable, "-m", "assist.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
        check=False,
    )


def test_piped_chat_asks_for_a_postcode(tmp_path: Path) -> None:
    """`printf 'when is my bin collected\\n' | assist chat` asks for a postcode."""
    out = _assist(["chat"], "when is my bin collected\n", tmp_path)
    assert out.returncode == 0, out.stderr
    assert "postcode" in out.stdout.lower()


def test_erase_needs_a_number_or_chat_id(tmp_path: Path) -> None:
    """`assist erase` without a target explains itself and exits 2."""
    out = _assist(["erase"], "", tmp_path)
    assert out.returncode == 2 and "--number" in out.stderr


def test_piped_missed_bin_report_is_listed_by_the_council(tmp_path: Path) -> None:
    """A missed bin reported through `assist chat` is then listed by the embedded council's
    GET requests.json, carrying the reference the citizen was given."""
    import re

    from fastapi.testclient import TestClient

    from assist.app import create_app
    from assist.settings import Settings

    out = _assist(["chat"], "my bin was not collected\nCB1 2AD\n1\n2\nyes\n", tmp_path)
    assert out.returncode == 0, out.stderr
    ref = re.search(r"Your reference is (AS-[2-9A-Z]{6})", out.stdout)
    assert ref is not None, out.stdout
    settings = Settings(data_dir=tmp_path, rasa_url="", _env_file=None)  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as client:
        listed = client.get(
            "/council/open311/v2/requests.json", params={"jurisdiction_id": "cambridge"}
        ).json()
    assert any(ref.group(1) in (r.get("description") or "") for r in listed), listed
