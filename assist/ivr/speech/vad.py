"""Energy-based voice activity detection: when a caller starts and stops speaking.

Frames are 20 ms of PCM16. A frame is "loud" when its RMS is above both an absolute floor
and a multiple of the tracked background noise. Speech starts after `start_ms` of loud
frames (a cough is shorter) and ends after `end_silence_ms` of quiet ones (about 700 ms:
long enough for a pause between words, short enough to answer promptly).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from assist.ivr.speech.audio import FRAME_MS, rms


class VadEvent(enum.Enum):
    """A change the detector reports."""

    SPEECH_START = "speech_start"
    SPEECH_END = "speech_end"


@dataclass(frozen=True)
class VadConfig:
    """Thresholds for `EnergyVad`."""

    threshold_rms: float = 350.0
    """Absolute RMS floor for a loud frame (about -40 dBFS; telephone line noise is below)."""
    noise_ratio: float = 3.0
    """A loud frame must also be this many times the tracked background RMS."""
    start_ms: int = 120
    """Loud time (within a start window) before speech counts as started."""
    end_silence_ms: int = 700
    """Quiet time after speech before the utterance counts as ended."""
    max_utterance_ms: int = 15000
    """An utterance longer than this is ended anyway (a noisy line must not hold the turn)."""
    warmup_ms: int = 200
    """The first frames of a call only teach the detector the line's background level."""
    frame_ms: int = FRAME_MS
    """Duration of one frame."""


class EnergyVad:
    """Start/end-of-speech detector for one call (not thread-safe; one per call)."""

    def __init__(self, config: VadConfig | None = None) -> None:
        self.config = config or VadConfig()
        self.in_speech = False
        self._loud_run = 0
        self._quiet_run = 0
        self._speech_frames = 0
        self._noise = 0.0
        self._frames_seen = 0

    def start_speech(self) -> None:
        """Treat speech as started now (another detector decided it, e.g. barge-in)."""
        if not self.in_speech:
            self.in_speech = True
            self._speech_frames = self._loud_run
            self._quiet_run = 0

    def reset(self) -> None:
        """Forget the current utterance (the noise estimate is kept)."""
        self.in_speech = False
        self._loud_run = self._quiet_run = self._speech_frames = 0

    def is_loud(self, level: float) -> bool:
        """Whether a frame with this RMS level counts as voice; updates the noise estimate."""
        self._frames_seen += 1
        if self._frames_seen * self.config.frame_ms <= self.config.warmup_ms:
            self._noise = (
                level if self._frames_seen == 1 else self._noise + 0.3 * (level - self._noise)
            )
            return False
        loud = level >= self.config.threshold_rms and level >= self.config.noise_ratio * self._noise
        # The background rises slowly (very slowly inside speech) and falls quickly.
        rising = 0.002 if self.in_speech else 0.02
        rate = 0.3 if level < self._noise else rising
        self._noise += rate * (level - self._noise)
        return loud

    def push(self, pcm16: bytes) -> VadEvent | None:
        """Feed one PCM16 frame; returns SPEECH_START or SPEECH_END when that happens."""
        return self.push_level(rms(pcm16))

    def push_level(self, level: float) -> VadEvent | None:
        """Feed one frame's RMS level (see `audio.ulaw_rms`); returns an event or None."""
        cfg = self.config
        loud = self.is_loud(level)
        if not self.in_speech:
            # Allow one quiet frame inside the start window (plosives, dropped packets).
            if loud:
                self._loud_run += 1
                self._quiet_run = 0
            else:
                self._quiet_run += 1
                if self._quiet_run > 1:
                    self._loud_run = 0
            if self._loud_run * cfg.frame_ms >= cfg.start_ms:
                self.in_speech = True
                self._speech_frames = self._loud_run
                self._quiet_run = 0
                return VadEvent.SPEECH_START
            return None
        self._speech_frames += 1
        self._quiet_run = 0 if loud else self._quiet_run + 1
        if (
            self._quiet_run * cfg.frame_ms >= cfg.end_silence_ms
            or self._speech_frames * cfg.frame_ms >= cfg.max_utterance_ms
        ):
            self.reset()
            return VadEvent.SPEECH_END
        return None


BARGE_IN_VAD = VadConfig(start_ms=200, noise_ratio=4.0)
"""Stricter settings while a prompt plays: interrupting takes 200 ms of clear speech."""
