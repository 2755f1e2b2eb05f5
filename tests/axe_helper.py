"""axe-core for browser tests: find (or npm-install) axe.min.js and run WCAG 2.2 A/AA rules."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PINNED = REPO / "tests" / "axe"
CACHE = REPO / ".cache" / "axe"
WCAG22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_path() -> Path:
    """Path of axe.min.js: $ASSIST_AXE_JS, else tests/axe (pinned by `scripts/setup.sh --test`),
    else .cache/axe (installed there with npm when missing).

    Raises RuntimeError when it is missing and npm is not installed.
    """
    env = os.environ.get("ASSIST_AXE_JS")
    if env:
        return Path(env)
    for root in (PINNED, CACHE):
        path = root / "node_modules" / "axe-core" / "axe.min.js"
        if path.exists():
            return path
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("axe-core is missing and npm is not installed")
    CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [npm, "install", "--prefix", str(CACHE), "--no-audit", "--no-fund", "axe-core@4"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return CACHE / "node_modules" / "axe-core" / "axe.min.js"


async def run_axe(page: Any) -> list[dict[str, Any]]:
    """The WCAG 2.2 A/AA violations axe-core finds on a Playwright (async) page."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        # evaluate rather than add_script_tag: works under the page's own strict CSP
        await page.evaluate(axe_path().read_text(encoding="utf-8"))
    result = await page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG22_AA
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    """A short readable list of violations for an assertion message."""
    return "; ".join(
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in violations
    )
