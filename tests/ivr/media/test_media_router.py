"""The /twilio/media WebSocket over a real uvicorn server and a real WebSocket client."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
import websockets
from fastapi import FastAPI
from twilio.request_validator import RequestValidator
from websockets.asyncio.client import ClientConnection, connect

from assist.ivr.media.router import create_media_router, stream_url
from assist.ivr.media.stream import TurnHandler
from assist.ivr.speech.audio import frames
from assist.ivr.speech.prompt_cache import PromptCache
from assist.ivr.speech.pyttsx3_synthesizer import Pyttsx3Synthesizer
from assist.ivr.speech.vosk_recognizer import VoskRecognizer
from tests.ivr.conftest import KOREAN, MenuEngine, ModelCase, pick, silence_ulaw, spoken_ulaw

TOKEN = "12345"
PUBLIC_URL = "https://assist.example.org"


@asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[int]:
    """Run `app` on uvicorn at 127.0.0.1 on a free port; yields the port."""
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield port
    finally:
        server.should_exit = True
        await task


def app_for(
    stt: VoskRecognizer, tts: Pyttsx3Synthesizer, tmp: Path, turn: TurnHandler, case: ModelCase
) -> FastAPI:
    """An app with only the media router mounted, signatures checked."""
    app = FastAPI()
    app.include_router(
        create_media_router(
            stt=stt,
            prompts=PromptCache(tts, tmp / "tts-cache"),
            turn=turn,
            auth_token=TOKEN,
            public_url=PUBLIC_URL,
            universal_words={case.language: case.universal},
        )
    )
    return app


def signed_headers() -> dict[str, str]:
    """The X-Twilio-Signature Twilio would send for the stream URL."""
    url = stream_url(PUBLIC_URL, "/twilio/media")
    return {"X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(url, {})}


class Phone:
    """Twilio's side of the WebSocket: sends the caller, collects what Assist sends."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.received: list[dict[str, Any]] = []
        self.clock_ms = 0
        self._new = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                self.received.append(json.loads(raw))
                self._new.set()
        except websockets.ConnectionClosed:
            pass
        self._new.set()

    async def send(self, message: dict[str, Any]) -> None:
        """One JSON text frame to Assist."""
        await self.ws.send(json.dumps(message))

    async def start(self) -> None:
        """connected + start."""
        await self.send({"event": "connected", "protocol": "Call", "version": "1.0.0"})
        await self.send(
            {
                "event": "start",
                "streamSid": "MZ1",
                "start": {
                    "streamSid": "MZ1",
                    "callSid": "CA1",
                    "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
                    "customParameters": {"From": "+441223000000"},
                },
            }
        )

    async def audio(self, ulaw: bytes) -> None:
        """The caller's audio in 20 ms media messages."""
        for frame in frames(ulaw):
            payload = base64.b64encode(frame).decode("ascii")
            await self.send(
                {
                    "event": "media",
                    "streamSid": "MZ1",
                    "media": {
                        "track": "inbound",
                        "timestamp": str(self.clock_ms),
                        "payload": payload,
                    },
                }
            )
            self.clock_ms += 20

    async def wait_for(self, event: str, count: int, timeout: float = 15.0) -> dict[str, Any]:
        """Wait until Assist has sent `count` messages of kind `event`; returns the last."""
        async with asyncio.timeout(timeout):
            while True:
                matching = [m for m in self.received if m["event"] == event]
                if len(matching) >= count:
                    return matching[count - 1]
                self._new.clear()
                await self._new.wait()

    async def play(self, mark: dict[str, Any]) -> None:
        """Report `mark` as played."""
        await self.send({"event": "mark", "streamSid": "MZ1", "mark": mark["mark"]})

    async def close(self) -> None:
        """Hang up: stop, then close the socket."""
        await self.send({"event": "stop", "streamSid": "MZ1", "stop": {"callSid": "CA1"}})
        await self.ws.close()
        await self._reader


async def test_a_call_over_a_real_websocket_uses_speech_keys_and_barge_in(
    recognizer: VoskRecognizer, tts: Pyttsx3Synthesizer, tmp_path: Path, case: ModelCase
) -> None:
    """Through uvicorn and a real WebSocket: the greeting is streamed, a spoken option is
    recognised with the grammar, a key press in the same stream is a key, and speaking
    over a prompt makes Assist send `clear`."""
    engine = MenuEngine(case)
    async with serve(app_for(recognizer, tts, tmp_path, engine, case)) as port:
        url = f"ws://127.0.0.1:{port}/twilio/media"
        async with connect(url, additional_headers=signed_headers()) as ws:
            phone = Phone(ws)
            await phone.start()
            greeting = await phone.wait_for("mark", 1)
            assert phone.received[0]["event"] == "media"
            await phone.play(greeting)

            word, key = next(iter(case.options.items()))
            await phone.audio(silence_ulaw(300) + spoken_ulaw(word, case.espeak_voice))
            await phone.audio(silence_ulaw(1000))
            second = await phone.wait_for("mark", 2)
            assert pick(case, engine.heard[1]) == key

            await phone.play(second)
            await phone.send({"event": "dtmf", "streamSid": "MZ1", "dtmf": {"digit": "0"}})
            await phone.wait_for("mark", 3)
            assert engine.heard[2].digits == "0"

            # Prompt 3 is still "playing" (its mark not returned): speak over it.
            await phone.audio(silence_ulaw(200) + spoken_ulaw(case.person, case.espeak_voice))
            clear = await phone.wait_for("clear", 1)
            assert clear == {"event": "clear", "streamSid": "MZ1"}
            await phone.audio(silence_ulaw(1000))
            await phone.wait_for("mark", 4)
            assert pick(case, engine.heard[3]) == "0"
            await phone.close()
    assert [h.kind for h in engine.heard] == ["start", "speech", "digits", "speech"]


async def test_an_unsigned_connection_is_refused(
    korean_recognizer: VoskRecognizer, tts: Pyttsx3Synthesizer, tmp_path: Path
) -> None:
    """Without a valid X-Twilio-Signature the WebSocket handshake is refused (403)."""
    engine = MenuEngine(KOREAN)
    async with serve(app_for(korean_recognizer, tts, tmp_path, engine, KOREAN)) as port:
        url = f"ws://127.0.0.1:{port}/twilio/media"
        for headers in ({}, {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}):
            with pytest.raises(websockets.InvalidStatus) as refused:
                async with connect(url, additional_headers=headers):
                    pass
            assert refused.value.response.status_code == 403
    assert engine.heard == []


async def test_the_server_closes_the_socket_after_a_hangup_reply(
    korean_recognizer: VoskRecognizer, tts: Pyttsx3Synthesizer, tmp_path: Path
) -> None:
    """When the engine says hang up, the socket is closed after the goodbye's mark, which
    hands the call back to the TwiML after <Connect>."""
    engine = MenuEngine(KOREAN, hangup_on="9")
    async with serve(app_for(korean_recognizer, tts, tmp_path, engine, KOREAN)) as port:
        url = f"ws://127.0.0.1:{port}/twilio/media"
        async with connect(url, additional_headers=signed_headers()) as ws:
            phone = Phone(ws)
            await phone.start()
            await phone.play(await phone.wait_for("mark", 1))
            await phone.send({"event": "dtmf", "streamSid": "MZ1", "dtmf": {"digit": "9"}})
            await phone.play(await phone.wait_for("mark", 2))
            async with asyncio.timeout(5):
                await ws.wait_closed()
            assert ws.close_code == 1000


def test_stream_url_uses_the_public_host_with_a_websocket_scheme() -> None:
    """Twilio signs wss://<public host>/twilio/media; http becomes ws."""
    assert stream_url("https://a.example/", "/twilio/media") == "wss://a.example/twilio/media"
    assert stream_url("http://127.0.0.1:8000", "/m", "x=1") == "ws://127.0.0.1:8000/m?x=1"


async def test_junk_frames_are_ignored_and_the_call_goes_on(
    korean_recognizer: VoskRecognizer, tts: Pyttsx3Synthesizer, tmp_path: Path
) -> None:
    """A binary frame or text that is not JSON does not end the stream."""
    engine = MenuEngine(KOREAN)
    async with serve(app_for(korean_recognizer, tts, tmp_path, engine, KOREAN)) as port:
        url = f"ws://127.0.0.1:{port}/twilio/media"
        async with connect(url, additional_headers=signed_headers()) as ws:
            phone = Phone(ws)
            await ws.send(b"\x00\x01")
            await ws.send("not json")
            await phone.start()
            await phone.wait_for("mark", 1)
            await phone.close()
    assert [h.kind for h in engine.heard] == ["start"]
