"""Helpers for HTTP and browser tests: the console on a real uvicorn, and seeding the store."""

from __future__ import annotations

import asyncio
import functools
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import uvicorn
from fastapi import FastAPI
from pydantic import SecretStr

from assist.backend_client.memory import InMemoryCouncilServices
from assist.backend_client.reports import MIGRATIONS as REPORTS_MIGRATIONS
from assist.dialogue.prompts import Prompts
from assist.handoff.auth import hash_password
from assist.handoff.console import create_console_router
from assist.handoff.queue import enqueue_in_tx
from assist.handoff.schema import MIGRATIONS
from assist.handoff.web import Console
from assist.settings import Settings
from assist.store import Store, core
from tests.conftest import store_at

T = TypeVar("T")
PASSWORD = "correct horse battery staple"
PROMPTS = Prompts.load(Path(__file__).resolve().parents[2] / "dialogues" / "prompts")


def settings_for(tmp: Path) -> Settings:
    return Settings(data_dir=tmp, secret_key=SecretStr("test-secret-key-for-console"))


def make_app(settings: Settings) -> FastAPI:
    """An app with the console mounted; like the real app, the lifespan opens the store and
    puts the console's collaborators on `app.state.console`."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = store_at(settings.db_path)
        await store.open([*core.MIGRATIONS, *MIGRATIONS, *REPORTS_MIGRATIONS])
        app.state.store = store
        app.state.console = Console(store, settings, InMemoryCouncilServices(), prompts=PROMPTS)
        yield
        await store.close()

    app = FastAPI(lifespan=lifespan)
    app.include_router(create_console_router())
    return app


class LiveServer:
    """uvicorn serving an app on 127.0.0.1 at a free port, in a background thread."""

    def __init__(self, app: FastAPI) -> None:
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=0,
            log_level="warning",
            ws="none",
            http="h11",
            lifespan="on",
            timeout_graceful_shutdown=1,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.url = ""

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def with_store(db: Path, work: Callable[[Store], Awaitable[T]]) -> T:
    """Run `work` against its own connection to the store, in a thread with its own loop."""
    out: dict[str, Any] = {}

    async def main() -> None:
        store = store_at(db)
        await store.open([*core.MIGRATIONS, *MIGRATIONS, *REPORTS_MIGRATIONS])
        try:
            out["v"] = await work(store)
        finally:
            await store.close()

    def run() -> None:
        try:
            asyncio.run(main())
        except BaseException as exc:  # handed to the caller's thread
            out["e"] = exc

    t = threading.Thread(target=run)
    t.start()
    t.join()
    if "e" in out:
        raise out["e"]
    return out["v"]  # type: ignore[no-any-return]


@functools.cache
def password_hash() -> str:
    """PASSWORD's argon2 hash, computed once (hashing is slow on purpose)."""
    return hash_password(PASSWORD)


def add_people(db: Path, *people: tuple[str, str]) -> None:
    """Create staff accounts (name, role) with PASSWORD (as `add_staff` would store them)."""

    async def work(store: Store) -> None:
        async with store.transaction() as tx:
            for name, role in people:
                await tx.execute(
                    "INSERT INTO handoff_staff (username, role, password_hash, created_at)"
                    " VALUES (?,?,?,?)",
                    (name, role, password_hash(), time.time()),
                )

    with_store(db, work)


def add_citizen(
    db: Path,
    n: int,
    text: str = "There's a pothole on Mill Road",
    channel: str = "sms",
    language: str = "en",
    intent: str = "report_pothole",
    slots: dict[str, Any] | None = None,
    step: str = "pothole.location",
    source: str | None = None,
    per_source: int = 0,
) -> str:
    """A citizen in the queue with a session, transcript and details; returns the entry id.
    With `source` and `per_source`, joins as the queue's flood limit sees it."""

    async def work(store: Store) -> str:
        sid, sender = f"sess{n}", f"+4477009001{n:02d}"
        async with store.transaction() as tx:
            await core.save_session(
                tx,
                session_id=sid,
                channel=channel,
                sender=sender,
                status="queued",
                state={
                    "intent": intent,
                    "status": "queued",
                    "channel": channel,
                    "language": language,
                },
                now=time.time(),
            )
            await core.append_transcript(tx, sid, "citizen", text)
            await core.append_transcript(tx, sid, "assistant", "Where is it?")
            entry = await enqueue_in_tx(
                tx,
                session_id=sid,
                channel=channel,
                sender=sender,
                language=language,
                reason="asked_for_person",
                intent=intent,
                slots={"location": "Mill Road, Cambridge"} if slots is None else slots,
                refs=["AS-1001"],
                step=step,
                source=source,
                per_source=per_source,
            )
        return entry.id

    return with_store(db, work)


def outbox_rows(db: Path, kind: str) -> list[dict[str, Any]]:
    """Outbox rows of a kind."""

    async def work(store: Store) -> list[dict[str, Any]]:
        async with store.transaction() as tx:
            return await tx.fetchall("SELECT * FROM outbox WHERE kind = ?", (kind,))

    return with_store(db, work)


def add_line(db: Path, session_id: str, role: str, text: str, **meta: Any) -> None:
    """Append a transcript line, as the citizen's channel would (live lines for the console)."""

    async def work(store: Store) -> None:
        async with store.transaction() as tx:
            await core.append_transcript(tx, session_id, role, text, meta, now=time.time())

    with_store(db, work)
