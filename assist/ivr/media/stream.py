"""`MediaStreamCall`: one phone call over Twilio Media Streams, spoken and heard locally.

Transport-agnostic: feed it Twilio's parsed JSON messages (`connected`, `start`, `media`,
`dtmf`, `mark`, `stop`) with `receive`; it sends Twilio's outbound messages (`media`,
`mark`, `clear`) through the `send` callable it was given, and asks the conversation
engine what to say through a `TurnHandler`. Time is the stream's own clock (each inbound
`media` frame is 20 ms), so timeouts need no timers and tests are deterministic.

One turn: speak the reply's prompts (from the prompt cache) and a mark → when Twilio
reports the mark played, listen → energy VAD finds the start of speech → a recognition
stream (grammar = the step's option words + the universal words) hears it → ~700 ms of
quiet ends it → the engine gets the words and confidence → the next reply. Speech or a key
during playback sends `clear` (barge-in). Keys are collected like `<Gather>`: up to
`max_digits`, `#` ends early. Silence for `input_timeout_s` after a prompt is a turn too.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import collections
import enum
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from assist.dialogue.prompts import Prompts
from assist.ivr.speech.audio import FRAME_MS, TELEPHONE_RATE, frames, ulaw_decode, ulaw_rms
from assist.ivr.speech.base import SpeechResult, SpeechStream, SpeechToText
from assist.ivr.speech.grammar import UNIVERSAL_WORDS
from assist.ivr.speech.prompt_cache import PromptCache
from assist.ivr.speech.turns import CallerInput, SpokenReply, TurnHandler
from assist.ivr.speech.vad import BARGE_IN_VAD, EnergyVad, VadConfig, VadEvent
from assist.ivr.speech.voices import rate_for

__all__ = [
    "CallState",
    "CallerInput",
    "MediaStreamCall",
    "SpokenReply",
    "TurnHandler",
    "choose_result",
    "hold_text",
    "no_hold_text",
]

log = logging.getLogger(__name__)

HOLD_KEY = "voice.hold"
"""The prompt said when the engine takes longer than `hold_after_s` ("One moment, please."),
so the caller never hears dead air."""


def hold_text(prompts: Prompts, language: str) -> str | None:
    """The holding phrase in `language` from the prompts, or None when it has none."""
    return prompts.get(language, HOLD_KEY) if prompts.has(language, HOLD_KEY) else None


def no_hold_text(language: str) -> str | None:
    """No holding phrase in any language (the default: silence until the reply)."""
    return None


Message = dict[str, Any]
"""One Twilio Media Streams JSON message, parsed."""
Send = Callable[[Message], Awaitable[None]]
"""Delivers one outbound message to Twilio (the WebSocket, or a list in tests)."""


def choose_result(results: Sequence[SpeechResult]) -> SpeechResult:
    """The result to give the engine: the first (grammar) one when it was understood,
    else the first later (free) one that heard words, else the first.

    Raises ValueError for no results."""
    if not results:
        raise ValueError("no recognition results")
    if results[0].understood:
        return results[0]
    for result in results[1:]:
        if result.text:
            return result
    return results[0]


class CallState(enum.Enum):
    """Where the call is."""

    WAITING = "waiting"
    """No `start` message yet."""
    SPEAKING = "speaking"
    """Prompt audio queued at Twilio; waiting for its mark."""
    LISTENING = "listening"
    """Waiting for speech, keys or the input timeout."""
    ENDED = "ended"
    """Stream stopped or the engine asked to hang up: close the WebSocket."""


@dataclass
class CallMetrics:
    """Timings for one call (benchmarks and logs)."""

    reply_latencies_s: list[float] = field(default_factory=list)
    """Wall time from detecting the end of an utterance to the reply's first media message."""
    recognitions: list[tuple[str, float]] = field(default_factory=list)
    """(text, confidence) of every final recognition."""
    barge_ins: int = 0
    """How many times playback was cleared because the caller spoke or pressed a key."""


class MediaStreamCall:
    """The state of one Twilio Media Streams call; feed it messages from one task."""

    def __init__(
        self,
        *,
        stt: SpeechToText,
        prompts: PromptCache,
        turn: TurnHandler,
        send: Send,
        vad_config: VadConfig | None = None,
        barge_in_config: VadConfig = BARGE_IN_VAD,
        hold_after_s: float = 1.5,
        hold_text: Callable[[str], str | None] = no_hold_text,
        universal_words: Mapping[str, Sequence[str]] = UNIVERSAL_WORDS,
        preroll_ms: int = 300,
        feed_ms: int = 100,
    ) -> None:
        self._stt = stt
        self._prompts = prompts
        self._turn = turn
        self._send = send
        self._vad = EnergyVad(vad_config)
        self._barge_vad = EnergyVad(barge_in_config)
        self._hold_after_s = hold_after_s
        self._hold_text = hold_text
        self._universal = universal_words
        self._preroll: collections.deque[bytes] = collections.deque(
            maxlen=max(1, preroll_ms // FRAME_MS)
        )
        self._feed_bytes = 2 * TELEPHONE_RATE * feed_ms // 1000
        self.state = CallState.WAITING
        self.stream_sid = ""
        self.call_sid = ""
        self.parameters: dict[str, str] = {}
        self.metrics = CallMetrics()
        self._reply = SpokenReply(texts=())
        self._clock_ms = 0
        self._listen_since_ms = 0
        self._mark_seq = 0
        self._awaited_mark: str | None = None
        self._hangup_after_mark = False
        self._digits = ""
        self._last_key_ms = 0
        self._recognition: list[SpeechStream] = []
        self._in_utterance = False
        self._pending_pcm = bytearray()

    @property
    def ended(self) -> bool:
        """True when the transport should close the stream."""
        return self.state is CallState.ENDED

    async def receive(self, message: Message) -> None:
        """Handle one message from Twilio; unknown events are ignored."""
        event = message.get("event")
        if self.state is CallState.ENDED:
            return
        if event == "start":
            await self._on_start(message)
        elif event == "media":
            await self._on_media(message)
        elif event == "dtmf":
            await self._on_dtmf(message)
        elif event == "mark":
            await self._on_mark(message)
        elif event == "stop":
            await self.close()
        # "connected" carries only the protocol version; nothing to do.

    async def close(self) -> None:
        """End the call's local state (idempotent); releases an open recognition stream."""
        self.state = CallState.ENDED
        await self._drop_utterance()

    # -- inbound events -------------------------------------------------------------------

    async def _on_start(self, message: Message) -> None:
        start = message.get("start") or {}
        self.stream_sid = str(message.get("streamSid") or start.get("streamSid") or "")
        self.call_sid = str(start.get("callSid") or "")
        params = start.get("customParameters") or {}
        self.parameters = {str(k): str(v) for k, v in params.items()}
        fmt = start.get("mediaFormat") or {}
        encoding, rate = fmt.get("encoding", "audio/x-mulaw"), int(fmt.get("sampleRate", 8000))
        if encoding != "audio/x-mulaw" or rate != TELEPHONE_RATE:
            log.error("unsupported media format %s/%s on %s", encoding, rate, self.call_sid)
            await self.close()
            return
        await self._take_turn(CallerInput(kind="start", parameters=self.parameters))

    async def _on_media(self, message: Message) -> None:
        media = message.get("media") or {}
        if media.get("track", "inbound") not in ("inbound", "inbound_track"):
            return
        try:
            ulaw = base64.b64decode(media.get("payload", ""), validate=True)
        except (binascii.Error, ValueError):
            log.warning("undecodable media payload on %s", self.call_sid)
            return
        frame_ms = len(ulaw) * 1000 // TELEPHONE_RATE
        try:
            self._clock_ms = int(str(media["timestamp"])) + frame_ms
        except (KeyError, ValueError):
            self._clock_ms += frame_ms
        if self.state not in (CallState.SPEAKING, CallState.LISTENING):
            return
        pcm = ulaw_decode(ulaw)
        self._preroll.append(pcm)
        level = ulaw_rms(ulaw)
        vad_event = self._vad.push_level(level)
        barge_event = self._barge_vad.push_level(level)
        if self.state is CallState.SPEAKING:
            # Interrupting playback takes a little more than starting to speak after it,
            # so line echo of our own prompt or a cough does not cut the prompt off.
            if barge_event is VadEvent.SPEECH_START and not self._hangup_after_mark:
                await self._barge_in()
                self._vad.start_speech()
                await self._begin_utterance()
            return
        if self._in_utterance:
            await self._feed(pcm)
            if vad_event is VadEvent.SPEECH_END:
                await self._end_utterance()
            return
        if vad_event is VadEvent.SPEECH_START and not self._digits:
            await self._begin_utterance()
            return
        await self._check_timeouts()

    async def _on_dtmf(self, message: Message) -> None:
        digit = str((message.get("dtmf") or {}).get("digit", ""))
        if not digit or self.state not in (CallState.SPEAKING, CallState.LISTENING):
            return
        if self.state is CallState.SPEAKING:
            if self._hangup_after_mark:
                return  # a closing message (goodbye, putting you through) plays in full
            await self._barge_in()
        if self._in_utterance:  # keys win over half-heard speech
            await self._drop_utterance()
        self._last_key_ms = self._clock_ms
        if digit == "#":
            if self._digits:
                await self._deliver_digits()
            return
        self._digits += digit
        if len(self._digits) >= max(1, self._reply.max_digits):
            await self._deliver_digits()

    async def _on_mark(self, message: Message) -> None:
        name = str((message.get("mark") or {}).get("name", ""))
        if self.state is not CallState.SPEAKING or name != self._awaited_mark:
            return  # a mark of cleared or earlier audio
        self._awaited_mark = None
        if self._hangup_after_mark:
            await self.close()
            return
        self._start_listening()

    # -- listening ------------------------------------------------------------------------

    def _start_listening(self) -> None:
        self.state = CallState.LISTENING
        self._listen_since_ms = self._clock_ms

    async def _check_timeouts(self) -> None:
        timeout_ms = int(self._reply.input_timeout_s * 1000)
        if self._digits:
            if self._clock_ms - self._last_key_ms >= timeout_ms:
                await self._deliver_digits()
        elif self._clock_ms - self._listen_since_ms >= timeout_ms:
            await self._take_turn(CallerInput(kind="silence", parameters=self.parameters))

    async def _begin_utterance(self) -> None:
        self.state = CallState.LISTENING
        self._in_utterance = True
        self._pending_pcm.clear()
        reply, language = self._reply, self._reply.language
        if language in self._stt.languages:
            grammars: list[list[str] | None] = [None]
            if reply.options_words:
                grammar = [*reply.options_words, *self._universal.get(language, ())]
                grammars = [grammar, None] if reply.free_speech else [grammar]
            self._recognition = [
                await self._stt.open_stream(
                    language=language, sample_rate=TELEPHONE_RATE, grammar=g
                )
                for g in grammars
            ]
        for pcm in self._preroll:  # the start of the word was heard before VAD was sure
            await self._feed(pcm)

    async def _feed(self, pcm: bytes) -> None:
        if not self._recognition:
            return
        self._pending_pcm += pcm
        if len(self._pending_pcm) >= self._feed_bytes:
            chunk, self._pending_pcm = bytes(self._pending_pcm), bytearray()
            for stream in self._recognition:
                await stream.accept(chunk)

    async def _drop_utterance(self) -> None:
        self._in_utterance = False
        self._reset_vads()
        self._pending_pcm.clear()
        streams, self._recognition = self._recognition, []
        for stream in streams:
            await stream.finish()

    async def _end_utterance(self) -> None:
        ended_at = time.perf_counter()
        self._in_utterance = False
        streams, self._recognition = self._recognition, []
        if not streams:  # no recogniser for this language: heard, not understood
            heard = CallerInput(
                kind="speech", speech="", confidence=0.0, parameters=self.parameters
            )
        else:
            results = []
            for stream in streams:
                if self._pending_pcm:
                    await stream.accept(bytes(self._pending_pcm))
                results.append(await stream.finish())
            self._pending_pcm.clear()
            result = choose_result(results)
            self.metrics.recognitions.append((result.text, result.confidence))
            heard = CallerInput(
                kind="speech",
                speech=result.text,
                confidence=result.confidence,
                understood=result.understood,
                parameters=self.parameters,
            )
        await self._take_turn(heard, since=ended_at)

    async def _deliver_digits(self) -> None:
        digits, self._digits = self._digits, ""
        await self._take_turn(CallerInput(kind="digits", digits=digits, parameters=self.parameters))

    # -- speaking -------------------------------------------------------------------------

    async def _take_turn(self, heard: CallerInput, *, since: float | None = None) -> None:
        self._reset_vads()
        task = asyncio.ensure_future(self._turn(self.call_sid, heard))
        try:
            done, _ = await asyncio.wait({task}, timeout=self._hold_after_s)
            if not done and await self._say_hold(since):
                since = None  # the caller already hears something
            reply = await task
            await self._speak(reply, since=since)
        except Exception:
            # The engine or the synthesiser failed: end the stream so the TwiML after
            # <Connect> takes over (it can put the caller through to a person) rather than
            # leave the caller in dead air.
            log.exception("turn failed on %s; ending the media stream", self.call_sid)
            await self.close()
        finally:
            if not task.done():
                task.cancel()

    async def _say_hold(self, since: float | None) -> bool:
        """Queue the holding phrase (no mark: the reply's mark follows it); True if said."""
        language = self._reply.language
        text = self._hold_text(language)
        if text is None or language not in self._prompts.tts.languages:
            return False
        rate = rate_for(slow=self._reply.slow)
        try:
            audio = await self._prompts.audio(text, language=language, rate_wpm=rate)
        except Exception:  # the holding phrase is a courtesy: never end a call over it
            log.exception("could not synthesise the holding phrase")
            return False
        await self._send_audio(audio, since)
        return True

    def _reset_vads(self) -> None:
        self._vad.reset()
        self._barge_vad.reset()

    async def _send_audio(self, audio: bytes, since: float | None) -> None:
        """Queue μ-law audio at Twilio as 20 ms media messages; records the reply latency
        at the first frame when `since` is given."""
        for frame in frames(audio):
            await self._send(
                {
                    "event": "media",
                    "streamSid": self.stream_sid,
                    "media": {"payload": base64.b64encode(frame).decode("ascii")},
                }
            )
            if since is not None:
                self.metrics.reply_latencies_s.append(time.perf_counter() - since)
                since = None

    async def _barge_in(self) -> None:
        self.metrics.barge_ins += 1
        self._awaited_mark = None
        await self._send({"event": "clear", "streamSid": self.stream_sid})
        self._start_listening()

    async def _speak(self, reply: SpokenReply, *, since: float | None = None) -> None:
        self._reply = reply
        self._digits = ""
        rate = rate_for(slow=reply.slow)
        for i, text in enumerate(reply.texts):
            own = reply.text_languages[i] if i < len(reply.text_languages) else ""
            language = own if own in self._prompts.tts.languages else reply.language
            audio = await self._prompts.audio(text, language=language, rate_wpm=rate)
            await self._send_audio(audio, since)
            since = None
        if not reply.texts:
            if reply.hangup:
                await self.close()
            else:
                self._start_listening()
            return
        self._mark_seq += 1
        self._awaited_mark = f"reply-{self._mark_seq}"
        self._hangup_after_mark = reply.hangup
        self.state = CallState.SPEAKING
        self._reset_vads()
        self._preroll.clear()
        await self._send(
            {"event": "mark", "streamSid": self.stream_sid, "mark": {"name": self._awaited_mark}}
        )
