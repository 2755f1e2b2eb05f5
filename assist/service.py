"""The service's core parts, built from one `Settings` and opened and closed together.

`open_service` builds what every channel shares: the store (with the migrations it is
given), the dialogue (flows, prompts, the in-process classifier), understanding (Rasa or
the fallback), council services, the turn runner and the outbox worker. It imports no
channel: the top (`assist.app`, `assist.cli`) adds the channels' tables, outbox handlers,
retention hooks and background jobs, and hands each adapter the `Parts` it needs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict, Unpack

import httpx
from fastapi import FastAPI

from assist.backend_client import reports as reports_table
from assist.backend_client.config import embedded_fallbacks
from assist.backend_client.delivery import REPORT_RETRY, make_report_handler
from assist.backend_client.protocol import CouncilServices
from assist.backend_client.routing import RoutedCouncilServices
from assist.backend_client.upkeep import run_report_upkeep
from assist.conversations import Conversations, HandoffQueue
from assist.council.app import create_council_app
from assist.dialogue.engine import Engine, EngineConfig
from assist.dialogue.flows import FlowSet, load_flows
from assist.dialogue.language import detect_language
from assist.dialogue.nlu import IntentClassifier
from assist.dialogue.prompts import Prompts
from assist.events import EventBus
from assist.handoff.session_queue import StoreHandoffQueue
from assist.instances import Instances, join_instances
from assist.metrics import Metrics
from assist.nlu.cache import ParseCache
from assist.nlu.fallback import TfidfClassifier
from assist.nlu.rasa import RasaClassifier
from assist.nlu.replicas import RasaReplicas, rasa_from_urls
from assist.outbox import Handler, OutboxWorker
from assist.parts import Parts
from assist.privacy import Eraser, Purger, purge_older_than
from assist.settings import Settings
from assist.store import Migration, Store

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
DIALOGUES = REPO_ROOT / "dialogues"

Job = Callable[[asyncio.Event], Coroutine[Any, Any, None]]
"""Long-running background work: runs until the event is set (or it is cancelled)."""


def dialogues_dir() -> Path:
    """Where flows, prompts and NLU data live (the repository's dialogues/)."""
    return DIALOGUES


@dataclass
class Dialogue:
    """Flows, prompts and the in-process classifier, loaded once per process."""

    flows: FlowSet
    prompts: Prompts
    fallback: TfidfClassifier


def load_dialogue(directory: Path | None = None) -> Dialogue:
    """Load flows, prompts and train the fallback classifier from `dialogues/`."""
    d = directory or dialogues_dir()
    return Dialogue(
        load_flows(d / "flows"),
        Prompts.load(d / "prompts"),
        TfidfClassifier.from_rasa_dir(d / "rasa"),
    )


def engine_config(settings: Settings) -> EngineConfig:
    """The engine's view of the settings."""
    return EngineConfig(
        languages=tuple(settings.languages),
        nlu_threshold=settings.nlu_threshold,
        council_name=settings.council_name,
        call_cost_sentence=settings.call_cost_sentence,
        phone=settings.phone_number_display,
        hours=settings.opening_hours,
    )


def build_engine(
    settings: Settings, dialogue: Dialogue, classifier: IntentClassifier, services: CouncilServices
) -> Engine:
    """The conversation engine for these settings."""
    languages = tuple(settings.languages)
    return Engine(
        dialogue.flows,
        dialogue.prompts,
        classifier,
        services,
        engine_config(settings),
        detect_language=lambda text: detect_language(text, languages),
    )


def embedded_council(settings: Settings) -> FastAPI:
    """The reference council back end on its own file under the data directory."""
    return create_council_app(
        settings.data_dir / "council.db", settings.council_api_key.get_secret_value()
    )


@dataclass
class Service:
    """The running service's core, shared by every channel (see the module docstring)."""

    settings: Settings
    store: Store
    dialogue: Dialogue
    classifier: IntentClassifier
    services: CouncilServices
    queue: HandoffQueue
    engine: Engine
    conversations: Conversations
    outbox: OutboxWorker
    metrics: Metrics = field(default_factory=Metrics)
    bus: EventBus = field(default_factory=EventBus)
    purgers: list[Purger] = field(default_factory=list)
    erasers: list[Eraser] = field(default_factory=list)
    """Retention and erasure hooks, components first (they find a citizen's rows through
    the sessions that the core's own eraser deletes last)."""
    jobs: list[tuple[str, Job]] = field(default_factory=list)
    """Long-running background work started with the service (name, job)."""
    closers: list[Callable[[], Awaitable[Any]]] = field(default_factory=list)
    instances: Instances | None = None
    """Links to the other instances on the same PostgreSQL database (None on SQLite)."""
    started_at: float = field(default_factory=time.time)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[Any]] = field(default_factory=list)

    @property
    def parts(self) -> Parts:
        """What adapters (channels, the staff console) are given: nothing more."""
        return Parts(
            settings=self.settings,
            store=self.store,
            conversations=self.conversations,
            prompts=self.dialogue.prompts,
            services=self.services,
            bus=self.bus,
            metrics=self.metrics,
            wake_outbox=self.wake_outbox,
            hours_in_words=self.engine.hours_in_words,
        )

    def start_background(self) -> None:
        """Start the outbox worker, the retention pass and the added jobs."""
        self._tasks.append(asyncio.create_task(self._outbox_loop(), name="outbox"))
        self._tasks.append(asyncio.create_task(self._retention_loop(), name="retention"))
        for name, job in self.jobs:
            self._tasks.append(asyncio.create_task(job(self._stop), name=name))

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


class Replacements(TypedDict, total=False):
    """Parts a caller (a test, a benchmark) may hand in instead of the ones built from the
    settings."""

    services: CouncilServices
    """Council services (default: routed to the configured or embedded council)."""
    classifier: IntentClassifier
    """Understanding (default: Rasa when `rasa_url` is set, else the in-process classifier)."""
    queue: HandoffQueue
    """Where hand-offs go (default: the store-backed handoff queue)."""
    handlers: dict[str, Handler]
    """Outbox handlers by kind (the report handler is added unless given)."""
    council_app: FastAPI
    """The embedded council app to talk to in-process (default: a new one)."""


async def open_service(
    settings: Settings,
    migrations: Iterable[Migration],
    *,
    purgers: Iterable[Purger] = (),
    erasers: Iterable[Eraser] = (),
    **given: Unpack[Replacements],
) -> Service:
    """Open the store (applying `migrations`) and build the core from the settings.

    With no council endpoints configured, the council client talks to the embedded
    reference council in-process (the same app `assist serve` mounts at /council), so the
    terminal chat and the server file real Open311 reports without any network.
    """
    store = settings.store()
    await store.open(migrations)
    dialogue = load_dialogue()
    services, classifier = given.get("services"), given.get("classifier")
    council_app = given.get("council_app")
    handlers = dict(given.get("handlers") or {})
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
            rasa_from_urls(
                settings.rasa_urls,
                settings.rasa_timeout_s,
                dialogue.fallback,
                settings.languages,
                cache=ParseCache(),
            )
            if settings.rasa_urls
            else dialogue.fallback
        )
    queue = given.get("queue") or StoreHandoffQueue(
        per_source=settings.queue_per_source,
        secret=settings.secret_key.get_secret_value().encode(),
    )
    engine = build_engine(settings, dialogue, classifier, services)
    conversations = Conversations(
        store, engine, queue, resume_window_s=settings.session_resume_minutes * 60
    )
    service = Service(
        settings,
        store,
        dialogue,
        classifier,
        services,
        queue,
        engine,
        conversations,
        OutboxWorker(store, handlers, policies={"report": REPORT_RETRY}),
        purgers=list(purgers),
        erasers=list(erasers),
    )
    if routed is not None:
        service.closers.append(routed.aclose)
        # Configuration check at start, then held reports sent again on a schedule.
        upkept = routed
        service.jobs.append(
            (
                "reports",
                lambda stop: run_report_upkeep(upkept, store, settings, stop, service.wake_outbox),
            )
        )
    if isinstance(classifier, RasaClassifier | RasaReplicas):
        service.closers.append(classifier.aclose)
        service.jobs.append(("rasa-watch", classifier.watch))  # picks Rasa up when it appears
    conversations.on_commit = service.wake_outbox
    conversations.metrics = service.metrics
    if settings.database_url is not None:
        service.instances = await join_instances(service, settings.database_url.get_secret_value())
    return service
