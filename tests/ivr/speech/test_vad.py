"""Energy voice activity detection: start, end, and what does not count as speech."""

from __future__ import annotations

import random
from array import array

from assist.ivr.speech.vad import EnergyVad, VadConfig, VadEvent


def frame(level: int, seed: int = 0) -> bytes:
    """20 ms (160 samples) of noise-like audio with roughly this amplitude."""
    rng = random.Random(seed)
    return array("h", (rng.randint(-level, level) for _ in range(160))).tobytes()


def run(vad: EnergyVad, levels: list[int]) -> list[tuple[int, VadEvent]]:
    """Push one frame per level; returns (frame index, event) for each event."""
    return [
        (i, event)
        for i, level in enumerate(levels)
        if (event := vad.push(frame(level, i))) is not None
    ]


def test_silence_is_never_speech() -> None:
    """Ten seconds of a quiet line raise no event."""
    assert run(EnergyVad(), [60] * 500) == []


def test_speech_starts_after_start_ms_and_ends_after_700ms_quiet() -> None:
    """Loud frames start speech after 120 ms; 700 ms of quiet ends it."""
    events = run(EnergyVad(), [50] * 10 + [5000] * 25 + [50] * 40)
    assert events == [(15, VadEvent.SPEECH_START), (10 + 25 + 34, VadEvent.SPEECH_END)]


def test_a_click_is_not_speech() -> None:
    """A 60 ms burst is shorter than the start time and is ignored."""
    assert run(EnergyVad(), [50] * 10 + [8000] * 3 + [50] * 50) == []


def test_a_pause_between_words_does_not_end_the_utterance() -> None:
    """400 ms of quiet between two words keeps one utterance."""
    events = run(EnergyVad(), [50] * 10 + [5000] * 20 + [50] * 20 + [5000] * 20 + [50] * 40)
    assert [e for _, e in events] == [VadEvent.SPEECH_START, VadEvent.SPEECH_END]


def test_background_noise_raises_the_bar() -> None:
    """After a noisy but steady line, a frame must be several times louder to count."""
    vad = EnergyVad(VadConfig(threshold_rms=100))
    assert run(vad, [300] * 100) == []  # the warm-up learns the line's level
    assert run(vad, [250] * 50) == []
    assert [e for _, e in run(vad, [3000] * 10)] == [VadEvent.SPEECH_START]


def test_max_utterance_ends_endless_noise() -> None:
    """A line that never goes quiet still ends the utterance after max_utterance_ms."""
    events = run(EnergyVad(VadConfig(max_utterance_ms=1000)), [50] * 10 + [6000] * 100)
    assert VadEvent.SPEECH_END in [e for _, e in events]
