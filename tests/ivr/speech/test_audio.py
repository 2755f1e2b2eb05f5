"""Audio conversion: μ-law, resampling, WAV and framing."""

from __future__ import annotations

import math
from array import array

from hypothesis import given
from hypothesis import strategies as st

from assist.ivr.speech import audio


def tone(freq: float, rate: int, seconds: float, amplitude: int = 10000) -> bytes:
    """A sine tone as PCM16."""
    n = int(rate * seconds)
    return array(
        "h", (round(amplitude * math.sin(2 * math.pi * freq * i / rate)) for i in range(n))
    ).tobytes()


def test_ulaw_reference_values() -> None:
    """Zero, full-scale positive and negative samples encode to G.711's 0xFF, 0x80, 0x00."""
    samples = array("h", [0, 32767, -32768]).tobytes()
    assert audio.ulaw_encode(samples) == bytes([0xFF, 0x80, 0x00])
    assert array("h", audio.ulaw_decode(bytes([0xFF, 0x80, 0x00]))).tolist() == [0, 32124, -32124]


@given(st.lists(st.integers(min_value=-32768, max_value=32767), min_size=1, max_size=200))
def test_ulaw_round_trip_error_is_within_one_quantisation_step(samples: list[int]) -> None:
    """Decoding an encoded sample lands within μ-law's step size (about 1/16 of its size)."""
    decoded = array("h", audio.ulaw_decode(audio.ulaw_encode(array("h", samples).tobytes())))
    for original, back in zip(samples, decoded, strict=True):
        assert abs(original - back) <= 8 + abs(original) // 16


@given(st.binary(max_size=400))
def test_every_ulaw_byte_decodes_and_reencodes_to_itself(data: bytes) -> None:
    """μ-law → PCM16 → μ-law is lossless (except 0x7F, the duplicate zero)."""
    data = data.replace(b"\x7f", b"\xff")
    assert audio.ulaw_encode(audio.ulaw_decode(data)) == data


@given(st.binary(max_size=400))
def test_ulaw_level_matches_the_decoded_level(data: bytes) -> None:
    """The VAD's level straight from μ-law equals the RMS of the decoded samples."""
    assert math.isclose(audio.ulaw_rms(data), audio.rms(audio.ulaw_decode(data)), rel_tol=1e-9)


def test_resampling_keeps_speech_band_and_length() -> None:
    """A 1 kHz tone resampled 22050 → 8000 Hz keeps its level and duration."""
    src = tone(1000, 22050, 1.0)
    out = audio.resample(src, 22050, 8000)
    assert len(out) // 2 == 8000
    assert abs(audio.rms(out) - audio.rms(src)) / audio.rms(src) < 0.05


def test_resampling_filters_what_8khz_cannot_carry() -> None:
    """A 6 kHz tone (above the 4 kHz Nyquist limit) is mostly removed, not aliased."""
    src = tone(6000, 22050, 0.5)
    out = audio.resample(src, 22050, 8000)
    assert audio.rms(out) < 0.05 * audio.rms(src)


def test_upsampling_then_downsampling_returns_the_signal() -> None:
    """8 → 16 → 8 kHz changes a 500 Hz tone very little."""
    src = tone(500, 8000, 0.25)
    back = audio.resample(audio.resample(src, 8000, 16000), 16000, 8000)
    a, b = array("h", src), array("h", back)
    worst = max(abs(x - y) for x, y in zip(a[50:-50], b[50:-50], strict=True))
    assert worst < 400


def test_frames_are_160_bytes_and_padded_with_silence() -> None:
    """μ-law audio is cut into 20 ms frames; the last is padded with 0xFF."""
    chunks = list(audio.frames(bytes(330)))
    assert [len(c) for c in chunks] == [160, 160, 160]
    assert chunks[-1][10:] == bytes([0xFF]) * 150


def test_wav_round_trip_and_stereo_mixdown() -> None:
    """A mono WAV reads back as written; a stereo one is mixed to mono."""
    pcm = tone(440, 16000, 0.1)
    assert audio.wav_to_pcm16(audio.pcm16_to_wav(pcm, 16000)) == (pcm, 16000)
    import io
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(array("h", [100, 300, -100, -300]).tobytes())
    mono, rate = audio.wav_to_pcm16(buffer.getvalue())
    assert (array("h", mono).tolist(), rate) == ([200, -200], 8000)


def test_to_telephone_makes_8khz_ulaw() -> None:
    """22.05 kHz PCM becomes one μ-law byte per 8 kHz sample."""
    assert len(audio.to_telephone(tone(300, 22050, 1.0), 22050)) == 8000
