"""TwiML documents for the phone line, built with Twilio's own `voice_response` builder.

Pure functions: text and URLs in, XML out. Choices made here (TWILIO.md, HUMANE.md):

- Prompts sit inside `<Gather>` so a caller who knows the key need not wait (barge-in).
- `actionOnEmptyResult="true"` so silence reaches the engine (Twilio's default drops it).
- `speechTimeout` is a number: `auto` conflicts with some speech models (warning 13335).
- Options are one `<Say>` each, ending in an SSML `<break time="600ms"/>`: `<Pause>` only
  takes whole seconds (1 s is outside the 500–750 ms the issue asks for); Polly and Google
  voices both honour SSML breaks inside `<Say>`.
- Entry steps wait at least 12 s (Relay UK callers type, then a relay assistant speaks);
  menus submit on one key (`numDigits=1`), entries leave `numDigits` unset so `#` ends them.
- A slowed-down caller (`8`) hears every prompt inside `<prosody rate="85%">`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from twilio.twiml.voice_response import Gather, VoiceResponse

from assist.dialogue.vocabulary import UNIVERSAL_WORDS, universal_words

QUEUE_NAME = "assist"
OPTION_BREAK = "600ms"
SLOW_RATE = "85%"
SPEECH_TIMEOUT_S = "3"
MENU_TIMEOUT_S = 8
ENTRY_TIMEOUT_S = 12
SLOW_EXTRA_S = 4
HOLD_PAUSE_S = 25
"""Silence between reassurances on hold: each wait document lasts about 30 s."""

VOICES: dict[str, tuple[str, str]] = {
    "en": ("Polly.Amy", "en-GB"),
    "pl": ("Polly.Ewa", "pl-PL"),
    "lt": ("Google.lt-LT-Standard-A", "lt-LT"),
    "ro": ("Polly.Carmen", "ro-RO"),
    "pt": ("Polly.Ines", "pt-PT"),
}
"""Text-to-speech voice and BCP-47 locale (also the `<Gather>` speech language) per language."""

UNIVERSAL_HINTS: dict[str, tuple[str, ...]] = {
    language: tuple(universal_words(language)) for language in UNIVERSAL_WORDS
}
"""The universal person / repeat / back (then slower...) phrases as people write them, per
language, most useful first: every phrase of `assist.dialogue.vocabulary.UNIVERSAL_WORDS`
(`hints_for` keeps as many as fit)."""
HINTS_MAX_CHARS = 500
"""Twilio recommends short hints; phrases that would take the list past this are left out."""


@dataclass(frozen=True)
class VoiceStyle:
    """How to speak to this caller: their language and whether to slow down."""

    language: str = "en"
    slow: bool = False

    @property
    def voice(self) -> str:
        """The `<Say voice>` for the language (English's when unknown)."""
        return VOICES.get(self.language, VOICES["en"])[0]

    @property
    def locale(self) -> str:
        """The `<Say language>` / `<Gather language>` locale."""
        return VOICES.get(self.language, VOICES["en"])[1]


@dataclass(frozen=True)
class Choice:
    """One spoken option of a question: the key and the sentence that offers it."""

    key: str
    sentence: str
    label: str
    language: str | None = None
    """The language to speak the sentence in when not the caller's (the language menu)."""


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


def hints_for(labels: Sequence[str], language: str = "en", extra: Sequence[str] = ()) -> str:
    """Speech hints, comma separated and at most `HINTS_MAX_CHARS` long: the first two
    universal words (person, its synonym) and `extra` (e.g. the prompts' "talk to a person"),
    then the option labels, then the rest of the universal words in the caller's language."""
    universal = UNIVERSAL_HINTS.get(language, UNIVERSAL_HINTS["en"])
    seen: list[str] = []
    size = 0
    for phrase in (*universal[:2], *extra, *labels, *universal[2:]):
        phrase = " ".join(phrase.replace(",", " ").split())
        if not phrase or phrase in seen or len(phrase) > 100:
            continue
        added = len(phrase) + (2 if seen else 0)
        if size + added > HINTS_MAX_CHARS:
            continue
        seen.append(phrase)
        size += added
    return ", ".join(seen)


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
    """Everything said this turn, then the question and its options (each in its own
    voice), then `after` and the person line, inside one `<Gather>`.

    Menus (`choices`, not `entry`) submit on one key unless `num_digits` says otherwise.
    Speech hints are the options' labels, `hint_words` and the universal words, all in the
    caller's language.
    """
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
    """What was said, then `<Enqueue>` into the Twilio queue with our wait and action URLs."""
    response = VoiceResponse()
    for text in says:
        _say(response, text, style)
    response.enqueue(
        QUEUE_NAME, wait_url=wait_url, wait_url_method="POST", action=action_url, method="POST"
    )
    return _xml(response)


def goodbye_document(says: Sequence[str], *, style: VoiceStyle) -> str:
    """The last words, then `<Hangup>`: only after a goodbye or a completed journey."""
    response = VoiceResponse()
    for text in says:
        _say(response, text, style)
    response.hangup()
    return _xml(response)


def say_document(
    says: Sequence[str], *, style: VoiceStyle, redirect_url: str | None = None, leave: bool = False
) -> str:
    """Words, then optionally `<Leave>` (out of the queue) or a `<Redirect>`; never a hang-up."""
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
    """One pass of the hold loop: announcements, then silence (or music), all listening for keys.

    The `<Gather>` keeps Twilio's default `actionOnEmptyResult="false"` on purpose: when
    nobody presses anything the document simply ends and Twilio fetches the wait URL again,
    which is the hold loop (only Play/Say/Pause/Gather/Redirect/Leave/Hangup are allowed).
    """
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
    """Words, then `<Dial>` to a phone number (E.164) or a Twilio Client identity (`client:id`)."""
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
