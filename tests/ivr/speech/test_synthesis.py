"""Speech synthesis (pyttsx3 and espeak-ng) and the prompt audio cache."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from assist.ivr.speech.base import SynthesizedAudio, TextToSpeech
from assist.ivr.speech.espeak_synthesizer import EspeakSynthesizer
from assist.ivr.speech.prompt_cache import PromptCache
from assist.ivr.speech.pyttsx3_synthesizer import Pyttsx3Synthesizer
from assist.ivr.speech.voices import DEFAULT_RATE_WPM, SLOW_RATE_WPM

PROMPTS = {
    "en": "To report a problem, say problem or press 2.",
    "pl": "Aby zgłosić problem, naciśnij dwa.",
    "lt": "Norėdami pranešti apie problemą, spauskite du.",
    "ro": "Pentru a raporta o problemă, apăsați doi.",
    "pt": "Para comunicar um problema, prima dois.",
}


@dataclass
class RecordingTextToSpeech:
    """Wraps a real synthesiser and records what it was asked to say."""

    inner: TextToSpeech
    calls: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def languages(self) -> frozenset[str]:
        """The wrapped synthesiser's languages."""
        return self.inner.languages

    def voice_for(self, language: str) -> str:
        """The wrapped synthesiser's voice."""
        return self.inner.voice_for(language)

    async def synthesize(self, text: str, *, language: str, rate_wpm: int) -> SynthesizedAudio:
        """Record, then synthesise for real."""
        self.calls.append((text, language, rate_wpm))
        return await self.inner.synthesize(text, language=language, rate_wpm=rate_wpm)


@pytest.mark.parametrize("language", sorted(PROMPTS))
async def test_pyttsx3_speaks_every_supported_language(
    tts: Pyttsx3Synthesizer, language: str
) -> None:
    """pyttsx3 with espeak-ng makes seconds of 22.05 kHz audio in en, pl, lt, ro and pt."""
    audio = await tts.synthesize(PROMPTS[language], language=language, rate_wpm=DEFAULT_RATE_WPM)
    assert audio.sample_rate == 22050
    assert audio.extra["engine"] == "pyttsx3"
    assert 1.0 < audio.duration_s < 10.0


async def test_slower_speech_takes_longer(tts: Pyttsx3Synthesizer) -> None:
    """The slow rate makes the same prompt at least 20% longer."""
    normal = await tts.synthesize(PROMPTS["en"], language="en", rate_wpm=DEFAULT_RATE_WPM)
    slow = await tts.synthesize(PROMPTS["en"], language="en", rate_wpm=SLOW_RATE_WPM)
    assert slow.duration_s > 1.2 * normal.duration_s


async def test_each_prompt_gets_its_own_rate_when_rates_alternate(
    tts: Pyttsx3Synthesizer,
) -> None:
    """Alternating normal and slow prompts never speak one at the other's rate (pyttsx3's
    own rate property lagged a prompt behind)."""
    normal, slow = [], []
    for _ in range(8):
        normal.append((await tts.synthesize(PROMPTS["en"], language="en", rate_wpm=160)).duration_s)
        slow.append((await tts.synthesize(PROMPTS["en"], language="en", rate_wpm=120)).duration_s)
    assert max(normal) < min(slow)


async def test_concurrent_requests_are_serialised_safely(tts: Pyttsx3Synthesizer) -> None:
    """Twenty prompts requested at once all come back whole (one engine, one thread)."""
    texts = [f"Your reference is {n}." for n in range(20)]
    results = await asyncio.gather(*(tts.synthesize(t, language="en", rate_wpm=160) for t in texts))
    assert all(r.duration_s > 0.8 for r in results)


async def test_unknown_language_is_refused(tts: Pyttsx3Synthesizer) -> None:
    """A language without a voice raises ValueError."""
    with pytest.raises(ValueError, match="xx"):
        await tts.synthesize("hello", language="xx", rate_wpm=160)


async def test_espeak_fallback_speaks_when_pyttsx3_fails() -> None:
    """When the pyttsx3 driver cannot start, the espeak-ng program speaks instead."""
    tts = Pyttsx3Synthesizer(fallback=EspeakSynthesizer(), driver="no-such-driver")
    try:
        audio = await tts.synthesize(PROMPTS["pl"], language="pl", rate_wpm=160)
    finally:
        tts.close()
    assert audio.extra["engine"] == "espeak-ng"
    assert audio.duration_s > 1.0


async def test_without_fallback_a_pyttsx3_failure_is_a_runtime_error() -> None:
    """A broken pyttsx3 with no fallback raises RuntimeError."""
    tts = Pyttsx3Synthesizer(driver="no-such-driver")
    try:
        with pytest.raises(RuntimeError, match="pyttsx3 failed"):
            await tts.synthesize("hello", language="en", rate_wpm=160)
    finally:
        tts.close()


async def test_cache_synthesises_each_prompt_once(tts: Pyttsx3Synthesizer, tmp_path: Path) -> None:
    """The second request for the same (text, voice, rate) comes from memory."""
    recording = RecordingTextToSpeech(tts)
    cache = PromptCache(recording, tmp_path / "tts-cache")
    first = await cache.audio(PROMPTS["en"], language="en", rate_wpm=160)
    second = await cache.audio(PROMPTS["en"], language="en", rate_wpm=160)
    assert first == second
    assert len(first) > 8000  # more than a second of 8 kHz μ-law
    assert len(recording.calls) == 1


async def test_rate_and_voice_are_part_of_the_key(tts: Pyttsx3Synthesizer, tmp_path: Path) -> None:
    """A slower rate or another language is synthesised separately."""
    recording = RecordingTextToSpeech(tts)
    cache = PromptCache(recording, tmp_path)
    await cache.audio("menu", language="en", rate_wpm=160)
    await cache.audio("menu", language="en", rate_wpm=120)
    await cache.audio("menu", language="pt", rate_wpm=160)
    assert len(recording.calls) == 3


async def test_disk_cache_survives_a_restart(tts: Pyttsx3Synthesizer, tmp_path: Path) -> None:
    """A new cache over the same directory plays stored audio without synthesising."""
    await PromptCache(tts, tmp_path).audio(PROMPTS["ro"], language="ro", rate_wpm=160)
    recording = RecordingTextToSpeech(tts)
    restarted = PromptCache(recording, tmp_path)
    audio = await restarted.audio(PROMPTS["ro"], language="ro", rate_wpm=160)
    assert audio and recording.calls == []
    assert list(tmp_path.rglob("*.ulaw"))


async def test_simultaneous_misses_synthesise_once(tts: Pyttsx3Synthesizer) -> None:
    """Ten calls asking for the same new prompt at once cause one synthesis."""
    recording = RecordingTextToSpeech(tts)
    cache = PromptCache(recording, None)
    results = await asyncio.gather(
        *(cache.audio("Please hold.", language="en", rate_wpm=160) for _ in range(10))
    )
    assert len(set(results)) == 1
    assert len(recording.calls) == 1


async def test_memory_is_bounded_least_recently_used_first(tts: Pyttsx3Synthesizer) -> None:
    """Over the memory budget the least recently used prompt is evicted."""
    recording = RecordingTextToSpeech(tts)
    cache = PromptCache(recording, None, max_memory_bytes=20_000)
    await cache.audio("one two three four five", language="en", rate_wpm=160)
    await cache.audio("six seven eight nine ten", language="en", rate_wpm=160)
    await cache.audio("eleven twelve thirteen", language="en", rate_wpm=160)
    await cache.audio("one two three four five", language="en", rate_wpm=160)
    assert len(recording.calls) == 4


async def test_warm_fills_the_cache(tts: Pyttsx3Synthesizer) -> None:
    """`warm` synthesises only what is missing and reports how many it made."""
    cache = PromptCache(tts, None)
    assert await cache.warm(["a menu", "a question"], language="en", rate_wpm=160) == 2
    assert await cache.warm(["a menu", "a question"], language="en", rate_wpm=160) == 0
