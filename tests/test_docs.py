"""The README keeps step with the code: every setting documented, the test command shared."""

from __future__ import annotations

import re
from pathlib import Path

from assist.settings import Settings

REPO = Path(__file__).resolve().parent.parent


def test_every_setting_is_in_the_readme() -> None:
    """Each Settings field appears in README.md as ASSIST_<NAME>."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [n for n in Settings.model_fields if f"ASSIST_{n.upper()}" not in readme]
    assert missing == [], f"run scripts/readme_settings.py; missing {missing}"


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run runs exactly the test command the README gives."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    command = re.search(
        r"^(make \w+)\s+# set up everything, then run the full test suite", readme, re.M
    )
    assert command is not None
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert command.group(1) in [line.strip() for line in ci]
