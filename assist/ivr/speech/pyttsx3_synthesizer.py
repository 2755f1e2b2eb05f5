"""`Pyttsx3Synthesizer`: speech through pyttsx3 and its espeak-ng driver, off the event loop.

pyttsx3 keeps one engine per process, is not thread-safe, and its `runAndWait` loop blocks,
so every call runs on one dedicated worker thread (which owns the engine) under a lock.
Each prompt is saved to a temporary WAV file and read back. Two quirks of pyttsx3 2.99's
espeak driver are worked around (see `_speak_once` and `_speak`). If pyttsx3 fails (no espeak
library, a driver error) and a fallback synthesiser is given, the fallback speaks instead.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from assist.ivr.speech.audio import wav_to_pcm16
from assist.ivr.speech.base import SynthesizedAudio, TextToSpeech
from assist.ivr.speech.voices import ESPEAK_VOICES, EspeakVoices

log = logging.getLogger(__name__)


def _quiet_pyttsx3_driver() -> None:
    """pyttsx3 2.99's espeak driver prints "Audio saved to ..." on every file; silence it.

    Only that driver module's own `print` is replaced; nothing else is affected."""
    try:
        from pyttsx3.drivers import espeak as espeak_driver
    except ImportError:  # driver missing: pyttsx3.init will report it
        return
    espeak_driver.print = lambda *args, **kwargs: None


class Pyttsx3Synthesizer(EspeakVoices):
    """`TextToSpeech` with pyttsx3 (espeak-ng voices for en-gb, pl, lt, ro, pt, ...)."""

    def __init__(
        self,
        voices: Mapping[str, str] = ESPEAK_VOICES,
        *,
        fallback: TextToSpeech | None = None,
        driver: str = "espeak",
    ) -> None:
        super().__init__(voices)
        self._fallback = fallback
        self._driver = driver
        self._engine: Any = None
        self._voice_ids: dict[str, str] = {}
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pyttsx3")
        self._tmp = Path(tempfile.mkdtemp(prefix="assist-tts-"))
        self.attempts = 3
        """pyttsx3 tries per prompt before giving up (see `_speak`)."""
        self.retries = 0
        """How many retries were needed so far (logged by benchmarks)."""

    def _engine_voice_id(self, voice: str) -> str:
        """pyttsx3's id for an espeak-ng voice name (`en-gb` → `gmw/en`)."""
        if not self._voice_ids:
            for v in self._engine.getProperty("voices"):
                for lang in v.languages or ():
                    name = lang.decode() if isinstance(lang, bytes) else str(lang)
                    self._voice_ids.setdefault(name.lower(), v.id)
                self._voice_ids.setdefault(str(v.id).lower(), v.id)
        try:
            return self._voice_ids[voice.lower()]
        except KeyError:
            raise RuntimeError(f"espeak-ng has no voice {voice!r}") from None

    def _speak_once(self, text: str, voice: str, rate_wpm: int) -> bytes:
        if self._engine is None:
            import pyttsx3

            _quiet_pyttsx3_driver()
            self._engine = pyttsx3.init(self._driver)
        engine = self._engine
        engine.setProperty("voice", self._engine_voice_id(voice))
        path = self._tmp / f"{threading.get_ident()}.wav"
        path.unlink(missing_ok=True)
        # The rate goes in as an espeak embedded command (Ctrl-A, value, "S"): pyttsx3's
        # `rate` property reaches espeak-ng's asynchronous queue late and was applied to
        # the following prompt about one time in five here.
        spoken = text.replace("\x01", " ")
        engine.save_to_file(f"\x01{int(rate_wpm)}S{spoken}", str(path))
        engine.runAndWait()
        if not path.exists():
            return b""
        data = path.read_bytes()
        path.unlink(missing_ok=True)
        return data

    def _speak(self, text: str, voice: str, rate_wpm: int) -> SynthesizedAudio:
        # pyttsx3 2.99's espeak driver sometimes writes an empty file when utterances
        # follow each other with no gap (a callback race in the driver); a short pause
        # and a second try has always been enough here, and the fallback covers the rest.
        with self._lock:
            for attempt in range(self.attempts):
                if attempt:
                    self.retries += 1
                    time.sleep(0.02 * attempt)
                data = self._speak_once(text, voice, rate_wpm)
                if data:
                    pcm16, rate = wav_to_pcm16(data)
                    if pcm16 or not text.strip():
                        return SynthesizedAudio(
                            pcm16=pcm16, sample_rate=rate, extra={"engine": "pyttsx3"}
                        )
        raise RuntimeError(f"pyttsx3 produced no audio after {self.attempts} attempts")

    async def synthesize(self, text: str, *, language: str, rate_wpm: int) -> SynthesizedAudio:
        """Speak `text`; raises ValueError (no voice) or RuntimeError (engine and fallback
        both failed)."""
        voice = self.voice_for(language)
        future = self._executor.submit(self._speak, text, voice, rate_wpm)
        try:
            return await asyncio.wrap_future(future)
        except Exception as exc:  # any engine failure: the fallback may still speak
            if self._fallback is None:
                raise RuntimeError(f"pyttsx3 failed: {exc}") from exc
            log.warning("pyttsx3 failed (%s); speaking with the fallback", exc)
            return await self._fallback.synthesize(text, language=language, rate_wpm=rate_wpm)

    def close(self) -> None:
        """Stop the worker thread and remove temporary files."""
        self._executor.shutdown(wait=True)
        for leftover in self._tmp.glob("*"):
            leftover.unlink(missing_ok=True)
        self._tmp.rmdir()
