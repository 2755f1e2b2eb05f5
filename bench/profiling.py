"""Profile a benchmark's server process with pyinstrument when BENCH_PROFILE names a file.

    BENCH_PROFILE=/tmp/chat.txt .venv/bin/python bench/chat_bench.py --no-rasa

The server child runs under `pyinstrument.Profiler` and, when the benchmark stops it, writes
the text report (and `<file>.html`) there. Without BENCH_PROFILE nothing changes.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def profiled(label: str) -> Iterator[None]:
    """Run the block under pyinstrument if BENCH_PROFILE is set; write the report after."""
    target = os.environ.get("BENCH_PROFILE")
    if not target:
        yield
        return
    from pyinstrument import Profiler

    def leave(signum: int, frame: object) -> None:
        raise SystemExit(0)

    # uvicorn re-raises the SIGTERM that stopped it; exit through `finally` to write the report
    signal.signal(signal.SIGTERM, leave)
    profiler = Profiler(interval=0.001, async_mode="disabled")
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        path = Path(target)
        if label:
            path = path.with_name(f"{path.stem}-{label}{path.suffix or '.txt'}")
        path.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
        path.with_suffix(".html").write_text(profiler.output_html())
