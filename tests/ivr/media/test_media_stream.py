"""MediaStreamCall: Twilio Media Streams messages in, speech, keys and replies out."""

from __future__ import annotations

import asyncio
import base64
import random
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assist.dialogue.prompts import Prompts
from assist.ivr.media.stream import (
    CallerInput,
    CallState,
    MediaStreamCall,
    SpokenReply,
    hold_text,
)
from assist.ivr.speech.audio import ulaw_encode
from assist.ivr.speech.base import SpeechToText
from assist.ivr.speech.prompt_cache import PromptCache
from assist.ivr.speech.pyttsx3_synthesizer import Pyttsx3Synthesizer
from assist.ivr.speech.vosk_recognizer import VoskRecognizer
from tests.ivr.conftest import (
    KOREAN,
    MenuEngine,
    ModelCase,
    TwilioSide,
    pick,
    silence_ulaw,
    spoken_ulaw,
)


@pytest.fixture
def cache(tts: Pyttsx3Synthesizer, tmp_path: Path) -> Iterator[PromptCache]:
    """A prompt cache over the real synthesiser."""
    yield PromptCache(tts, tmp_path / "tts-cache")


def make_call(
    stt: SpeechToText, cache: PromptCache, engine: Any, case: ModelCase, **options: Any
) -> TwilioSide:
    """A call wired to a recording Twilio side."""
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    call = MediaStreamCall(
        stt=stt,
        prompts=cache,
        turn=engine,
        send=send,
        universal_words={case.language: case.universal},
        **options,
    )
    return TwilioSide(call=call, sent=sent)


def events(side: TwilioSide) -> list[str]:
    """The kinds of message sent to Twilio, with runs of media collapsed."""
    kinds: list[str] = []
    for message in side.sent:
        if not kinds or message["event"] != "media" or kinds[-1] != "media":
            kinds.append(message["event"])
    return kinds


async def test_start_speaks_the_first_prompt_as_ulaw_frames_then_a_mark(
    recognizer: VoskRecognizer, cache: PromptCache, case: ModelCase
) -> None:
    """On `start` the engine is asked for the greeting, which is sent as 160-byte μ-law
    media frames on the stream followed by a mark; the custom parameters reach the engine."""
    engine = MenuEngine(case)
    side = make_call(recognizer, cache, engine, case)
    await side.start(From="+441223000000")
    assert engine.heard == [CallerInput(kind="start", parameters={"From": "+441223000000"})]
    assert events(side) == ["media", "mark"]
    media = [m for m in side.sent if m["event"] == "media"]
    assert all(m["streamSid"] == side.stream_sid for m in side.sent)
    assert {len(base64.b64decode(m["media"]["payload"])) for m in media} == {160}
    assert len(media) > 25  # more than half a second of speech
    assert side.call.state is CallState.SPEAKING


async def test_spoken_option_is_recognised_with_the_step_grammar(
    recognizer: VoskRecognizer, cache: PromptCache, case: ModelCase
) -> None:
    """After the prompt plays, each option word spoken into the stream reaches the engine
    as that option, understood, and the next prompt follows."""
    engine = MenuEngine(case)
    side = make_call(recognizer, cache, engine, case)
    await side.start()
    for word, key in [*case.options.items(), (case.person, "0")]:
        await side.play()
        await side.say(spoken_ulaw(word, case.espeak_voice))
        heard = engine.heard[-1]
        assert heard.kind == "speech"
        assert pick(case, heard) == key, heard
        assert heard.understood and heard.confidence is not None and heard.confidence >= 0.6
    assert side.call.metrics.barge_ins == 0
    assert len(side.call.metrics.reply_latencies_s) == len(case.options) + 1


async def test_dtmf_in_the_same_stream_is_a_key_press(
    recognizer: VoskRecognizer, cache: PromptCache, case: ModelCase
) -> None:
    """Keys and speech mix on one call: a spoken choice, then a pressed one."""
    engine = MenuEngine(case)
    side = make_call(recognizer, cache, engine, case)
    await side.start()
    await side.play()
    await side.say(spoken_ulaw(next(iter(case.options)), case.espeak_voice))
    await side.play()
    await side.audio(silence_ulaw(400))
    await side.key("3")
    assert [h.kind for h in engine.heard] == ["start", "speech", "digits"]
    assert engine.heard[-1].digits == "3"


async def test_speech_during_playback_clears_it_and_is_still_heard(
    recognizer: VoskRecognizer, cache: PromptCache, case: ModelCase
) -> None:
    """Barge-in: the caller speaks before the prompt's mark comes back; Assist sends
    `clear` at once and still recognises what was said."""
    engine = MenuEngine(case)
    side = make_call(recognizer, cache, engine, case)
    await side.start()
    word, key = next(reversed(case.options.items()))
    sent_before = len(side.sent)
    await side.say(spoken_ulaw(word, case.espeak_voice))  # no play(): prompt still queued
    after = side.sent[sent_before:]
    assert after[0] == {"event": "clear", "streamSid": side.stream_sid}
    assert side.call.metrics.barge_ins == 1
    assert pick(case, engine.heard[-1]) == key


async def test_a_key_during_playback_clears_it(
    recognizer: VoskRecognizer, cache: PromptCache, case: ModelCase
) -> None:
    """Barge-in by key: pressing 0 during the prompt sends `clear` and delivers the key."""
    engine = MenuEngine(case)
    side = make_call(recognizer, cache, engine, case)
    await side.start()
    sent_before = len(side.sent)
    await side.key("0")
    assert side.sent[sent_before]["event"] == "clear"
    assert engine.heard[-1] == CallerInput(kind="digits", digits="0")


async def test_a_stale_mark_after_clear_does_not_start_listening_early(
    korean_recognizer: VoskRecognizer, cache: PromptCache
) -> None:
    """Twilio returns the marks of cleared audio; only the current reply's mark counts."""
    engine = MenuEngine(KOREAN)
    side = make_call(korean_recognizer, cache, engine, KOREAN)
    await side.start()
    await side.key("5")  # barge-in; a new reply and mark are queued
    marks = [m["mark"]["name"] for m in side.sent if m["event"] == "mark"]
    assert len(marks) == 2
    await side.deliver({"event": "mark", "streamSid": side.stream_sid, "mark": {"name": marks[0]}})
    assert side.call.state is CallState.SPEAKING
    await side.deliver({"event": "mark", "streamSid": side.stream_sid, "mark": {"name": marks[1]}})
    assert side.call.state is CallState.LISTENING


async def test_silence_after_the_prompt_is_a_turn(
    korean_recognizer: VoskRecognizer, cache: PromptCache
) -> None:
    """Nothing said or pressed for the step's timeout after the prompt ends gives the
    engine a silence turn (so it can reprompt), not a hang-up."""
    engine = MenuEngine(KOREAN, input_timeout_s=2.0)
    side = make_call(korean_recognizer, cache, engine, KOREAN)
    await side.start()
    await side.audio(silence_ulaw(3000))  # prompt still playing: no timeout yet
    assert [h.kind for h in engine.heard] == ["start"]
    await side.play()
    await side.audio(silence_ulaw(1900))
    assert [h.kind for h in engine.heard] == ["start"]
    await side.audio(silence_ulaw(200))
    assert [h.kind for h in engine.heard] == ["start", "silence"]


async def test_multi_digit_entry_ends_with_hash_or_max_digits(
    korean_recognizer: VoskRecognizer, cache: PromptCache
) -> None:
    """With max_digits 4, keys are collected like <Gather>: `#` ends early, four keys end."""
    engine = MenuEngine(KOREAN, max_digits=4)
    side = make_call(korean_recognizer, cache, engine, KOREAN)
    await side.start()
    await side.play()
    for digit in "12#":
        await side.key(digit)
    assert engine.heard[-1].digits == "12"
    await side.play()
    for digit in "4567":
        await side.key(digit)
    assert engine.heard[-1].digits == "4567"


async def test_a_pause_in_a_digit_entry_delivers_what_was_typed(
    korean_recognizer: VoskRecognizer, cache: PromptCache
) -> None:
    """Keys followed by the timeout are delivered without waiting for `#`."""
    engine = MenuEngine(KOREAN, max_digits=6, input_timeout_s=3.0)
    side = make_call(korean_recognizer, cache, engine, KOREAN)
    await side.start()
    await side.play()
    await side.key("8")
    await side.key("1")
    await side.audio(silence_ulaw(3100))
    assert engine.heard[-1] == CallerInput(kind="digits", digits="81")


async def test_hangup_reply_plays_in_full_then_ends_the_stream(
    korean_recognizer: VoskRecognizer, cache: PromptCache
) -> None:
    """A hangup reply cannot be barged in on and ends the call when its mark returns."""
    engine = MenuEngine(KOREAN, hangup_on="9")
    side = make_call(korean_recognizer, cache, engine, KOREAN)
    await side.start()
    await side.play()
    await side.key("9")
    await side.key("1")  # ignored: the goodbye plays in full
    assert [h.digits for h in engine.heard] == [None, "9"]
    assert not side.call.ended
    await side.play()
    assert side.call.ended


async def test_speech_in_a_language_without_a_model_is_heard_but_not_understood(
    korean_recognizer: VoskRecognizer, cache: PromptCache
) -> None:
    """When the reply's language has no recogniser, speech still ends the turn, with empty
    text and confidence 0, so the engine can ask for a key instead."""

    async def english_only(call_sid: str, heard: CallerInput) -> SpokenReply:
        engine.heard.append(heard)
        return SpokenReply(texts=["Press 1 for bins."], options_words=["bins"], language="en")

    engine = MenuEngine(KOREAN)
    side = make_call(korean_recognizer, cache, english_only, KOREAN)
    await side.start()
    await side.play()
    await side.say(spoken_ulaw("bins", "en-gb"))
    assert engine.heard[-1] == CallerInput(kind="speech", speech="", confidence=0.0)


async def test_stop_ends_the_call_and_a_failing_engine_ends_the_stream(
    korean_recognizer: VoskRecognizer, cache: PromptCache
) -> None:
    """`stop` ends the call; an engine exception ends the stream (TwiML takes over)."""
    side = make_call(korean_recognizer, cache, MenuEngine(KOREAN), KOREAN)
    await side.start()
    await side.stop()
    assert side.call.ended

    async def broken(call_sid: str, heard: CallerInput) -> SpokenReply:
        raise RuntimeError("engine down")

    side = make_call(korean_recognizer, cache, broken, KOREAN)
    await side.start()
    assert side.call.ended
    assert side.sent == []


async def test_non_telephone_media_format_is_refused(
    korean_recognizer: VoskRecognizer, cache: PromptCache
) -> None:
    """A stream that is not 8 kHz μ-law ends without asking the engine."""
    engine = MenuEngine(KOREAN)
    side = make_call(korean_recognizer, cache, engine, KOREAN)
    await side.deliver(
        {
            "event": "start",
            "streamSid": "MZ1",
            "start": {
                "callSid": "CA1",
                "mediaFormat": {"encoding": "audio/l16", "sampleRate": 16000},
            },
        }
    )
    assert side.call.ended and engine.heard == []


class RecordingRecognizer:
    """The real recogniser, recording the grammar of every stream opened."""

    def __init__(self, inner: VoskRecognizer) -> None:
        self.inner = inner
        self.grammars: list[list[str] | None] = []
        self.languages = inner.languages
        self.sample_rates = inner.sample_rates
        self.supports_grammar = inner.supports_grammar

    async def open_stream(
        self, *, language: str, sample_rate: int, grammar: list[str] | None = None
    ) -> Any:
        """Record, then open a real stream."""
        self.grammars.append(None if grammar is None else list(grammar))
        return await self.inner.open_stream(
            language=language, sample_rate=sample_rate, grammar=grammar
        )


@pytest.mark.slow  # free recognition with the large Korean vocabulary: RTF above 1 here
async def test_grammar_holds_options_and_universal_words_and_open_questions_are_free(
    korean_recognizer: VoskRecognizer, cache: PromptCache
) -> None:
    """A menu step recognises with its options plus the universal words; a step with no
    options (an open question) recognises freely; `free_speech` runs both at once."""
    replies = iter(
        [
            SpokenReply(texts=["메뉴"], options_words=["이", "삼"], language="ko"),
            SpokenReply(texts=["말씀하세요"], language="ko"),
            SpokenReply(texts=["메뉴"], options_words=["오"], language="ko", free_speech=True),
            SpokenReply(texts=["메뉴"], language="ko"),
        ]
    )
    heard: list[CallerInput] = []

    async def engine(call_sid: str, event: CallerInput) -> SpokenReply:
        heard.append(event)
        return next(replies)

    stt = RecordingRecognizer(korean_recognizer)
    side = make_call(stt, cache, engine, KOREAN)
    await side.start()
    for word in ("삼", "상담원", "오"):
        await side.play()
        await side.say(spoken_ulaw(word, "ko"))
    assert stt.grammars == [["이", "삼", "상담원"], None, ["오", "상담원"], None]
    assert heard[1].speech == "삼"
    assert heard[3].speech == "오" and heard[3].understood  # the grammar result wins


def test_an_understood_grammar_result_wins_else_free_words_are_used() -> None:
    """choose_result prefers the understood grammar result, then free text, then the
    grammar result as it was."""
    from assist.ivr.media.stream import choose_result
    from assist.ivr.speech.base import SpeechResult

    grammar_ok = SpeechResult("bins", 0.9, True, understood=True)
    grammar_unk = SpeechResult("", 0.0, True, unknown=True)
    free = SpeechResult("my bin was not collected", 0.7, True, understood=True)
    nothing = SpeechResult("", 0.0, True)
    assert choose_result([grammar_ok, free]) is grammar_ok
    assert choose_result([grammar_unk, free]) is free
    assert choose_result([grammar_unk, nothing]) is grammar_unk
    with pytest.raises(ValueError, match="no recognition"):
        choose_result([])


async def test_a_slow_engine_gets_a_holding_phrase_instead_of_dead_air(
    korean_recognizer: VoskRecognizer, cache: PromptCache, prompts: Prompts
) -> None:
    """When the engine takes longer than hold_after_s, "one moment" is queued first and
    the reply follows it under a single mark."""

    async def slow_engine(call_sid: str, heard: CallerInput) -> SpokenReply:
        await asyncio.sleep(0.3)
        return SpokenReply(texts=["Your bin is collected on Tuesday."], language="en")

    side = make_call(
        korean_recognizer,
        cache,
        slow_engine,
        KOREAN,
        hold_after_s=0.05,
        hold_text=lambda lang: hold_text(prompts, lang),
    )
    await side.start()
    said = hold_text(prompts, "en")
    assert said == "One moment, please."
    hold = await cache.audio(said, language="en", rate_wpm=160)
    reply = await cache.audio("Your bin is collected on Tuesday.", language="en", rate_wpm=160)
    media = b"".join(
        base64.b64decode(m["media"]["payload"]) for m in side.sent if m["event"] == "media"
    )
    assert media.startswith(hold[:1600])
    assert len(media) >= len(hold) + len(reply)
    assert [m["event"] for m in side.sent].count("mark") == 1
    assert side.sent[-1]["event"] == "mark"


async def test_a_quick_engine_gets_no_holding_phrase(
    korean_recognizer: VoskRecognizer, cache: PromptCache
) -> None:
    """An engine answering within hold_after_s is heard directly."""
    engine = MenuEngine(KOREAN)
    side = make_call(korean_recognizer, cache, engine, KOREAN, hold_after_s=5.0)
    await side.start()
    prompt = await cache.audio(engine.menu().texts[0], language="ko", rate_wpm=160)
    media = [m for m in side.sent if m["event"] == "media"]
    assert len(media) == -(-len(prompt) // 160)


async def test_a_short_noise_during_playback_does_not_interrupt_it(
    korean_recognizer: VoskRecognizer, cache: PromptCache
) -> None:
    """160 ms of noise (enough to start speech after a prompt) is too short to cut a
    playing prompt off: barge-in needs 200 ms."""
    engine = MenuEngine(KOREAN)
    side = make_call(korean_recognizer, cache, engine, KOREAN)
    await side.start()
    burst = ulaw_encode(
        array("h", (random.Random(1).randint(-6000, 6000) for _ in range(8 * 160))).tobytes()
    )
    await side.audio(silence_ulaw(400) + burst + silence_ulaw(1000))
    assert side.call.metrics.barge_ins == 0
    assert side.call.state is CallState.SPEAKING


async def test_a_reply_that_cannot_be_spoken_ends_the_stream(
    korean_recognizer: VoskRecognizer, cache: PromptCache
) -> None:
    """A reply in a language with no voice ends the stream (TwiML takes over) instead of
    crashing the connection or leaving silence."""

    async def engine(call_sid: str, heard: CallerInput) -> SpokenReply:
        return SpokenReply(texts=["Sveiki"], language="xx")

    side = make_call(korean_recognizer, cache, engine, KOREAN)
    await side.start()
    assert side.call.ended
    assert [m for m in side.sent if m["event"] == "media"] == []
