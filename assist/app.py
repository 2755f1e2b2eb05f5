"""`create_app(settings)`: the FastAPI application with every channel mounted."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse

from assist import __version__
from assist.backend_client.upkeep import report_metrics
from assist.chat.sms.router import create_sms_router
from assist.chat.web.limits import WebChatLimits
from assist.chat.web.router import create_web_chat_router
from assist.handoff.console import create_console_router
from assist.ivr.twilio.router import create_voice_router
from assist.ivr.twilio.simulator import create_simulator_router
from assist.runtime import Runtime, embedded_council, open_runtime
from assist.settings import Settings
from assist.site import create_site_router
from assist.twilio.webhooks import auth_token


def create_app(settings: Settings, runtime: Runtime | None = None) -> FastAPI:
    """Build the app; the lifespan opens the store and starts background work."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        rt = runtime or await open_runtime(settings, council_app=council_app)
        app.state.runtime = rt
        rt.start_background()
        try:
            yield
        finally:
            await rt.close()
            speech = getattr(app.state, "speech", None)
            if speech is not None:
                speech.close()

    app = FastAPI(
        title="Assist",
        version=__version__,
        lifespan=lifespan,
        description="A humane way into the council by phone, SMS and web chat.",
    )
    app.state.settings = settings
    council_app = None
    if settings.uses_embedded_council or settings.environment == "development":
        council_app = embedded_council(settings)
        app.mount("/council", council_app)
    app.include_router(
        create_console_router(
            lambda: app.state.runtime.store,
            settings,
            lambda: app.state.runtime.services,
            publish=lambda topic, event: app.state.runtime.bus.publish(topic, event),
        )
    )
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
        rt: Runtime = request.app.state.runtime
        store_ok = await rt.store.ping()
        checks: dict[str, object] = {"store": "ok" if store_ok else "down"}
        checks.update(await _component_health(rt))
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
        """Prometheus metrics."""
        rt: Runtime = request.app.state.runtime
        async with rt.store.transaction() as tx:
            pending = await tx.fetchone("SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending'")
            failed = await tx.fetchone("SELECT COUNT(*) AS n FROM outbox WHERE status = 'failed'")
            active = await tx.fetchone(
                "SELECT COUNT(*) AS n FROM sessions WHERE status IN ('active','queued',"
                "'with_agent') AND updated_at > ?",
                (rt.conversations.clock() - 1800,),
            )
        extra = {
            "assist_outbox_pending": (
                "Side effects waiting to be delivered",
                float(pending["n"] if pending else 0),
            ),
            "assist_outbox_failed": (
                "Side effects that failed for good",
                float(failed["n"] if failed else 0),
            ),
            "assist_sessions_active": (
                "Conversations active in the last 30 minutes",
                float(active["n"] if active else 0),
            ),
        }
        extra.update(await report_metrics(rt.store))
        return PlainTextResponse(rt.metrics.render(extra), media_type="text/plain; version=0.0.4")

    return app


async def _component_health(rt: Runtime) -> dict[str, object]:
    """Health of the back end and NLU, as each component reports it."""
    out: dict[str, object] = {}
    for name, part in (("backend", rt.services), ("nlu", rt.classifier)):
        check = getattr(part, "health", None)
        if check is None:
            out[name] = "ok (in-process)"
            continue
        try:
            result = await check()
            out[name] = result if isinstance(result, dict) else str(result)
        except Exception as exc:
            out[name] = f"down ({type(exc).__name__})"
    return out


def _mount_self_hosted_speech(app: FastAPI, settings: Settings) -> None:
    """Vosk and pyttsx3 behind the Media Streams WebSocket at /twilio/media."""
    from assist.ivr.media.router import create_media_router
    from assist.ivr.media.turns import MEDIA_PATH, create_media_voice_router, media_turn
    from assist.ivr.speech.factory import build_speech
    from assist.ivr.speech.turns import CallerInput, SpokenReply

    speech = build_speech(settings, model_language=settings.vosk_model_language)
    app.state.speech = speech

    async def turn(call_sid: str, heard: CallerInput) -> SpokenReply:
        return await media_turn(app.state.runtime, call_sid, heard)

    token = settings.twilio_auth_token
    app.include_router(
        create_media_router(
            stt=speech.stt,
            prompts=speech.prompts,
            turn=turn,
            auth_token=token.get_secret_value() if token else auth_token(settings),
            public_url=settings.public_url,
            path=MEDIA_PATH,
        )
    )
    app.include_router(create_media_voice_router())
