"""Profile a benchmark's server process with pyinstrument when BENCH_PROFILE names a file.

    BENCH_PROFILE=/tmp/chat.txt .venv/bin/python bench/chat_bench.py --no-rasa

The server child runs under `pyinstrument.Profiler` and, when the benchmark stops it, writes
the text report there (and `<file>.html`, and `<file>.pyisession` to render again with
`pyinstrument --load`). Without BENCH_PROFILE nothing changes.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any


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
        session = profiler.last_session
        if session is not None:  # to re-render later, e.g. `pyinstrument --load FILE --show-all`
            session.save(str(path.with_suffix(".pyisession")))


@contextlib.contextmanager
def stalls_watched(label: str) -> Iterator[None]:
    """When BENCH_STALLS names a file: note what the event loop was doing whenever it did
    not come round for `BENCH_STALL_MS` (default 30 ms), and write the stacks seen, most
    frequent first. A heartbeat task in uvicorn's loop and a watchdog thread do it."""
    target = os.environ.get("BENCH_STALLS")
    if not target:
        yield
        return
    import asyncio
    import collections
    import sys
    import threading
    import time
    import traceback

    import uvicorn

    limit = float(os.environ.get("BENCH_STALL_MS", "30")) / 1000
    beat = [time.monotonic()]
    seen: collections.Counter[str] = collections.Counter()
    stop = threading.Event()
    main = threading.get_ident()

    async def heartbeat() -> None:
        while True:
            beat[0] = time.monotonic()
            await asyncio.sleep(0.005)

    def watchdog() -> None:
        caught = 0.0
        while not stop.wait(0.005):
            if time.monotonic() - beat[0] > limit and beat[0] != caught:
                caught = beat[0]
                frame = sys._current_frames().get(main)
                if frame is not None:
                    stack = traceback.extract_stack(frame)[-12:]
                    seen["".join(traceback.format_list(stack))] += 1

    startup = uvicorn.Server.startup

    async def started(self: uvicorn.Server, sockets: object = None) -> None:
        await startup(self, sockets)  # type: ignore[arg-type]
        tasks.append(asyncio.get_running_loop().create_task(heartbeat()))

    def leave(signum: int, frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, leave)  # as in `profiled`: exit through `finally`
    tasks: list[asyncio.Task[None]] = []
    uvicorn.Server.startup = started  # type: ignore[method-assign]
    thread = threading.Thread(target=watchdog, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        path = Path(target)
        path = path.with_name(f"{path.stem}-{label}{path.suffix or '.txt'}")
        lines = [f"{sum(seen.values())} stalls over {limit * 1000:.0f} ms"]
        for stack, n in seen.most_common(15):
            lines += [f"--- {n} times:", stack]
        path.write_text("\n".join(lines))


class LoopLag:
    """How late an event loop comes round: a task asks to sleep `period` seconds and records
    by how much more it slept (the time any ready callback waits before it runs)."""

    def __init__(self, period: float = 0.005) -> None:
        self.period = period
        self.lags: list[float] = []
        self._task: object = None

    def start(self) -> None:
        """Start measuring on the running loop."""
        import asyncio

        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        import asyncio

        while True:
            t0 = time.perf_counter()
            await asyncio.sleep(self.period)
            self.lags.append(max(0.0, time.perf_counter() - t0 - self.period))


class RequestTimer:
    """ASGI wrapper: the server's own time for each HTTP request under `prefix` (from the
    app being called, after uvicorn read the request, to the last byte of the response
    being handed to uvicorn), by path, and the loop's lag; `dump` writes them as JSON."""

    def __init__(self, app: Any, prefix: str = "/twilio/") -> None:
        self.app = app
        self.prefix = prefix
        self.times: dict[str, list[float]] = {}
        self.lag = LoopLag()
        self.gc: list[tuple[int, float]] = []
        """Each garbage collection after start-up: (generation, seconds), `gc.callbacks`."""
        self._gc_started = 0.0
        import gc

        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        elif self.lag._task is not None:  # collections after start-up only
            self.gc.append((info["generation"], time.perf_counter() - self._gc_started))

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":

            async def started(message: Any) -> None:
                if message["type"] == "lifespan.startup.complete" and self.lag._task is None:
                    self.lag.start()
                await send(message)

            await self.app(scope, receive, started)
            return
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        t0 = time.perf_counter()
        path = scope["path"]

        async def timed(message: Any) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.times.setdefault(path, []).append(time.perf_counter() - t0)

        await self.app(scope, receive, timed)

    def dump(self, path: str) -> None:
        """Write {"requests": {path: [seconds...]}, "loop_lag": [seconds...], "gc":
        [[generation, seconds]...]} to `path`."""
        import gc
        import json

        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)
        Path(path).write_text(
            json.dumps({"requests": self.times, "loop_lag": self.lag.lags, "gc": self.gc})
        )
