"""A media stream opens only for a call Assist answered: a single-use, expiring token issued
in the `<Stream>` TwiML, checked against the CallSid; the caller's number is the recorded one."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from twilio.request_validator import RequestValidator
from websockets.asyncio.client import connect

from assist.app import create_app, open_service
from assist.dialogue.types import Channel
from assist.ivr import calls as voice_store
from assist.ivr.media.router import stream_url
from assist.ivr.media.turns import admit_stream, issue_stream, media_turn
from assist.ivr.speech.turns import CallerInput
from assist.parts import Parts
from assist.service import Service
from assist.settings import Settings
from assist.twilio.webhooks import DEV_AUTH_TOKEN
from tests.ivr.conftest import korean_model_path
from tests.ivr.media.test_assist_serve_media import serve

CALLER = "+447700900123"
SPOOFED = "+447700900999"
SID = "CA" + "a" * 32
OTHER_SID = "CA" + "b" * 32
PUBLIC = "https://assist.example.org"


def token_in(twiml: str) -> str:
    """The token the `<Stream>`'s `<Parameter>` carries."""
    found = re.search(r'<Parameter name="token" value="([^"]+)"', twiml)
    assert found is not None, twiml
    return found.group(1)


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[Service]:
    svc = await open_service(Settings(data_dir=tmp_path, rasa_url=None, _env_file=None))  # type: ignore[call-arg]
    try:
        yield svc
    finally:
        await svc.close()


async def answered(parts: Parts, call_sid: str = SID, sender: str = CALLER) -> str:
    """Record a call as `/twilio/voice` does and answer it with a stream; returns the token."""
    async with parts.store.transaction() as tx:
        await voice_store.record_call(tx, call_sid, sender, parts.conversations.clock())
    return token_in(await issue_stream(parts, call_sid))


async def test_a_token_opens_its_call_once(service: Service) -> None:
    """The token admits a stream for its CallSid once; replayed, it is refused."""
    parts = service.parts
    token = await answered(parts)
    assert await admit_stream(parts, SID, {"token": token}) == {"From": CALLER}
    assert await admit_stream(parts, SID, {"token": token}) is None


async def test_an_unknown_call_is_refused(service: Service) -> None:
    """A CallSid never announced to /twilio/voice opens nothing, even with another call's
    valid token, and that token still works for its own call afterwards."""
    parts = service.parts
    token = await answered(parts)
    assert await admit_stream(parts, OTHER_SID, {"token": token}) is None
    assert await admit_stream(parts, OTHER_SID, {}) is None
    assert await admit_stream(parts, "", {"token": ""}) is None
    assert await admit_stream(parts, SID, {"token": token + "x"}) is None
    assert await admit_stream(parts, SID, {"token": token}) == {"From": CALLER}


async def test_an_expired_token_is_refused(service: Service) -> None:
    """A token older than its time to live opens nothing."""
    parts = service.parts
    now = parts.conversations.clock()
    async with parts.store.transaction() as tx:
        await voice_store.record_call(tx, SID, CALLER, now)
        token = await voice_store.issue_stream_token(
            tx, SID, now - voice_store.STREAM_TOKEN_TTL_S - 1
        )
    assert await admit_stream(parts, SID, {"token": token}) is None


async def test_a_new_answer_replaces_the_earlier_token(service: Service) -> None:
    """Answering the call again (a Twilio retry) leaves only the newest token valid."""
    parts = service.parts
    first = await answered(parts)
    second = token_in(await issue_stream(parts, SID))
    assert await admit_stream(parts, SID, {"token": first}) is None
    assert await admit_stream(parts, SID, {"token": second}) == {"From": CALLER}


async def test_no_token_for_a_call_never_recorded(service: Service) -> None:
    """A stream is issued only for a call Assist recorded."""
    with pytest.raises(LookupError):
        await issue_stream(service.parts, OTHER_SID)


async def test_the_token_is_stored_only_as_a_hash(service: Service) -> None:
    """The table holds no usable token, and the TwiML carries no caller number."""
    parts = service.parts
    token = await answered(parts)
    async with parts.store.transaction() as tx:
        row = await voice_store.get_call(tx, SID)
    assert row is not None and token not in json.dumps(row)
    document = await issue_stream(parts, SID)
    assert CALLER not in document and "From" not in document


async def test_a_spoofed_from_has_no_effect(service: Service) -> None:
    """A `From` in the stream's parameters is replaced by the recorded number, so the turn
    opens the real caller's conversation and none for the spoofed number."""
    parts = service.parts
    token = await answered(parts)
    trusted = await admit_stream(parts, SID, {"token": token, "From": SPOOFED})
    assert trusted == {"From": CALLER}
    await media_turn(parts, SID, CallerInput("start", parameters=trusted))
    assert await parts.conversations.find(Channel.VOICE, CALLER) is not None
    assert await parts.conversations.find(Channel.VOICE, SPOOFED) is None


def _start(call_sid: str, parameters: dict[str, str]) -> dict[str, Any]:
    return {
        "event": "start",
        "streamSid": "MZ1",
        "start": {
            "streamSid": "MZ1",
            "callSid": call_sid,
            "customParameters": parameters,
            "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
        },
    }


async def _stream(port: int, start: dict[str, Any] | str) -> tuple[int | None, list[Any]]:
    """Open a signed stream, send `start`; returns the close code (None if still open after
    the first reply) and what Assist sent."""
    url = stream_url(PUBLIC, "/twilio/media")
    headers = {"X-Twilio-Signature": RequestValidator(DEV_AUTH_TOKEN).compute_signature(url, {})}
    received: list[Any] = []
    async with connect(f"ws://127.0.0.1:{port}/twilio/media", additional_headers=headers) as ws:
        await ws.send(start if isinstance(start, str) else json.dumps(start))
        try:
            async for raw in ws:
                received.append(json.loads(raw))
                if received[-1]["event"] == "mark":
                    return None, received
        except websockets.ConnectionClosed:
            pass
    return ws.close_code, received


async def test_over_the_real_app_only_the_answered_call_streams(tmp_path: Path) -> None:
    """Through `assist serve` with self-hosted speech: unknown CallSid, missing token,
    malformed start and a replayed token are closed with 1008 before any audio; the real
    token opens the call, for the recorded number even with a spoofed From."""
    settings = Settings(
        data_dir=tmp_path,
        public_url=PUBLIC,
        rasa_url="",
        voice_speech="vosk",
        vosk_model_path=korean_model_path(),
        vosk_model_language="ko",
        opening_hours="Mon-Sun 00:00-23:59",
        _env_file=None,  # type: ignore[call-arg]
    )
    app = create_app(settings)
    call = {"CallSid": SID, "From": CALLER, "To": "+441223000000", "CallStatus": "ringing"}
    sig = RequestValidator(DEV_AUTH_TOKEN).compute_signature(PUBLIC + "/twilio/voice", call)
    async with serve(app) as port, httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as web:
        answer = await web.post("/twilio/voice", data=call, headers={"X-Twilio-Signature": sig})
        token = token_in(answer.text)

        for refused in (
            _start(OTHER_SID, {"token": token, "From": SPOOFED}),
            _start(SID, {"From": CALLER}),
            json.dumps({"event": "start", "start": "CA"}),
        ):
            assert await _stream(port, refused) == (1008, [])

        code, sent = await _stream(port, _start(SID, {"token": token, "From": SPOOFED}))
        assert code is None and sent[0]["event"] == "media"
        parts = app.state.parts
        assert await parts.conversations.find(Channel.VOICE, CALLER) is not None
        assert await parts.conversations.find(Channel.VOICE, SPOOFED) is None

        assert await _stream(port, _start(SID, {"token": token})) == (1008, [])
