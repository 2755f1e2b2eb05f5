"""TwiML documents for the phone line, written as strings in the layout of Twilio's builder.

(Twilio's `voice_response` builds an ElementTree per document, which was a tenth of a phone
turn; tests/ivr/twilio/test_twiml_strings.py holds this output equal to the builder's.)

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

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace

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


@functools.lru_cache(maxsize=64)
def _say_open(style: VoiceStyle) -> str:
    return f'<Say language="{_attr(style.locale)}" voice="{_attr(style.voice)}">'


def _say(text: str, style: VoiceStyle, pause_after: bool = False) -> str:
    """One `<Say>` in the caller's voice (slowed inside `<prosody>`), optionally a break after."""
    inner = _text(text)
    if style.slow:
        inner = f'<prosody rate="{SLOW_RATE}">{inner}</prosody>' if inner else _PROSODY_EMPTY
    if pause_after:
        inner += _BREAK
    if not inner:
        return _say_open(style)[:-1] + " />"
    return f"{_say_open(style)}{inner}</Say>"


_PROSODY_EMPTY = f'<prosody rate="{SLOW_RATE}" />'
_BREAK = f'<break time="{OPTION_BREAK}" />'
_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'


def _text(text: str) -> str:
    """Character data escaped as ElementTree escapes it."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _attr(value: object) -> str:
    """An attribute value as Twilio's builder writes it (booleans in lower case), escaped as
    ElementTree escapes attributes."""
    text = _text(str(value).lower() if isinstance(value, bool) else str(value))
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    if "\n" in text:
        text = text.replace("\n", "&#10;")
    if "\t" in text:
        text = text.replace("\t", "&#09;")
    return text


def _element(name: str, attrs: dict[str, object], inner: str = "") -> str:
    """`<name a="..">inner</name>`, attributes sorted by name and None ones left out, or
    `<name a=".." />` when empty: the layout of Twilio's builder (ElementTree)."""
    written = "".join(
        f' {key}="{_attr(value)}"' for key, value in sorted(attrs.items()) if value is not None
    )
    if inner:
        return f"<{name}{written}>{inner}</{name}>"
    return f"<{name}{written} />"


def _document(inner: str) -> str:
    """The whole TwiML document around `inner` (characters UTF-8 cannot hold become
    character references, as in ElementTree's output)."""
    doc = _DECLARATION + (f"<Response>{inner}</Response>" if inner else "<Response />")
    if not doc.isascii():
        doc = doc.encode("utf-8", "xmlcharrefreplace").decode("utf-8")
    return doc


def hints_for(labels: Sequence[str], language: str = "en", extra: Sequence[str] = ()) -> str:
    """Speech hints, comma separated and at most `HINTS_MAX_CHARS` long: the first two
    universal words (person, its synonym) and `extra` (e.g. the prompts' "talk to a person"),
    then the option labels, then the rest of the universal words in the caller's language."""
    return _hints(tuple(labels), language, tuple(extra))


@functools.lru_cache(maxsize=1024)
def _hints(labels: tuple[str, ...], language: str, extra: tuple[str, ...]) -> str:
    """`hints_for`, remembered: a step's options are the same for every caller."""
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
    timeout = (ENTRY_TIMEOUT_S if entry else MENU_TIMEOUT_S) + (SLOW_EXTRA_S if style.slow else 0)
    if num_digits is None and choices and not entry:
        num_digits = 1
    parts = [_say(text, style) for text in says]
    if question:
        parts.append(_say(question, style, pause_after=bool(choices)))
    for choice in choices:
        voice = replace(style, language=choice.language) if choice.language else style
        parts.append(_say(choice.sentence, voice, pause_after=True))
    parts += [_say(text, style) for text in after]
    if person_line:
        parts.append(_say(person_line, style))
    gather = _element(
        "Gather",
        {
            "input": "dtmf speech",
            "action": action_url,
            "method": "POST",
            "language": style.locale,
            "hints": hints_for([c.label for c in choices], style.language, hint_words),
            "actionOnEmptyResult": True,
            "timeout": timeout,
            "speechTimeout": SPEECH_TIMEOUT_S,
            "finishOnKey": "#",
            "numDigits": num_digits,
        },
        "".join(parts),
    )
    return _document(gather)


def enqueue_document(
    says: Sequence[str], *, style: VoiceStyle, wait_url: str, action_url: str
) -> str:
    """What was said, then `<Enqueue>` into the Twilio queue with our wait and action URLs."""
    enqueue = _element(
        "Enqueue",
        {"waitUrl": wait_url, "waitUrlMethod": "POST", "action": action_url, "method": "POST"},
        _text(QUEUE_NAME),
    )
    return _document("".join(_say(text, style) for text in says) + enqueue)


def goodbye_document(says: Sequence[str], *, style: VoiceStyle) -> str:
    """The last words, then `<Hangup>`: only after a goodbye or a completed journey."""
    return _document("".join(_say(text, style) for text in says) + "<Hangup />")


def say_document(
    says: Sequence[str], *, style: VoiceStyle, redirect_url: str | None = None, leave: bool = False
) -> str:
    """Words, then optionally `<Leave>` (out of the queue) or a `<Redirect>`; never a hang-up."""
    inner = "".join(_say(text, style) for text in says)
    if leave:
        inner += "<Leave />"
    elif redirect_url:
        inner += _element("Redirect", {"method": "POST"}, _text(redirect_url))
    return _document(inner)


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
    inner = "".join(_say(text, style) for text in says)
    if music_url:
        inner += _element("Play", {}, _text(music_url))
    else:
        inner += _element("Pause", {"length": pause_s})
    gather = _element(
        "Gather",
        {
            "input": "dtmf speech",
            "action": key_url,
            "method": "POST",
            "language": style.locale,
            "hints": hints,
            "numDigits": 1,
            "timeout": 1,
            "speechTimeout": SPEECH_TIMEOUT_S,
        },
        inner,
    )
    return _document(gather)


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
    attrs: dict[str, object] = {"timeout": timeout_s}
    if caller_id:
        attrs["callerId"] = caller_id
    if action_url:
        attrs["action"] = action_url
        attrs["method"] = "POST"
    if target.startswith("client:"):
        callee = _element("Client", {}, _text(target.removeprefix("client:")))
    else:
        callee = _element("Number", {}, _text(target))
    dial = _element("Dial", attrs, callee)
    return _document("".join(_say(text, style) for text in says) + dial)
