"""Self-hosted speech through the whole app: the call is answered with <Connect><Stream>,
the stream's turns run through the same conversation runner, and a handoff ends in the queue."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI
from twilio.request_validator import RequestValidator
from websockets.asyncio.client import connect

from assist.app import create_app
from assist.handoff.agents import sign_in
from assist.ivr.media.router import stream_url
from assist.settings import Settings
from assist.twilio.webhooks import DEV_AUTH_TOKEN
from tests.ivr.conftest import KOREAN, korean_model_path, silence_ulaw, spoken_ulaw
from tests.ivr.media.test_media_router import Phone

PUBLIC = "https://assist.example.org"
CALLER = "+447700900777"


@asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[int]:
    """The app on uvicorn at 127.0.0.1 with its lifespan (store, runtime) running."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        await task


def _signed(path: str, form: dict[str, str]) -> dict[str, str]:
    sig = RequestValidator(DEV_AUTH_TOKEN).compute_signature(PUBLIC + path, form)
    return {"X-Twilio-Signature": sig}


def stream_token(twiml: str) -> str:
    """The single-use token the `<Stream>` carries, as Twilio passes it to the stream."""
    found = re.search(r'<Parameter name="token" value="([^"]+)"', twiml)
    assert found is not None, twiml
    return found.group(1)


async def _session(app: FastAPI) -> tuple[str, str]:
    rt = app.state.service
    async with rt.store.transaction() as tx:
        row = await tx.fetchone(
            "SELECT state FROM sessions WHERE sender = ? ORDER BY updated_at DESC", (CALLER,)
        )
    assert row is not None
    state = json.loads(row["state"])
    return f"{state['flow']}.{state['step']}", state["status"]


async def test_a_self_hosted_call_walks_the_menu_and_reaches_the_queue(tmp_path: Path) -> None:
    """Keys in the media stream move through the real menus; speech the model cannot
    understand is asked again, then goes to a person; the stream's close leads to <Enqueue>."""
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
    call = {
        "CallSid": "CA" + "7" * 32,
        "From": CALLER,
        "To": "+441223000000",
        "CallStatus": "ringing",
    }
    async with serve(app) as port, httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as web:
        answer = await web.post("/twilio/voice", data=call, headers=_signed("/twilio/voice", call))
        assert answer.status_code == 200
        assert "<Connect" in answer.text and "wss://assist.example.org/twilio/media" in answer.text
        async with app.state.service.store.transaction() as tx:  # someone is answering
            await sign_in(tx, "duty@council.example", [], time.time())
        token = stream_token(answer.text)

        url = stream_url(PUBLIC, "/twilio/media")
        headers = {
            "X-Twilio-Signature": RequestValidator(DEV_AUTH_TOKEN).compute_signature(url, {})
        }
        async with connect(f"ws://127.0.0.1:{port}/twilio/media", additional_headers=headers) as ws:
            phone = Phone(ws)
            await phone.send({"event": "connected", "protocol": "Call", "version": "1.0.0"})
            await phone.send(
                {
                    "event": "start",
                    "streamSid": "MZ1",
                    "start": {
                        "streamSid": "MZ1",
                        "callSid": "CA" + "7" * 32,
                        "customParameters": {"token": token},
                        "mediaFormat": {
                            "encoding": "audio/x-mulaw",
                            "sampleRate": 8000,
                            "channels": 1,
                        },
                    },
                }
            )
            await phone.play(await phone.wait_for("mark", 1, timeout=30))
            assert await _session(app) == ("main.menu", "active")

            await phone.send({"event": "dtmf", "streamSid": "MZ1", "dtmf": {"digit": "2"}})
            await phone.play(await phone.wait_for("mark", 2, timeout=30))
            assert await _session(app) == ("main.report_menu", "active")

            for n in (3, 4):  # Korean speech to an English menu: heard, not understood
                await phone.audio(silence_ulaw(300) + spoken_ulaw(KOREAN.person, "ko"))
                await phone.audio(silence_ulaw(1200))
                await phone.play(await phone.wait_for("mark", n, timeout=30))
            assert await _session(app) == ("main.report_menu", "queued")
            # Handed off: Assist ends the stream itself, and Twilio moves on to the action URL.
            await asyncio.wait_for(phone._reader, timeout=15)

        done = {"CallSid": "CA" + "7" * 32, "From": CALLER, "To": "+441223000000"}
        after = await web.post(
            "/twilio/voice/after-stream",
            data=done,
            headers=_signed("/twilio/voice/after-stream", done),
        )
        assert after.status_code == 200 and "<Enqueue" in after.text
