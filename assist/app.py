"""The top: composes every component and channel into one service and one FastAPI app.

`open_service(settings)` opens the core (`assist.service`) with every component's tables,
then adds the channels' outbox handlers, retention hooks and background jobs; `create_app`
mounts every channel's router and hands each adapter its `Parts` through `Depends`. This
module and `assist.cli` are the only places that import channel packages.
"""

from __future__ import annotations

import gc
import hmac
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Unpack

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, PlainTextResponse

from assist import __version__
from assist.api_docs import mount_api_docs
from assist.backend_client import reports as reports_table
from assist.backend_client.upkeep import report_metrics
from assist.chat.sms import store as sms_store
from assist.chat.sms.handoff import run_queue_updates
from assist.chat.sms.router import create_sms_router
from assist.chat.sms.send import SmsSender
from assist.chat.web.limits import WebChatLimits
from assist.chat.web.router import create_web_chat_router
from assist.chat.web.site import create_site_router
from assist.handoff import floods, waiting
from assist.handoff.console import create_console_router
from assist.handoff.liveness import run_liveness
from assist.handoff.retention import erase_handoff, purge_handoff
from assist.handoff.schema import MIGRATIONS as HANDOFF_MIGRATIONS
from assist.handoff.web import Console
from assist.ivr import calls as voice_calls
from assist.ivr.twilio.connect import run_claim_listener
from assist.ivr.twilio.router import create_voice_router
from assist.ivr.twilio.simulator import create_simulator_router
from assist.notify.config import NotifyConfig
from assist.notify.consent import consent_handlers
from assist.notify.privacy import erase_notify, purge_notify
from assist.notify.reminders import subscription_handlers
from assist.notify.scheduler import Notifier
from assist.notify.schema import MIGRATIONS as NOTIFY_MIGRATIONS
from assist.service import Replacements, Service, embedded_council
from assist.service import open_service as open_core
from assist.settings import Settings
from assist.store import Migration
from assist.store import core as core_store
from assist.twilio.rest import TwilioRest
from assist.twilio.webhooks import auth_token

log = logging.getLogger(__name__)


def all_migrations() -> list[Migration]:
    """Every component's tables, applied by the store at start-up."""
    return [
        *core_store.MIGRATIONS,
        *HANDOFF_MIGRATIONS,
        *reports_table.MIGRATIONS,
        *voice_calls.MIGRATIONS,
        *sms_store.MIGRATIONS,
        *NOTIFY_MIGRATIONS,
    ]


async def open_service(settings: Settings, **given: Unpack[Replacements]) -> Service:
    """The whole service: the core with every component's tables, retention hooks, outbox
    handlers and background jobs (texts, notifications, connecting claimed callers)."""
    service = await open_core(
        settings,
        all_migrations(),
        # Components first: they find the citizen's rows through the sessions that the
        # core's own eraser deletes last.
        purgers=[
            core_store.purge_core,
            purge_handoff,
            reports_table.purge_reports,
            voice_calls.purge_voice,
            purge_notify,
            sms_store.purge_sms,
        ],
        erasers=[
            reports_table.erase_reports,
            erase_handoff,
            voice_calls.erase_voice,
            erase_notify,
            sms_store.erase_sms,
            core_store.erase_core,
        ],
        **given,
    )
    _add_texts(service)
    store, clock = service.store, service.conversations.clock
    silent_s = settings.abandon_after_s
    service.jobs.append(("liveness", lambda stop: run_liveness(store, silent_s, stop, clock)))
    rest = TwilioRest(settings)
    if rest.configured:
        parts = service.parts
        service.jobs.append(("voice-claims", lambda stop: run_claim_listener(parts, rest)))
    return service


def _add_texts(service: Service) -> None:
    """Texts and notifications: the SMS sender's and subscriptions' outbox handlers, the
    notifier, and queue updates for people waiting by text."""
    settings, store, clock = service.settings, service.store, service.conversations.clock
    prompts = service.dialogue.prompts
    sender = SmsSender(store, settings, bus=service.bus, metrics=service.metrics, clock=clock)
    service.outbox.handlers.update(sender.handlers())
    service.outbox.handlers.update(subscription_handlers(store, clock))
    service.outbox.handlers.update(
        consent_handlers(store, prompts, settings.council_name, clock, service.wake_outbox)
    )
    notifier = Notifier(
        store,
        service.services,
        prompts,
        NotifyConfig.from_settings(settings),
        clock=clock,
        on_sent=service.wake_outbox,
    )
    service.jobs.append(("notifier", notifier.run))
    service.jobs.append(
        (
            "sms-queue-updates",
            lambda stop: run_queue_updates(
                store,
                prompts,
                stop,
                handle_s=settings.default_handle_time_s,
                clock=clock,
                on_sent=service.wake_outbox,
                answering=lambda now: waiting.situation(store, settings, service.services, now),
                duty_number=settings.emergency_duty_number,
            ),
        )
    )


def bind(app: FastAPI, service: Service) -> None:
    """Hand the app's routers their dependencies: the service (operations routes), the
    adapters' `Parts` and the staff console's collaborators (read through `Depends`)."""
    app.state.service = service
    app.state.parts = service.parts
    app.state.console = Console(
        service.store,
        service.settings,
        service.services,
        time.time,
        service.bus.publish,
        prompts=service.dialogue.prompts,
        wake_outbox=service.wake_outbox,
    )


def create_app(settings: Settings, service: Service | None = None) -> FastAPI:
    """Build the app; the lifespan opens the service (unless given one) and starts its
    background work, and hands the adapters their parts (`app.state.parts`, `.console`)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        given: Replacements = {"council_app": council_app} if council_app else {}
        svc = service or await open_service(settings, **given)
        bind(app, svc)
        svc.start_background()
        # Everything loaded at start-up (dialogues, the classifier, prompts, the embedded
        # council) lives as long as the process: out of the collector's sight, or each full
        # collection walks it all with the loop stopped (150-230 ms under the busy hour).
        gc.freeze()
        try:
            yield
        finally:
            await svc.close()
            speech = getattr(app.state, "speech", None)
            if speech is not None:
                speech.close()

    docs = settings.api_docs_open
    app = FastAPI(
        title="Assist",
        version=__version__,
        lifespan=lifespan,
        description="A humane way into the council by phone, SMS and web chat.",
        docs_url=None,  # served locally by `mount_api_docs`, never from a CDN
        redoc_url=None,
        openapi_url="/openapi.json" if docs else None,
    )
    if docs:
        mount_api_docs(app)
    app.add_exception_handler(UnicodeError, _not_utf8)
    app.state.settings = settings
    council_app = None
    if settings.uses_embedded_council or settings.environment == "development":
        council_app = embedded_council(settings)
        app.mount("/council", council_app)
    app.include_router(create_console_router())
    app.include_router(create_site_router())
    app.include_router(
        create_web_chat_router(
            WebChatLimits(
                messages=settings.web_chat_messages_per_window,
                window_s=settings.web_chat_window_s,
                connections_per_ip=settings.web_chat_connections_per_ip,
            )
        )
    )
    app.include_router(create_voice_router())
    app.include_router(create_sms_router())
    app.include_router(create_simulator_router())
    if settings.voice_speech == "vosk":
        _mount_self_hosted_speech(app, settings)

    @app.get("/healthz", tags=["operations"])
    async def healthz(request: Request) -> JSONResponse:
        """Whether the store, the council back end and understanding are answering."""
        svc: Service = request.app.state.service
        store_ok = await svc.store.ping()
        checks: dict[str, object] = {"store": "ok" if store_ok else "down"}
        checks.update(await _component_health(svc))
        status = 200 if store_ok else 503
        return JSONResponse(
            {
                "status": "ok" if status == 200 else "degraded",
                "version": __version__,
                "checks": checks,
            },
            status_code=status,
        )

    @app.get("/metrics", tags=["operations"], response_class=PlainTextResponse)
    async def metrics(request: Request) -> PlainTextResponse:
        """Prometheus metrics (with `ASSIST_METRICS_TOKEN` as a bearer token unless public)."""
        if not settings.metrics_open and not _metrics_allowed(settings, request):
            raise HTTPException(404)
        svc: Service = request.app.state.service
        async with svc.store.transaction() as tx:
            outbox = await core_store.outbox_counts(tx)
            active = await core_store.count_active_sessions(tx, svc.conversations.clock() - 1800)
            suspects = await floods.count_suspects(tx)
        extra = {
            "assist_outbox_pending": (
                "Side effects waiting to be delivered",
                float(outbox.get("pending", 0)),
            ),
            "assist_outbox_failed": (
                "Side effects that failed for good",
                float(outbox.get("failed", 0)),
            ),
            "assist_sessions_active": (
                "Conversations active in the last 30 minutes",
                float(active),
            ),
            "assist_queue_suspected_floods": (
                "Waiting queue places over the per-address or per-number limit",
                float(suspects),
            ),
        }
        extra.update(await report_metrics(svc.store))
        return PlainTextResponse(svc.metrics.render(extra), media_type="text/plain; version=0.0.4")

    return app


def _metrics_allowed(settings: Settings, request: Request) -> bool:
    """True when the request carries the metrics bearer token."""
    token = settings.metrics_token
    if token is None:
        return False
    given = request.headers.get("authorization", "")
    expected = "Bearer " + token.get_secret_value()
    return hmac.compare_digest(given.encode(), expected.encode())


async def _not_utf8(request: Request, exc: Exception) -> JSONResponse:
    """Text that cannot be UTF-8 (a lone surrogate in JSON) is the client's error, not a 500."""
    log.info("refused text that is not valid UTF-8 on %s", request.url.path)
    return JSONResponse({"detail": "invalid_text"}, status_code=400)


async def _component_health(svc: Service) -> dict[str, object]:
    """Health of the back end and NLU, as each component reports it."""
    out: dict[str, object] = {}
    for name, part in (("backend", svc.services), ("nlu", svc.classifier)):
        check = getattr(part, "health", None)
        if check is None:
            out[name] = "ok (in-process)"
            continue
        try:
            result = await check()
            out[name] = result if isinstance(result, dict) else str(result)
        except Exception as exc:
            out[name] = f"down ({type(exc).__name__})"
    if svc.instances is not None:
        out["instances"] = svc.instances.health()
    return out


def _mount_self_hosted_speech(app: FastAPI, settings: Settings) -> None:
    """Vosk and pyttsx3 behind the Media Streams WebSocket at /twilio/media."""
    from assist.ivr.media.router import create_media_router
    from assist.ivr.media.stream import hold_text
    from assist.ivr.media.turns import MEDIA_PATH, admit_stream, media_turn
    from assist.ivr.speech.factory import build_speech
    from assist.ivr.speech.turns import CallerInput, SpokenReply

    speech = build_speech(settings, model_language=settings.vosk_model_language)
    app.state.speech = speech

    async def turn(call_sid: str, heard: CallerInput) -> SpokenReply:
        return await media_turn(app.state.parts, call_sid, heard)

    token = settings.twilio_auth_token
    app.include_router(
        create_media_router(
            stt=speech.stt,
            prompts=speech.prompts,
            turn=turn,
            auth_token=token.get_secret_value() if token else auth_token(settings),
            public_url=settings.public_url,
            path=MEDIA_PATH,
            hold_text=lambda lang: hold_text(app.state.parts.prompts, lang),
            admit=lambda call_sid, params: admit_stream(app.state.parts, call_sid, params),
        )
    )
