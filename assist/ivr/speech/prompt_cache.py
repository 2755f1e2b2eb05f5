"""`PromptCache`: spoken prompts as 8 kHz μ-law, kept on disk and in memory.

Keyed by (text, voice, rate), so the same sentence is synthesised once per voice and speed
and a turn can start speaking at once. Disk files live under `<data_dir>/tts-cache/`
(`Settings.data_dir`) and survive restarts; an LRU in memory holds the most recent.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

import anyio
import anyio.to_thread

from assist.ivr.speech.audio import to_telephone
from assist.ivr.speech.base import TextToSpeech

CACHE_VERSION = "1"
"""Bump when the audio pipeline changes, so stale files are not played."""


def cache_key(text: str, voice: str, rate_wpm: int) -> str:
    """A file-name-safe key for one prompt's audio."""
    raw = "\x1f".join((CACHE_VERSION, voice, str(rate_wpm), text))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class PromptCache:
    """Telephone audio for prompt texts: memory, then disk, then the synthesiser."""

    def __init__(
        self, tts: TextToSpeech, directory: Path | None, *, max_memory_bytes: int = 32 << 20
    ) -> None:
        self.tts = tts
        self.directory = directory
        self.max_memory_bytes = max_memory_bytes
        self._memory: OrderedDict[str, bytes] = OrderedDict()
        self._memory_bytes = 0
        self._pending: dict[str, asyncio.Future[bytes]] = {}
        self.hits = 0
        self.misses = 0

    def _remember(self, key: str, audio: bytes) -> None:
        if key in self._memory:
            self._memory.move_to_end(key)
            return
        self._memory[key] = audio
        self._memory_bytes += len(audio)
        while self._memory_bytes > self.max_memory_bytes and len(self._memory) > 1:
            _, evicted = self._memory.popitem(last=False)
            self._memory_bytes -= len(evicted)

    async def audio(self, text: str, *, language: str, rate_wpm: int) -> bytes:
        """8 kHz μ-law bytes speaking `text` (synthesised on a miss; raises like the TTS)."""
        key = cache_key(text, self.tts.voice_for(language), rate_wpm)
        cached = self._memory.get(key)
        if cached is not None:
            self._memory.move_to_end(key)
            self.hits += 1
            return cached
        pending = self._pending.get(key)
        if pending is not None:  # someone is making it already
            return await asyncio.shield(pending)
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            audio = await self._load_or_make(key, text, language, rate_wpm)
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters re-raise it, nobody logs it twice
            raise
        except BaseException:
            future.cancel()
            raise
        else:
            future.set_result(audio)
        finally:
            del self._pending[key]
        self._remember(key, audio)
        return audio

    async def _load_or_make(self, key: str, text: str, language: str, rate_wpm: int) -> bytes:
        path = self.directory / key[:2] / f"{key}.ulaw" if self.directory else None
        if path is not None and await anyio.Path(path).exists():
            self.hits += 1
            return await anyio.Path(path).read_bytes()
        self.misses += 1
        spoken = await self.tts.synthesize(text, language=language, rate_wpm=rate_wpm)
        audio = await anyio.to_thread.run_sync(to_telephone, spoken.pcm16, spoken.sample_rate)
        if path is not None:
            await anyio.to_thread.run_sync(_write_atomically, path, audio)
        return audio

    async def warm(self, texts: Iterable[str], *, language: str, rate_wpm: int) -> int:
        """Make sure every text is cached; returns how many were synthesised."""
        before = self.misses
        for text in texts:
            await self.audio(text, language=language, rate_wpm=rate_wpm)
        return self.misses - before


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
