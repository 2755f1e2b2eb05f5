"""The `/twilio/media` WebSocket: Twilio Media Streams in, a `MediaStreamCall` per call.

Two checks guard it. The upgrade request's `X-Twilio-Signature` covers only the stream URL
(Twilio's `<Stream>` URL takes no query), so it proves little on its own: a captured one
works for ever. So each `start` message also goes through `admit`, which binds the stream
to a call Assist answered (a single-use token issued in the `<Stream>`'s `<Parameter>`,
see assist/ivr/media/turns.py) and supplies the parameters the call may trust.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect, status
from twilio.request_validator import RequestValidator

from assist.ivr.media.stream import MediaStreamCall, TurnHandler, no_hold_text
from assist.ivr.speech.base import SpeechToText
from assist.ivr.speech.grammar import UNIVERSAL_WORDS
from assist.ivr.speech.prompt_cache import PromptCache
from assist.ivr.speech.vad import VadConfig

log = logging.getLogger(__name__)

Admit = Callable[[str, Mapping[str, str]], Awaitable[Mapping[str, str] | None]]
"""Decides whether a stream's `start` (its CallSid and `customParameters`) may open a call:
the parameters the call should use instead of the unsigned ones, or None to refuse."""


def stream_url(public_url: str, path: str, query: str = "") -> str:
    """The URL Twilio signed for a stream: `public_url`'s host with a ws/wss scheme."""
    base = public_url.rstrip("/")
    if base.startswith("https://"):
        base = "wss://" + base.removeprefix("https://")
    elif base.startswith("http://"):
        base = "ws://" + base.removeprefix("http://")
    return f"{base}{path}" + (f"?{query}" if query else "")


def create_media_router(
    *,
    stt: SpeechToText,
    prompts: PromptCache,
    turn: TurnHandler,
    auth_token: str | None,
    public_url: str,
    path: str = "/twilio/media",
    vad_config: VadConfig | None = None,
    universal_words: Mapping[str, Sequence[str]] = UNIVERSAL_WORDS,
    hold_text: Callable[[str], str | None] = no_hold_text,
    admit: Admit | None = None,
) -> APIRouter:
    """A router with the Media Streams WebSocket at `path`.

    When `auth_token` is set, the upgrade request's `X-Twilio-Signature` must match the
    stream URL (rebuilt from `public_url`, as Twilio signed it) or the socket is refused
    with close code 1008. With no token (development) every connection is accepted.
    `hold_text` gives the phrase said while a slow turn is worked out (none when not given).
    With `admit`, every `start` message is shown to it first: refused, the socket is closed
    with 1008 before any turn; admitted, the call sees the parameters `admit` returned, never
    the unsigned `customParameters`. Without it (tests of the transport) they are used as sent.
    """
    router = APIRouter()
    validator = RequestValidator(auth_token) if auth_token else None

    @router.websocket(path)
    async def media_stream(websocket: WebSocket) -> None:
        if validator is not None:
            url = stream_url(public_url, path, websocket.url.query)
            signature = websocket.headers.get("x-twilio-signature", "")
            if not signature or not validator.validate(url, {}, signature):
                log.warning("media stream refused: bad X-Twilio-Signature for %s", url)
                await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
                return
        await websocket.accept()

        async def send(message: dict[str, Any]) -> None:
            await websocket.send_text(json.dumps(message, separators=(",", ":")))

        call = MediaStreamCall(
            stt=stt,
            prompts=prompts,
            turn=turn,
            send=send,
            vad_config=vad_config,
            universal_words=universal_words,
            hold_text=hold_text,
        )
        try:
            while not call.ended:
                frame = await websocket.receive()
                if frame["type"] == "websocket.disconnect":
                    raise WebSocketDisconnect(frame.get("code", 1000))
                raw = frame.get("text")
                if raw is None:  # Twilio sends only text frames
                    continue
                try:
                    message = json.loads(raw)
                except json.JSONDecodeError:
                    log.warning("ignoring a non-JSON frame on a media stream")
                    continue
                if not isinstance(message, dict):
                    continue
                if message.get("event") == "start" and admit is not None:
                    trusted = await _admitted(admit, message)
                    if trusted is None:
                        await call.close()
                        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
                        return
                    message = {
                        **message,
                        "start": {**message["start"], "customParameters": trusted},
                    }
                await call.receive(message)
        except WebSocketDisconnect:
            await call.close()
            return
        await call.close()
        await websocket.close()

    return router


async def _admitted(admit: Admit, message: dict[str, Any]) -> dict[str, str] | None:
    """The trusted parameters for a `start` message, or None when `admit` refuses it (or
    the message is not shaped as Twilio sends it)."""
    start = message.get("start")
    params = start.get("customParameters") if isinstance(start, dict) else None
    if not isinstance(start, dict) or not isinstance(params, dict | None):
        log.warning("media stream refused: a malformed start message")
        return None
    call_sid = str(start.get("callSid") or "")
    trusted = await admit(call_sid, {str(k): str(v) for k, v in (params or {}).items()})
    if trusted is None:
        log.warning("media stream refused: no valid stream token for call %r", call_sid[:40])
        return None
    return dict(trusted)
