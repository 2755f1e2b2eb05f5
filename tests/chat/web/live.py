"""Web chat test helpers: the real app on a real uvicorn (same event loop), a socket client."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import httpx
import uvicorn
import websockets
from fastapi import APIRouter, FastAPI
from pydantic import SecretStr

from assist.app import create_app, open_service
from assist.chat.web.limits import WebChatLimits
from assist.chat.web.router import create_web_chat_router
from assist.chat.web.site import create_site_router
from assist.handoff.agents import sign_in
from assist.service import Dialogue, Service, load_dialogue
from assist.settings import Settings

PASSWORD = "correct horse battery staple"
FAST = WebChatLimits(queue_poll_s=0.5, staff_poll_s=0.3)


@functools.cache
def shared_dialogue() -> Dialogue:
    """The shipped dialogues, loaded once per test run (training the fallback takes ~1 s)."""
    return load_dialogue()


@dataclass
class Served:
    """A running app: its base URL, runtime and settings."""

    url: str
    rt: Service
    settings: Settings
    app: FastAPI
    console: bool

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/chat/ws"


def first(app: FastAPI, router: APIRouter) -> None:
    """Include `router` ahead of the app's own routes (tests set their own chat limits,
    even once create_app mounts the chat itself)."""
    before = list(app.router.routes)
    app.include_router(router)
    added = [r for r in app.router.routes if r not in before]
    app.router.routes[:] = added + before


async def has_console(url: str) -> bool:
    """True when the app serves the staff console (create_app mounts it)."""
    async with httpx.AsyncClient() as http:
        return (await http.get(url + "/console/login")).status_code == 200


ON_DUTY = "duty@council.example"


@contextlib.asynccontextmanager
async def serve(
    tmp_path: Path,
    limits: WebChatLimits = FAST,
    public_url: str | None = None,
    staffed: bool = True,
    **settings_extra: Any,
) -> AsyncIterator[Served]:
    """The app with the web chat, landing page and console on uvicorn at 127.0.0.1; with
    `staffed` a member of staff (`ON_DUTY`) is signed in, so someone answers at any hour."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = Settings(
        data_dir=tmp_path / "data",
        rasa_url="",
        public_url=public_url or url,
        secret_key=SecretStr("test-secret-key-webchat"),
        _env_file=None,
        **settings_extra,
    )  # type: ignore[call-arg]
    with mock.patch("assist.service.load_dialogue", lambda *a: shared_dialogue()):
        rt = await open_service(settings)
    if staffed:
        async with rt.store.transaction() as tx:
            await sign_in(tx, ON_DUTY, [], time.time())
    app = create_app(settings, service=rt)
    first(app, create_site_router())
    first(app, create_web_chat_router(limits))
    config = uvicorn.Config(
        app, log_level="warning", ws="websockets-sansio", lifespan="on", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    deadline = time.monotonic() + 10
    while not server.started:
        if task.done():
            task.result()
        assert time.monotonic() < deadline, "uvicorn did not start"
        await asyncio.sleep(0.02)
    try:
        yield Served(url, rt, settings, app, await has_console(url))
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(task, 10)
        sock.close()


class Chat:
    """A raw WebSocket client speaking the chat protocol."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.seen: list[dict[str, Any]] = []

    async def send(self, **message: Any) -> None:
        await self.conn.send(json.dumps(message))

    async def recv(self, timeout: float = 5.0) -> dict[str, Any]:
        msg: dict[str, Any] = json.loads(await asyncio.wait_for(self.conn.recv(), timeout))
        self.seen.append(msg)
        return msg

    async def until(self, kind: str, timeout: float = 5.0) -> dict[str, Any]:
        """Read messages until one of `kind` arrives; returns it."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            left = deadline - asyncio.get_running_loop().time()
            assert left > 0, f"no {kind!r} message; saw {[m['type'] for m in self.seen]}"
            msg = await self.recv(left)
            if msg["type"] == kind:
                return msg

    async def quiet(self, timeout: float = 0.3) -> list[dict[str, Any]]:
        """Everything that arrives within `timeout` seconds."""
        out: list[dict[str, Any]] = []
        with contextlib.suppress(TimeoutError):
            while True:
                out.append(await self.recv(timeout))
        return out

    async def hello(
        self, chat_id: str | None = None, language: str = "en", **extra: Any
    ) -> dict[str, Any]:
        await self.send(type="hello", chat_id=chat_id, language=language, **extra)
        return await self.until("welcome")


@contextlib.asynccontextmanager
async def chat(served: Served, origin: str | None = None) -> AsyncIterator[Chat]:
    """An open chat socket (Origin = the app's own unless given)."""
    headers = {"Origin": origin or served.url}
    async with websockets.connect(
        served.ws_url, additional_headers=headers, open_timeout=5
    ) as conn:
        yield Chat(conn)


async def add_staff(rt: Service, *names: str) -> None:
    """Create agent accounts with PASSWORD."""
    from assist.handoff.auth import add_staff as add

    async with rt.store.transaction() as tx:
        for name in names:
            await add(tx, name, "agent", PASSWORD, time.time())
