"""Telephone audio in pure Python: WAV ↔ PCM16, resampling, G.711 μ-law, 20 ms frames.

`audioop` is gone from Python 3.13, so this uses `array`, lookup tables and a small
windowed-sinc resampler. Byte order is little-endian throughout
(WAV's and Twilio's).
"""

from __future__ import annotations

import io
import math
import operator
import sys
import wave
from array import array
from collections.abc import Iterator
from functools import cache

TELEPHONE_RATE = 8000
"""Twilio Media Streams audio: 8 kHz."""
FRAME_MS = 20
"""Twilio sends (and we send) 20 ms per media message."""
ULAW_FRAME_BYTES = TELEPHONE_RATE * FRAME_MS // 1000
"""160 μ-law bytes (one byte per sample) per 20 ms frame."""
ULAW_SILENCE = 0xFF
"""The μ-law byte for a zero sample."""

_BIAS = 0x84
_CLIP = 32635
_BIG_ENDIAN = sys.byteorder == "big"


def _samples(pcm16: bytes) -> array[int]:
    if len(pcm16) % 2:
        raise ValueError("PCM16 audio must have an even number of bytes")
    samples = array("h")
    samples.frombytes(pcm16)
    if _BIG_ENDIAN:
        samples.byteswap()
    return samples


def _to_bytes(samples: array[int]) -> bytes:
    if _BIG_ENDIAN:
        samples = array("h", samples)
        samples.byteswap()
    return samples.tobytes()


def _encode_sample(sample: int) -> int:
    sign = 0x80 if sample < 0 else 0
    magnitude = min(-sample if sign else sample, _CLIP) + _BIAS
    exponent = 7
    mask = 0x4000
    while exponent > 0 and not magnitude & mask:
        exponent -= 1
        mask >>= 1
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


def _decode_byte(byte: int) -> int:
    byte = ~byte & 0xFF
    exponent = (byte >> 4) & 0x07
    magnitude = ((((byte & 0x0F) << 3) + _BIAS) << exponent) - _BIAS
    return -magnitude if byte & 0x80 else magnitude


@cache
def _encode_table() -> bytes:
    """μ-law byte for every 16-bit sample, indexed by the sample read as unsigned."""
    return bytes(_encode_sample(u - 65536 if u >= 32768 else u) for u in range(65536))


_DECODE_TABLE: tuple[int, ...] = tuple(_decode_byte(b) for b in range(256))
# Little-endian low and high bytes of each decoded sample, for bytes.translate (C speed).
_DECODE_LOW = bytes(v & 0xFF for v in _DECODE_TABLE)
_DECODE_HIGH = bytes((v >> 8) & 0xFF for v in _DECODE_TABLE)
_SQUARES: tuple[int, ...] = tuple(v * v for v in _DECODE_TABLE)


def ulaw_encode(pcm16: bytes) -> bytes:
    """G.711 μ-law bytes (one per sample) for mono PCM16 audio."""
    unsigned = array("H")
    unsigned.frombytes(pcm16)
    if _BIG_ENDIAN:
        unsigned.byteswap()
    return bytes(map(_encode_table().__getitem__, unsigned))


def ulaw_decode(ulaw: bytes) -> bytes:
    """Mono little-endian PCM16 audio for G.711 μ-law bytes."""
    pcm = bytearray(2 * len(ulaw))
    pcm[0::2] = ulaw.translate(_DECODE_LOW)
    pcm[1::2] = ulaw.translate(_DECODE_HIGH)
    return bytes(pcm)


def ulaw_rms(ulaw: bytes) -> float:
    """Root-mean-square amplitude of μ-law audio, without decoding it (0 when empty)."""
    if not ulaw:
        return 0.0
    return math.sqrt(sum(map(_SQUARES.__getitem__, ulaw)) / len(ulaw))


@cache
def _kernel(src: int, dst: int, phases: int) -> tuple[int, tuple[tuple[float, ...], ...]]:
    """Windowed-sinc low-pass taps for every fractional phase: (half width, table)."""
    cutoff = 0.475 * min(src, dst) / src  # cycles per input sample, a little under Nyquist
    zero_crossings = 5
    width = zero_crossings / (2 * cutoff)
    half = math.ceil(width)
    table = []
    for p in range(phases):
        frac = p / phases
        taps = []
        for j in range(-half + 1, half + 1):
            t = j - frac
            if abs(t) >= width:
                taps.append(0.0)
                continue
            x = 2 * cutoff * t
            sinc = 1.0 if x == 0 else math.sin(math.pi * x) / (math.pi * x)
            window = 0.5 * (1 + math.cos(math.pi * t / width))
            taps.append(sinc * window)
        total = sum(taps)
        table.append(tuple(tap / total for tap in taps))
    return half, tuple(table)


def resample(pcm16: bytes, src_rate: int, dst_rate: int) -> bytes:
    """`pcm16` (mono) resampled from `src_rate` to `dst_rate` Hz with a band-limiting filter."""
    if src_rate <= 0 or dst_rate <= 0:
        raise ValueError("sample rates must be positive")
    if src_rate == dst_rate or not pcm16:
        return pcm16
    x = _samples(pcm16)
    phases = 64
    half, table = _kernel(src_rate, dst_rate, phases)
    padded = array("h", bytes(2 * half)) + x + array("h", bytes(2 * half))
    n_out = len(x) * dst_rate // src_rate
    out = array("h", bytes(2 * n_out))
    mul = operator.mul
    for i in range(n_out):
        whole, rest = divmod(i * src_rate, dst_rate)
        phase = (rest * phases + dst_rate // 2) // dst_rate
        if phase == phases:
            whole += 1
            phase = 0
        start = whole + 1  # index in `padded` of input sample whole - half + 1
        value = sum(map(mul, table[phase], padded[start : start + 2 * half]))
        out[i] = -32768 if value < -32768 else 32767 if value > 32767 else round(value)
    return _to_bytes(out)


def wav_to_pcm16(wav_bytes: bytes) -> tuple[bytes, int]:
    """(mono PCM16, sample rate) from a 16-bit PCM WAV file; stereo is mixed down.

    Raises ValueError for other sample widths or a malformed file."""
    try:
        with wave.open(io.BytesIO(wav_bytes), "rb") as wav:
            channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
            data = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as exc:
        raise ValueError(f"not a PCM WAV file: {exc}") from exc
    if width != 2:
        raise ValueError(f"only 16-bit WAV is supported, got {8 * width}-bit")
    if channels == 1:
        return data, rate
    samples = _samples(data)
    mixed = array(
        "h",
        (sum(samples[i : i + channels]) // channels for i in range(0, len(samples), channels)),
    )
    return _to_bytes(mixed), rate


def pcm16_to_wav(pcm16: bytes, sample_rate: int) -> bytes:
    """A mono 16-bit WAV file holding `pcm16`."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(pcm16)
    return buffer.getvalue()


def to_telephone(pcm16: bytes, sample_rate: int) -> bytes:
    """8 kHz μ-law bytes (what Twilio plays) for mono PCM16 at any rate."""
    return ulaw_encode(resample(pcm16, sample_rate, TELEPHONE_RATE))


def from_telephone(ulaw: bytes, sample_rate: int = TELEPHONE_RATE) -> bytes:
    """Mono PCM16 at `sample_rate` for 8 kHz μ-law bytes (what Twilio sends)."""
    return resample(ulaw_decode(ulaw), TELEPHONE_RATE, sample_rate)


def frames(ulaw: bytes, size: int = ULAW_FRAME_BYTES) -> Iterator[bytes]:
    """`ulaw` cut into `size`-byte frames, the last padded with μ-law silence."""
    for start in range(0, len(ulaw), size):
        chunk = ulaw[start : start + size]
        yield chunk + bytes([ULAW_SILENCE]) * (size - len(chunk))


def rms(pcm16: bytes) -> float:
    """Root-mean-square amplitude of PCM16 audio (0 for no samples)."""
    samples = _samples(pcm16)
    if not samples:
        return 0.0
    return math.sqrt(sum(map(mul_self, samples)) / len(samples))


def mul_self(value: int) -> int:
    """`value` squared (a helper for `rms`)."""
    return value * value
