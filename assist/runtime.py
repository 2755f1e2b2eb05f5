"""The running service's parts, opened and closed together (app lifespan and CLI both use it)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from assist.backend_client.protocol import CouncilServices
from assist.conversations import Conversations, HandoffQueue
from assist.dialogue.engine import Engine
from assist.dialogue.nlu import IntentClassifier
from assist.events import EventBus
from assist.handoff.retention import erase_handoff, purge_handoff
from assist.handoff.runner import StoreHandoffQueue
from assist.metrics import Metrics
from assist.outbox import Handler, OutboxWorker
from assist.privacy import Eraser, Purger, erase_core, purge_core, purge_older_than
from assist.settings import Settings
from assist.store import SQLiteStore
from assist.wiring import (
    Dialogue,
    all_migrations,
    build_conversations,
    build_engine,
    load_dialogue,
)

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """Everything a request handler or a CLI command needs, built from one `Settings`."""

    settings: Settings
    store: SQLiteStore
    dialogue: Dialogue
    classifier: IntentClassifier
    services: CouncilServices
    queue: HandoffQueue
    engine: Engine
    conversations: Conversations
    outbox: OutboxWorker
    metrics: Metrics = field(default_factory=Metrics)
    bus: EventBus = field(default_factory=EventBus)
    purgers: list[Purger] = field(default_factory=lambda: [purge_core, purge_handoff])
    erasers: list[Eraser] = field(default_factory=lambda: [erase_core, erase_handoff])
    started_at: float = field(default_factory=time.time)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    closers: list[Any] = field(default_factory=list)

    def start_background(self) -> None:
        """Start the outbox worker and the retention job."""
        self._tasks.append(asyncio.create_task(self._outbox_loop(), name="outbox"))
        self._tasks.append(asyncio.create_task(self._retention_loop(), name="retention"))

    def wake_outbox(self) -> None:
        """Tell the outbox worker there is new work (called after each turn commits)."""
        self._wake.set()

    async def _outbox_loop(self) -> None:
        await self.outbox.run_forever(self._stop, self._wake)

    async def _retention_loop(self) -> None:
        while not self._stop.is_set():
            try:
                n = await purge_older_than(self.store, self.settings.retention_days, self.purgers)
                if n:
                    log.info(
                        "retention: deleted %d rows older than %d days",
                        n,
                        self.settings.retention_days,
                    )
            except Exception:
                log.exception("retention pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=3600)

    async def close(self) -> None:
        """Stop background work and close the store and clients."""
        self._stop.set()
        self._wake.set()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for closer in self.closers:
            with contextlib.suppress(Exception):
                await closer()
        await self.store.close()


async def open_runtime(
    settings: Settings,
    services: CouncilServices | None = None,
    classifier: IntentClassifier | None = None,
    queue: HandoffQueue | None = None,
    handlers: dict[str, Handler] | None = None,
) -> Runtime:
    """Open the store (applying migrations) and build every part from the settings."""
    store = SQLiteStore(settings.db_path)
    await store.open(all_migrations())
    dialogue = load_dialogue()
    if services is None:
        from assist.backend_client.memory import InMemoryCouncilServices

        services = InMemoryCouncilServices()
    classifier = classifier or dialogue.fallback
    queue = queue or StoreHandoffQueue()
    engine = build_engine(settings, dialogue, classifier, services)
    conversations = build_conversations(settings, store, engine, queue)
    outbox = OutboxWorker(store, handlers or {})
    rt = Runtime(
        settings, store, dialogue, classifier, services, queue, engine, conversations, outbox
    )
    conversations.on_commit = rt.wake_outbox
    return rt
