"""A runtime and a small app for the phone line alone (simulator, `assist call`, benchmark).

`assist serve` mounts the router on the main app (the lead's wiring); this module gives the
same webhooks a home when only the phone line is wanted, and opens the runtime with the
handoff queue and the phone line's own table, so the queue and hold loop work end to end.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from assist.handoff import MIGRATIONS as HANDOFF_MIGRATIONS
from assist.ivr import voice_store
from assist.ivr.voice import create_voice_router
from assist.runtime import Runtime, open_runtime
from assist.settings import Settings
from assist.store import SQLiteStore
from assist.store.base import Migration
from assist.wiring import all_migrations


def voice_migrations() -> list[Migration]:
    """Core, handoff and phone-line tables (each component's step once, whatever the wiring
    already lists)."""
    seen: set[tuple[str, int]] = set()
    out: list[Migration] = []
    for m in [*all_migrations(), *HANDOFF_MIGRATIONS, *voice_store.MIGRATIONS]:
        if (m.component, m.version) not in seen:
            seen.add((m.component, m.version))
            out.append(m)
    return out


async def open_voice_runtime(settings: Settings, **kwargs: Any) -> Runtime:
    """`open_runtime` plus the phone line's table (applied first, on the same file) and its
    retention and erasure hooks."""
    pre = SQLiteStore(settings.db_path)
    await pre.open(voice_migrations())
    await pre.close()
    rt = await open_runtime(settings, **kwargs)
    rt.purgers.append(voice_store.purge_voice)
    rt.erasers.append(voice_store.erase_voice)
    return rt


def create_phone_app(
    settings: Settings, runtime: Runtime | None = None, simulator: bool = True
) -> FastAPI:
    """The phone line's webhooks (and the `/try/phone` simulator) as an app of their own."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        rt = runtime or await open_voice_runtime(settings)
        app.state.runtime = rt
        rt.start_background()
        try:
            yield
        finally:
            await rt.close()

    app = FastAPI(title="Assist phone line", lifespan=lifespan)
    app.state.settings = settings
    app.include_router(create_voice_router())
    if simulator:
        from assist.ivr.voice_sim import create_simulator_router

        app.include_router(create_simulator_router())
    return app
