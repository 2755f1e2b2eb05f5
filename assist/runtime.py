"""The running service's parts, opened and closed together (app lifespan and CLI both use it)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI

from assist.backend_client import reports as reports_table
from assist.backend_client.config import embedded_fallbacks
from assist.backend_client.delivery import make_report_handler
from assist.backend_client.protocol import CouncilServices
from assist.backend_client.routing import RoutedCouncilServices
from assist.backend_client.upkeep import run_report_upkeep
from assist.conversations import Conversations, HandoffQueue
from assist.council import create_council_app
from assist.dialogue.engine import Engine
from assist.dialogue.nlu import IntentClassifier
from assist.events import EventBus
from assist.handoff.retention import erase_handoff, purge_handoff
from assist.handoff.session_queue import StoreHandoffQueue
from assist.ivr import calls as voice_store
from assist.metrics import Metrics
from assist.nlu.rasa import RasaClassifier
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
    purgers: list[Purger] = field(
        default_factory=lambda: [
            purge_core,
            purge_handoff,
            reports_table.purge_reports,
            voice_store.purge_voice,
        ]
    )
    erasers: list[Eraser] = field(
        default_factory=lambda: [
            # Components first: they find the citizen's rows through the sessions that
            # erase_core then deletes.
            reports_table.erase_reports,
            erase_handoff,
            voice_store.erase_voice,
            erase_core,
        ]
    )
    started_at: float = field(default_factory=time.time)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    closers: list[Any] = field(default_factory=list)
    jobs: list[tuple[str, Callable[[], Coroutine[Any, Any, None]]]] = field(default_factory=list)
    """Long-running background work started with the service (name, coroutine function)."""

    def start_background(self) -> None:
        """Start the outbox worker, the retention job and the channels' background work."""
        self._tasks.append(asyncio.create_task(self._outbox_loop(), name="outbox"))
        self._tasks.append(asyncio.create_task(self._retention_loop(), name="retention"))
        for name, job in self.jobs:
            self._tasks.append(asyncio.create_task(job(), name=name))

    def wake_outbox(self) -> None:
        """Tell the outbox worker there is new work (called after each turn commits)."""
        self._wake.set()

    async def _outbox_loop(self) -> None:
        await self.outbox.run_forever(self._stop, self._wake)

    async def _retention_loop(self) -> None:
        while not self._stop.is_set():
            try:
                async with self.store.transaction() as tx:
                    await reports_table.requeue_undelivered(tx)
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


def embedded_council(settings: Settings) -> FastAPI:
    """The reference council back end on its own file under the data directory."""
    return create_council_app(
        settings.data_dir / "council.db", settings.council_api_key.get_secret_value()
    )


async def open_runtime(
    settings: Settings,
    services: CouncilServices | None = None,
    classifier: IntentClassifier | None = None,
    queue: HandoffQueue | None = None,
    handlers: dict[str, Handler] | None = None,
    council_app: FastAPI | None = None,
) -> Runtime:
    """Open the store (applying migrations) and build every part from the settings.

    With no council endpoints configured, the council client talks to the embedded
    reference council in-process (the same app `assist serve` mounts at /council), so the
    terminal chat and the server file real Open311 reports without any network.
    """
    store = SQLiteStore(settings.db_path)
    await store.open(all_migrations())
    dialogue = load_dialogue()
    handlers = dict(handlers or {})
    routed: RoutedCouncilServices | None = None
    if services is None:
        transport = None
        if settings.uses_embedded_council or embedded_fallbacks(settings):
            outer = FastAPI()
            outer.mount("/council", council_app or embedded_council(settings))
            transport = httpx.ASGITransport(app=outer)
        routed = RoutedCouncilServices.from_settings(settings, store, embedded_transport=transport)
        services = routed
        handlers.setdefault("report", make_report_handler(routed, store))
        async with store.transaction() as tx:
            await reports_table.requeue_undelivered(tx)
    if classifier is None:
        classifier = (
            RasaClassifier(
                settings.rasa_url,
                settings.rasa_timeout_s,
                dialogue.fallback,
                supported_languages=settings.languages,
            )
            if settings.rasa_url
            else dialogue.fallback
        )
    queue = queue or StoreHandoffQueue()
    engine = build_engine(settings, dialogue, classifier, services)
    conversations = build_conversations(settings, store, engine, queue)
    outbox = OutboxWorker(store, handlers)
    rt = Runtime(
        settings, store, dialogue, classifier, services, queue, engine, conversations, outbox
    )
    if routed is not None:
        rt.closers.append(routed.aclose)
        rt.jobs.append(("reports", report_upkeep(routed, rt)))
    if isinstance(classifier, RasaClassifier):
        rt.closers.append(classifier.aclose)
    conversations.on_commit = rt.wake_outbox
    conversations.metrics = rt.metrics
    _add_channel_jobs(rt)
    return rt


def report_upkeep(
    routed: RoutedCouncilServices, rt: Runtime
) -> Callable[[], Coroutine[Any, Any, None]]:
    """The reports' background job: configuration check at start, held reports resent."""
    return lambda: run_report_upkeep(routed, rt.store, rt.settings, rt._stop, rt.wake_outbox)


def _add_channel_jobs(rt: Runtime) -> None:
    """The channels' outbox handlers and background work: texts, notifications, queue
    updates by SMS, and connecting claimed callers on the phone line."""
    from assist.chat.sms.wiring import install_sms, sms_background
    from assist.ivr.twilio.connect import run_claim_listener
    from assist.twilio.rest import TwilioRest

    install_sms(rt)

    async def texts() -> None:
        await asyncio.gather(*sms_background(rt, rt._stop))

    rt.jobs.append(("notifier-and-sms-queue", texts))

    rest = TwilioRest(rt.settings)
    if rest.configured:
        rt.jobs.append(("voice-claims", lambda: run_claim_listener(rt, rest)))
