"""Build the self-hosted speech components from `Settings` (when `voice_speech=vosk`)."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from assist.ivr.speech.espeak_synthesizer import EspeakSynthesizer
from assist.ivr.speech.prompt_cache import PromptCache
from assist.ivr.speech.pyttsx3_synthesizer import Pyttsx3Synthesizer
from assist.ivr.speech.voices import ESPEAK_VOICES
from assist.ivr.speech.vosk_recognizer import VoskRecognizer, load_model, supports_runtime_grammar
from assist.settings import Settings


@dataclass
class SelfHostedSpeech:
    """Everything the media stream needs to hear and speak."""

    stt: VoskRecognizer
    """The recogniser for the model at `Settings.vosk_model_path`."""
    tts: Pyttsx3Synthesizer
    """pyttsx3 with espeak-ng voices (espeak-ng itself as fallback)."""
    prompts: PromptCache
    """Prompt audio cached under `<data_dir>/tts-cache`."""

    def close(self) -> None:
        """Stop the synthesiser's worker thread."""
        self.tts.close()


def build_speech(
    settings: Settings,
    *,
    model_language: str = "en",
    voices: Mapping[str, str] = ESPEAK_VOICES,
    model_path: Path | None = None,
) -> SelfHostedSpeech:
    """Load the Vosk model (blocking, about 2 s: call it while building the app, not inside
    a request) and set up synthesis and the prompt cache.

    Raises ValueError when no model path is configured and FileNotFoundError when the
    directory holds no model."""
    path = model_path or settings.vosk_model_path
    if path is None:
        raise ValueError(
            "ASSIST_VOSK_MODEL_PATH is not set: run `assist voice fetch-model en` and set it"
        )
    stt = VoskRecognizer(
        load_model(path),
        language=model_language,
        grammar_capable=supports_runtime_grammar(path),
    )
    fallback = EspeakSynthesizer(voices) if shutil.which("espeak-ng") else None
    tts = Pyttsx3Synthesizer(voices, fallback=fallback)
    prompts = PromptCache(tts, settings.data_dir / "tts-cache")
    return SelfHostedSpeech(stt=stt, tts=tts, prompts=prompts)
