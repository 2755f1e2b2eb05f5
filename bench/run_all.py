"""`make bench`: the busy hour beside the saturation figures and their baselines, one table.

Runs, each in its own process and one after another (they would disturb each other):
the busy hour (open loop, both channels at once; again with Rasa in the loop when it
answers), web chat saturation at 200 and 10 sockets with the in-process classifier (and
with Rasa when it answers: the script's one free text, then a new free text every time, so
Rasa reads each), phone webhooks against a bare FastAPI endpoint; then prints every figure
side by side with the machine's load, and runs the other benchmarks (queue, speech, and
scaling over 1-3 instances on PostgreSQL beside SQLite: about 2 minutes).

    .venv/bin/python bench/run_all.py [--seconds 30] [--quick]

--seconds sets the busy hour's length, --phase-seconds each saturation phase's (they stay
bounded); --quick runs 5 s phases and skips the queue, speech and scaling benchmarks.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from bench.chat_bench import RASA, rasa_up  # noqa: E402
from bench.summary import table  # noqa: E402


def load() -> str:
    """The machine's load averages (other work on it skews absolute figures)."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def bench(script: str, *args: str) -> int:
    """Run one benchmark script; its own lines are printed as they come."""
    print(f"== bench/{script} {' '.join(args)}".rstrip(), flush=True)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, str(HERE / script), *args], env=env).returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the busy hour")
    parser.add_argument("--phase-seconds", type=float, help="length of each saturation phase")
    parser.add_argument("--quick", action="store_true", help="shorter phases, fewer benches")
    args = parser.parse_args()
    phase = args.phase_seconds or (5.0 if args.quick else None)
    sat = ["--seconds", f"{phase:g}"] if phase else []
    failures = 0
    with tempfile.TemporaryDirectory(prefix="assist-bench-") as tmp:
        figures = str(Path(tmp) / "figures.jsonl")
        rasa = rasa_up()
        loads = [f"before: {load()}"]
        busy = ["--seconds", f"{args.seconds:g}", "--summary", figures]
        failures += bench("busy_hour.py", "--no-rasa", *busy)
        if rasa:
            failures += bench("busy_hour.py", *busy)
        failures += bench("chat_bench.py", "--no-rasa", "--summary", figures, *sat)
        if rasa:
            failures += bench("chat_bench.py", "--summary", figures, *sat)
            failures += bench("chat_bench.py", "--distinct", "--summary", figures, *sat)
        failures += bench("voice_bench.py", "--summary", figures, *sat)
        loads.append(f"after: {load()}")
        print()
        print("== figures side by side (same run, same machine)")
        print("   " + "; ".join(loads))
        if not rasa:
            print(
                f"   Rasa is not running at {RASA}: Rasa-in-the-loop figures skipped "
                "(start it with `make rasa`)"
            )
        if Path(figures).exists():
            lines = Path(figures).read_text().splitlines()
            print("\n".join(table([json.loads(x) for x in lines if x.strip()])))
    if not args.quick:
        for script in ("queue_sim.py", "speech_bench.py", "scale_bench.py"):
            failures += bench(script)
    raise SystemExit(1 if failures else 0)


if __name__ == "__main__":
    main()
