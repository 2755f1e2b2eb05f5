"""The phone line's TwiML as Twilio's own builder writes it (the implementation before
issue 18): the reference `assist.ivr.twilio.twiml`'s string building is held equal to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from twilio.twiml.voice_response import Gather, VoiceResponse

from assist.ivr.twilio.twiml import (
    ENTRY_TIMEOUT_S,
    HOLD_PAUSE_S,
    MENU_TIMEOUT_S,
    OPTION_BREAK,
    QUEUE_NAME,
    SLOW_EXTRA_S,
    SLOW_RATE,
    SPEECH_TIMEOUT_S,
    Choice,
    VoiceStyle,
    hints_for,
)


def _say(
    parent: VoiceResponse | Gather, text: str, style: VoiceStyle, pause_after: bool = False
) -> None:
    say = parent.say(None if style.slow else text, voice=style.voice, language=style.locale)
    if style.slow:
        say.prosody(text, rate=SLOW_RATE)
    if pause_after:
        say.break_(time=OPTION_BREAK)


def _xml(response: VoiceResponse) -> str:
    return str(response.to_xml())


def gather_document(
    says: Sequence[str],
    question: str,
    choices: Sequence[Choice],
    *,
    style: VoiceStyle,
    action_url: str,
    entry: bool,
    person_line: str | None = None,
    num_digits: int | None = None,
    hint_words: Sequence[str] = (),
    after: Sequence[str] = (),
) -> str:
    response = VoiceResponse()
    timeout = (ENTRY_TIMEOUT_S if entry else MENU_TIMEOUT_S) + (SLOW_EXTRA_S if style.slow else 0)
    attrs: dict[str, object] = {}
    if num_digits is None and choices and not entry:
        num_digits = 1
    if num_digits is not None:
        attrs["num_digits"] = num_digits
    gather = response.gather(
        input="dtmf speech",
        action=action_url,
        method="POST",
        language=style.locale,
        hints=hints_for([c.label for c in choices], style.language, hint_words),
        action_on_empty_result=True,
        timeout=timeout,
        speech_timeout=SPEECH_TIMEOUT_S,
        finish_on_key="#",
        **attrs,
    )
    for text in says:
        _say(gather, text, style)
    if question:
        _say(gather, question, style, pause_after=bool(choices))
    for choice in choices:
        voice = replace(style, language=choice.language) if choice.language else style
        _say(gather, choice.sentence, voice, pause_after=True)
    for text in after:
        _say(gather, text, style)
    if person_line:
        _say(gather, person_line, style)
    return _xml(response)


def enqueue_document(
    says: Sequence[str], *, style: VoiceStyle, wait_url: str, action_url: str
) -> str:
    response = VoiceResponse()
    for text in says:
        _say(response, text, style)
    response.enqueue(
        QUEUE_NAME, wait_url=wait_url, wait_url_method="POST", action=action_url, method="POST"
    )
    return _xml(response)


def goodbye_document(says: Sequence[str], *, style: VoiceStyle) -> str:
    response = VoiceResponse()
    for text in says:
        _say(response, text, style)
    response.hangup()
    return _xml(response)


def say_document(
    says: Sequence[str], *, style: VoiceStyle, redirect_url: str | None = None, leave: bool = False
) -> str:
    response = VoiceResponse()
    for text in says:
        _say(response, text, style)
    if leave:
        response.leave()
    elif redirect_url:
        response.redirect(redirect_url, method="POST")
    return _xml(response)


def wait_document(
    says: Sequence[str],
    *,
    style: VoiceStyle,
    key_url: str,
    music_url: str | None,
    hints: str,
    pause_s: int = HOLD_PAUSE_S,
) -> str:
    response = VoiceResponse()
    gather = response.gather(
        input="dtmf speech",
        action=key_url,
        method="POST",
        language=style.locale,
        hints=hints,
        num_digits=1,
        timeout=1,
        speech_timeout=SPEECH_TIMEOUT_S,
    )
    for text in says:
        _say(gather, text, style)
    if music_url:
        gather.play(music_url)
    else:
        gather.pause(length=pause_s)
    return _xml(response)


def dial_document(
    says: Sequence[str],
    *,
    style: VoiceStyle,
    target: str,
    caller_id: str | None = None,
    action_url: str | None = None,
    timeout_s: int = 30,
) -> str:
    response = VoiceResponse()
    for text in says:
        _say(response, text, style)
    attrs: dict[str, object] = {"timeout": timeout_s}
    if caller_id:
        attrs["caller_id"] = caller_id
    if action_url:
        attrs["action"] = action_url
        attrs["method"] = "POST"
    dial = response.dial(**attrs)
    if target.startswith("client:"):
        dial.client(target.removeprefix("client:"))
    else:
        dial.number(target)
    return _xml(response)
