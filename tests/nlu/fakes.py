"""Stand-ins on 127.0.0.1 for a Rasa server that stops, hangs and comes back."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


def free_port() -> int:
    """Return a port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class FakeRasa:
    """A tiny Rasa look-alike (GET /status, POST /model/parse) served by real uvicorn.

    `mode` picks its behaviour: "ok" answers `intent`, "slow" hangs for `delay_s`, "error"
    answers HTTP 500, "garbage" answers a body without an intent. It can be stopped and
    started again on the same port, like a restarted Rasa.
    """

    def __init__(self, intent: str = "bin_day", port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.intent = intent
        self.mode = "ok"
        self.delay_s = 5.0
        self.parses = 0
        self.serial_s = 0.0
        """When above 0, parses are answered one at a time, each taking this long (as Rasa's
        single worker does); `most_at_once` records the most parses in flight together."""
        self.most_at_once = 0
        self._at_once = 0
        self._one_at_a_time: asyncio.Lock | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def _app(self) -> Starlette:
        async def status(request: Request) -> Response:
            return JSONResponse(
                {"model_file": "models/nlu-fake.tar.gz", "num_active_training_jobs": 0}
            )

        async def parse(request: Request) -> Response:
            self.parses += 1
            body: dict[str, Any] = await request.json()
            if self.serial_s > 0:
                self._at_once += 1
                self.most_at_once = max(self.most_at_once, self._at_once)
                self._one_at_a_time = self._one_at_a_time or asyncio.Lock()
                try:
                    async with self._one_at_a_time:
                        await asyncio.sleep(self.serial_s)
                finally:
                    self._at_once -= 1
            if self.mode == "slow":
                await asyncio.sleep(self.delay_s)
            if self.mode == "error":
                return JSONResponse({"error": "boom"}, status_code=500)
            if self.mode == "garbage":
                return JSONResponse({"text": body["text"]})
            return JSONResponse(
                {
                    "text": body["text"],
                    "intent": {"name": self.intent, "confidence": 0.93},
                    "intent_ranking": [
                        {"name": self.intent, "confidence": 0.93},
                        {"name": "missed_bin", "confidence": 0.05},
                    ],
                    "entities": [],
                }
            )

        return Starlette(
            routes=[Route("/status", status), Route("/model/parse", parse, methods=["POST"])]
        )

    def start(self) -> None:
        """Serve on `port` (again) and return once it accepts connections."""
        config = uvicorn.Config(
            self._app(), host="127.0.0.1", port=self.port, log_level="error",
            lifespan="off", ws="none", timeout_graceful_shutdown=1,
        )  # fmt: skip
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake Rasa did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        """Stop serving: connections to the port are refused afterwards."""
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(10)
        self._server = None


class TcpProxy:
    """Forwards 127.0.0.1:`port` to a real server; stopping it makes that server unreachable
    to clients of the proxy without touching the server itself."""

    def __init__(self, target_host: str, target_port: int, port: int | None = None) -> None:
        self.target = (target_host, target_port)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.CancelledError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        for coro in (self._pipe(reader, up_writer), self._pipe(up_reader, writer)):
            task = asyncio.create_task(coro)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def start(self) -> None:
        """Listen on `port` (again)."""
        self._server = await asyncio.start_server(
            self._handle, "127.0.0.1", self.port, reuse_address=True
        )

    async def stop(self) -> None:
        """Stop listening and cut every open connection."""
        if self._server is not None:
            self._server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await self._server.wait_closed()
            self._server = None
