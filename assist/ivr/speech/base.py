"""The speech contracts: `SpeechToText` (streaming recognition) and `TextToSpeech`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

UNKNOWN_WORD = "[unk]"
"""What a grammar-constrained Vosk recogniser says for speech outside the grammar."""


@dataclass(frozen=True)
class RecognizedWord:
    """One word of a recognition result."""

    word: str
    """The word as the model spells it (`[unk]` for out-of-grammar speech)."""
    confidence: float
    """The recogniser's confidence in this word, 0..1."""
    start_s: float = 0.0
    """Where the word starts, seconds from the start of the stream."""
    end_s: float = 0.0
    """Where the word ends, seconds from the start of the stream."""


@dataclass(frozen=True)
class SpeechResult:
    """What a recogniser heard so far (partial) or in the end (final)."""

    text: str
    """The words heard, space-separated, without `[unk]` markers; empty when nothing was."""
    confidence: float
    """Mean word confidence, 0..1; `[unk]` words count as 0; 0 when nothing was heard."""
    is_final: bool
    """False for a partial result that may still change."""
    words: tuple[RecognizedWord, ...] = ()
    """Per-word detail (final results only; partials carry none)."""
    unknown: bool = False
    """True when part of the speech was outside the grammar (`[unk]`)."""
    understood: bool = False
    """True when there is text, no `[unk]`, and confidence reached the recogniser's floor.

    When False the engine should reprompt (and after the second time offer a person)."""


class SpeechStream(Protocol):
    """One utterance-or-more of recognition for one call; not shared between calls."""

    async def accept(self, pcm16: bytes) -> SpeechResult:
        """Feed mono little-endian PCM16 audio; returns the partial result so far."""
        ...

    async def finish(self) -> SpeechResult:
        """End the stream and return the final result; the stream is spent afterwards."""
        ...


class SpeechToText(Protocol):
    """A streaming speech recogniser."""

    @property
    def languages(self) -> frozenset[str]:
        """Language codes (`en`, `pl`, ...) this recogniser understands."""
        ...

    @property
    def sample_rates(self) -> frozenset[int]:
        """Sample rates (Hz) `open_stream` accepts."""
        ...

    @property
    def supports_grammar(self) -> bool:
        """True when a stream can be limited to a list of phrases at runtime."""
        ...

    async def open_stream(
        self, *, language: str, sample_rate: int, grammar: Sequence[str] | None = None
    ) -> SpeechStream:
        """Start recognising one caller's audio.

        `grammar` limits recognition to these phrases where `supports_grammar`; otherwise
        it is ignored and recognition is free. Raises ValueError for an unsupported
        language or sample rate.
        """
        ...


@dataclass(frozen=True)
class SynthesizedAudio:
    """Spoken audio made from text."""

    pcm16: bytes
    """Mono little-endian 16-bit PCM samples, no header."""
    sample_rate: int
    """Samples per second of `pcm16`."""
    extra: dict[str, str] = field(default_factory=dict)
    """Engine details worth logging (which engine actually spoke, voice id)."""

    @property
    def duration_s(self) -> float:
        """How long the audio plays, in seconds."""
        return len(self.pcm16) / 2 / self.sample_rate


class TextToSpeech(Protocol):
    """A speech synthesiser."""

    @property
    def languages(self) -> frozenset[str]:
        """Language codes this synthesiser has a voice for."""
        ...

    def voice_for(self, language: str) -> str:
        """The voice used for `language` (part of the prompt cache key); raises ValueError."""
        ...

    async def synthesize(self, text: str, *, language: str, rate_wpm: int) -> SynthesizedAudio:
        """Speak `text` in `language` at `rate_wpm` words a minute; raises ValueError for
        an unsupported language and RuntimeError when the engine fails."""
        ...
