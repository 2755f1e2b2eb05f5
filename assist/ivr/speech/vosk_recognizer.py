"""`VoskRecognizer`: offline streaming recognition with Vosk (Kaldi), one model per process.

A model is loaded once per directory and shared by every call; each call gets its own
`KaldiRecognizer`. All Vosk calls block, so they run in worker threads. Small "lookahead"
models (a `graph/` with `Gr.fst` and `HCLr.fst`) accept a phrase list at runtime, which
makes a menu step far more accurate and about 25x cheaper (ENVIRONMENT.md); big static
models (`HCLG.fst`) recognise freely.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import anyio.to_thread
import vosk

from assist.ivr.speech.base import UNKNOWN_WORD, RecognizedWord, SpeechResult
from assist.ivr.speech.grammar import build_grammar

_models: dict[Path, Any] = {}
_models_lock = threading.Lock()


def load_model(path: Path) -> Any:
    """The `vosk.Model` for `path`, loaded on first use and shared (blocking; about 2 s).

    Raises FileNotFoundError when `path` is not a model directory."""
    resolved = Path(path).expanduser().resolve()
    if not (resolved / "am").is_dir() and not (resolved / "final.mdl").exists():
        raise FileNotFoundError(f"no Vosk model at {resolved} (expected am/final.mdl)")
    with _models_lock:
        model = _models.get(resolved)
        if model is None:
            vosk.SetLogLevel(-1)
            model = vosk.Model(str(resolved))
            _models[resolved] = model
        return model


def supports_runtime_grammar(path: Path) -> bool:
    """True when the model at `path` is a lookahead model (`Gr.fst` + `HCLr.fst`)."""
    for graph in (Path(path) / "graph", Path(path)):
        if (graph / "Gr.fst").exists() and (graph / "HCLr.fst").exists():
            return True
    return False


def parse_result(raw: str, *, is_final: bool, min_confidence: float) -> SpeechResult:
    """A `SpeechResult` from Vosk's JSON (`Result`, `FinalResult` or `PartialResult`)."""
    data = json.loads(raw)
    if not is_final:
        partial = " ".join(w for w in data.get("partial", "").split() if w != UNKNOWN_WORD)
        return SpeechResult(text=partial, confidence=0.0, is_final=False)
    words = tuple(
        RecognizedWord(
            word=str(item["word"]),
            confidence=float(item.get("conf", 0.0)),
            start_s=float(item.get("start", 0.0)),
            end_s=float(item.get("end", 0.0)),
        )
        for item in data.get("result", [])
    )
    if not words and data.get("text"):  # SetWords was off: text only, confidence unknown
        words = tuple(RecognizedWord(word=w, confidence=1.0) for w in data["text"].split())
    return combine(words, min_confidence=min_confidence)


def combine(words: Sequence[RecognizedWord], *, min_confidence: float) -> SpeechResult:
    """The final result for `words`: `[unk]` counts as confidence 0 and marks it unknown."""
    unknown = any(w.word == UNKNOWN_WORD for w in words)
    scores = [0.0 if w.word == UNKNOWN_WORD else w.confidence for w in words]
    confidence = sum(scores) / len(scores) if scores else 0.0
    text = " ".join(w.word for w in words if w.word != UNKNOWN_WORD)
    return SpeechResult(
        text=text,
        confidence=confidence,
        is_final=True,
        words=tuple(words),
        unknown=unknown,
        understood=bool(text) and not unknown and confidence >= min_confidence,
    )


class VoskStream:
    """One call's recogniser; feed it from a single task (Vosk recognisers are not shared)."""

    def __init__(self, recognizer: Any, *, min_confidence: float) -> None:
        self._recognizer = recognizer
        self._min_confidence = min_confidence
        self._words: list[RecognizedWord] = []
        self._finished = False

    def _accept(self, pcm16: bytes) -> SpeechResult:
        if self._recognizer.AcceptWaveform(pcm16):
            # Vosk found an endpoint inside the audio: keep that segment's words.
            segment = parse_result(
                self._recognizer.Result(), is_final=True, min_confidence=self._min_confidence
            )
            self._words.extend(segment.words)
            return SpeechResult(text=self._text(), confidence=0.0, is_final=False)
        partial = parse_result(self._recognizer.PartialResult(), is_final=False, min_confidence=0.0)
        text = " ".join(t for t in (self._text(), partial.text) if t)
        return SpeechResult(text=text, confidence=0.0, is_final=False)

    def _text(self) -> str:
        return " ".join(w.word for w in self._words if w.word != UNKNOWN_WORD)

    async def accept(self, pcm16: bytes) -> SpeechResult:
        """Feed mono PCM16 audio; returns the partial result so far."""
        if self._finished:
            raise RuntimeError("stream already finished")
        return await anyio.to_thread.run_sync(self._accept, pcm16)

    def _finish(self) -> SpeechResult:
        last = parse_result(
            self._recognizer.FinalResult(), is_final=True, min_confidence=self._min_confidence
        )
        return combine([*self._words, *last.words], min_confidence=self._min_confidence)

    async def finish(self) -> SpeechResult:
        """The final result of everything fed; the stream cannot be used afterwards."""
        if self._finished:
            raise RuntimeError("stream already finished")
        self._finished = True
        return await anyio.to_thread.run_sync(self._finish)


class VoskRecognizer:
    """`SpeechToText` with one Vosk model for one language."""

    def __init__(
        self,
        model: Any,
        *,
        language: str,
        grammar_capable: bool,
        min_confidence: float = 0.6,
        sample_rates: frozenset[int] = frozenset({8000, 16000}),
    ) -> None:
        self._model = model
        self._language = language
        self._grammar_capable = grammar_capable
        self.min_confidence = min_confidence
        self._sample_rates = sample_rates
        self._unk_known = self.knows(UNKNOWN_WORD)

    @classmethod
    async def load(
        cls, path: Path, *, language: str, min_confidence: float = 0.6
    ) -> VoskRecognizer:
        """A recogniser for the model at `path` (loaded in a worker thread, shared).

        Raises FileNotFoundError when `path` holds no model."""
        model = await anyio.to_thread.run_sync(load_model, Path(path))
        return cls(
            model,
            language=language,
            grammar_capable=supports_runtime_grammar(Path(path)),
            min_confidence=min_confidence,
        )

    @property
    def languages(self) -> frozenset[str]:
        """The one language of the model."""
        return frozenset({self._language})

    @property
    def sample_rates(self) -> frozenset[int]:
        """Rates accepted (Vosk resamples to the model's own rate internally)."""
        return self._sample_rates

    @property
    def supports_grammar(self) -> bool:
        """True for lookahead models."""
        return self._grammar_capable

    def knows(self, word: str) -> bool:
        """Whether `word` is in the model's vocabulary."""
        return int(self._model.vosk_model_find_word(word)) >= 0

    def grammar_for(self, phrases: Sequence[str]) -> list[str]:
        """`phrases` restricted to the vocabulary, plus `[unk]` when the model has it."""
        return build_grammar(phrases, known=self.knows, unknown_word=self._unk_known)

    def _open(self, sample_rate: int, grammar: list[str] | None) -> VoskStream:
        if grammar is not None:
            recognizer = vosk.KaldiRecognizer(
                self._model, sample_rate, json.dumps(grammar, ensure_ascii=False)
            )
        else:
            recognizer = vosk.KaldiRecognizer(self._model, sample_rate)
        recognizer.SetWords(True)
        return VoskStream(recognizer, min_confidence=self.min_confidence)

    async def open_stream(
        self, *, language: str, sample_rate: int, grammar: Sequence[str] | None = None
    ) -> VoskStream:
        """A new recognition stream; `grammar` is used only when the model supports it.

        Raises ValueError for another language or an unsupported rate."""
        if language != self._language:
            raise ValueError(f"this recogniser knows {self._language!r}, not {language!r}")
        if sample_rate not in self._sample_rates:
            raise ValueError(f"unsupported sample rate {sample_rate}")
        phrases = None
        if grammar is not None and self._grammar_capable:
            phrases = self.grammar_for(grammar)
            if not [p for p in phrases if p != UNKNOWN_WORD]:
                phrases = None  # nothing in the vocabulary: better free than deaf
        return await anyio.to_thread.run_sync(self._open, sample_rate, phrases)
