"""Building the self-hosted speech components from Settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from assist.ivr.speech.factory import build_speech
from assist.ivr.speech.voices import ESPEAK_VOICES
from assist.settings import Settings
from tests.ivr.conftest import korean_model_path


async def test_settings_build_a_working_recogniser_synthesiser_and_cache(tmp_path: Path) -> None:
    """With ASSIST_VOSK_MODEL_PATH set, the model is loaded with grammar support, prompts
    speak, and their audio is cached under data_dir/tts-cache."""
    settings = Settings(data_dir=tmp_path, vosk_model_path=korean_model_path(), voice_speech="vosk")
    speech = build_speech(settings, model_language="ko", voices={**ESPEAK_VOICES, "ko": "ko"})
    try:
        assert speech.stt.languages == {"ko"} and speech.stt.supports_grammar
        audio = await speech.prompts.audio("안녕하세요", language="ko", rate_wpm=160)
        assert len(audio) > 4000
        assert list((tmp_path / "tts-cache").rglob("*.ulaw"))
    finally:
        speech.close()


def test_no_model_path_is_a_clear_error(tmp_path: Path) -> None:
    """Without a model path the error says how to get one."""
    with pytest.raises(ValueError, match="fetch-model"):
        build_speech(Settings(data_dir=tmp_path, vosk_model_path=None))
