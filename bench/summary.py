"""The benchmarks' figures side by side: each bench appends JSON lines, this prints the table.

    .venv/bin/python bench/summary.py FIGURES.jsonl

A row with a `baseline` names the row (same section) it is measured against; the last
column is its throughput as a share of that baseline's, measured in the same run.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path
from typing import Any


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of values (0 when empty)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def percentiles(latencies: list[float]) -> dict[str, float]:
    """p50, p99 and max of latencies given in seconds, in milliseconds."""
    ms = sorted(x * 1000 for x in latencies)
    if not ms:
        return {"p50": float("nan"), "p99": float("nan"), "max": float("nan")}
    return {
        "p50": statistics.median(ms),
        "p99": ms[min(len(ms) - 1, int(0.99 * len(ms)))],
        "max": ms[-1],
    }


def record(
    path: str,
    *,
    section: str,
    name: str,
    latencies: list[float],
    rate: float,
    errors: int = 0,
    baseline: str | None = None,
) -> None:
    """Append one measurement (latencies in seconds, `rate` per second) to `path`."""
    row: dict[str, Any] = {
        "section": section,
        "name": name,
        "count": len(latencies),
        "rate": rate,
        "errors": errors,
        "baseline": baseline,
        **percentiles(latencies),
    }
    with Path(path).open("a") as out:
        out.write(json.dumps(row) + "\n")


def table(rows: list[dict[str, Any]]) -> list[str]:
    """The rows as aligned text lines, grouped by section in the order first seen."""
    lines = [
        f"{'':<44} {'answers':>8} {'per s':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} "
        f"{'errors':>6} {'vs base':>8}"
    ]
    sections = list(dict.fromkeys(r["section"] for r in rows))
    for section in sections:
        lines.append(f"-- {section}")
        here = [r for r in rows if r["section"] == section]
        by_name = {r["name"]: r for r in here}
        for r in here:
            base = by_name.get(r["baseline"] or "")
            ratio = f"{r['rate'] / base['rate']:.2f}x" if base and base["rate"] else ""
            lines.append(
                f"  {r['name']:<42} {r['count']:>8} {r['rate']:>8.0f} {r['p50']:>8.1f} "
                f"{r['p99']:>8.1f} {r['max']:>8.1f} {r['errors']:>6} {ratio:>8}"
            )
    return lines


def main() -> None:
    rows = [json.loads(x) for x in Path(sys.argv[1]).read_text().splitlines() if x.strip()]
    print("\n".join(table(rows)))


if __name__ == "__main__":
    main()
