"""`EspeakSynthesizer`: speech by running the `espeak-ng` program (pyttsx3's fallback)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping

import anyio.to_thread

from assist.ivr.speech.audio import wav_to_pcm16
from assist.ivr.speech.base import SynthesizedAudio
from assist.ivr.speech.voices import ESPEAK_VOICES, EspeakVoices


class EspeakSynthesizer(EspeakVoices):
    """`TextToSpeech` through `espeak-ng --stdout`, one process per prompt, in a thread."""

    def __init__(
        self, voices: Mapping[str, str] = ESPEAK_VOICES, *, program: str = "espeak-ng"
    ) -> None:
        super().__init__(voices)
        found = shutil.which(program)
        if found is None:
            raise FileNotFoundError(f"{program} is not installed (apt-get install espeak-ng)")
        self._program = found

    def _run(self, text: str, voice: str, rate_wpm: int) -> SynthesizedAudio:
        done = subprocess.run(  # noqa: S603 - fixed program, text passed after `--`
            [self._program, "-v", voice, "-s", str(rate_wpm), "--stdout", "--", text],
            capture_output=True,
            check=False,
            timeout=30,
        )
        if done.returncode != 0 or not done.stdout:
            raise RuntimeError(f"espeak-ng failed: {done.stderr.decode(errors='replace')}")
        pcm16, rate = wav_to_pcm16(done.stdout)
        return SynthesizedAudio(pcm16=pcm16, sample_rate=rate, extra={"engine": "espeak-ng"})

    async def synthesize(self, text: str, *, language: str, rate_wpm: int) -> SynthesizedAudio:
        """Speak `text`; raises ValueError (no voice) or RuntimeError (espeak-ng failed)."""
        voice = self.voice_for(language)
        return await anyio.to_thread.run_sync(self._run, text, voice, rate_wpm)
