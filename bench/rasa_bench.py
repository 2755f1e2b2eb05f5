"""Rasa alone: how fast the NLU server parses, and the CPU it spends per parse.

Sends distinct citizen sentences (the training examples of dialogues/rasa, so nothing is
answered from a cache) to Rasa's POST /model/parse at a few concurrencies, and reads the
server's CPU time from /proc before and after each phase: parses per second, p50/p99, and
Rasa's CPU milliseconds per parse. Compare with a turn's own cost in chat_bench: when Rasa's
CPU per parse is several times a whole turn's, Rasa is the limit of free-text turns.

    .venv/bin/python bench/rasa_bench.py [--url http://127.0.0.1:5005] [--pid PID]

The pid defaults to the sidecar's (.cache/rasa/server.pid); without it CPU is not shown.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent


def sentences(limit: int = 400) -> list[str]:
    """Distinct example sentences from the Rasa training data (every language)."""
    seen: dict[str, None] = {}
    for path in sorted((REPO / "dialogues" / "rasa" / "data").glob("nlu_*.yml")):
        for line in path.read_text().splitlines():
            m = re.match(r"\s+- (.+)$", line)
            if m and ":" not in m.group(1)[:8]:
                seen.setdefault(re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", m.group(1)), None)
    return list(seen)[:limit]


def cpu_seconds(pid: int) -> float:
    """A process's CPU time so far (user + system, every thread), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # utime, stime of all its threads, then cutime, cstime of children waited for
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


async def phase(url: str, texts: list[str], concurrency: int, pid: int | None) -> str:
    latencies: list[float] = []
    queue = list(texts)
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:

        async def worker() -> None:
            while queue:
                text = queue.pop()
                t0 = time.perf_counter()
                r = await client.post("/model/parse", json={"text": text})
                r.raise_for_status()
                latencies.append(time.perf_counter() - t0)

        cpu0 = cpu_seconds(pid) if pid else 0.0
        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - t0
        cpu = (cpu_seconds(pid) - cpu0) if pid else float("nan")
    xs = sorted(x * 1000 for x in latencies)
    p50, p99 = xs[len(xs) // 2], xs[min(len(xs) - 1, int(0.99 * len(xs)))]
    return (
        f"concurrency {concurrency:>3}: {len(xs)} parses, {len(xs) / wall:6.1f}/s, "
        f"p50 {p50:7.1f} ms, p99 {p99:7.1f} ms, Rasa CPU {cpu / len(xs) * 1000:6.1f} ms/parse "
        f"({cpu / wall:.2f} cores)"
    )


async def run(url: str, pid: int | None) -> None:
    texts = sentences()
    print(f"Rasa at {url}: {len(texts)} distinct training sentences per phase")
    await phase(url, texts[:20], 2, None)  # warm up
    for concurrency in (1, 4, 16):
        print(await phase(url, texts, concurrency, pid))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--pid", type=int)
    args = parser.parse_args()
    pid = args.pid
    pid_file = REPO / ".cache" / "rasa" / "server.pid"
    if pid is None and pid_file.exists():
        pid = int(pid_file.read_text().strip())
    asyncio.run(run(args.url, pid))


if __name__ == "__main__":
    main()
