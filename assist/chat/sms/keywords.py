"""SMS keywords handled before the conversation: opt-out, opt-in, help, per-type stops, CALL.

Carrier practice (TWILIO.md "Messaging"): a keyword is the WHOLE message, one word, any case,
surrounding spaces ignored: "Stop" and " STOP " match, "stop please" does not. Accents and
punctuation are folded first ("REZYGNUJĘ" = "rezygnuje", "STOP." = "stop"). English words
work whatever the citizen's language; a few well-known local words are added per language.
START and YES are also ordinary answers, so they opt in only when the number is opted out;
otherwise they go to the conversation, unless YES answers our request to agree to reminders
(asked for in a web chat) that is newer than the number's conversation. BINS is a keyword
only outside a conversation.
BINS MORNING / BINS EVENING / BINS <time> ("BINS 7PM", "BINS 19:00", "bins 7.30am") choose
when bin reminders come; a bare hour ("BINS 7") is ambiguous and is not a keyword.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass

from assist.dialogue.vocabulary import fold


class Keyword(enum.StrEnum):
    """What a keyword message asks for."""

    STOP = "stop"
    START = "start"
    HELP = "help"
    BINS_ON = "bins_on"
    BINS_OFF = "bins_off"
    BINS_TIME = "bins_time"
    UPDATES_ON = "updates_on"
    UPDATES_OFF = "updates_off"
    CALL = "call"
    AGREE = "agree"


# word -> language it suggests (None: any language).
OPT_OUT: dict[str, str | None] = {
    **dict.fromkeys(
        ("stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"), None
    ),
    "koniec": "pl",
    "rezygnuje": "pl",
    "wypisz": "pl",
    "atsisakyti": "lt",
    "atsisakau": "lt",
    "dezabonare": "ro",
    "dezabonez": "ro",
    "parar": "pt",
    "sair": "pt",
    "cancelar": "pt",
}
OPT_IN_ALWAYS: dict[str, str | None] = {"unstop": None}
OPT_IN_WHEN_OPTED_OUT: dict[str, str | None] = {"start": None, "yes": None}
AGREE: dict[str, str | None] = {
    **dict.fromkeys(("yes", "y", "yeah", "yep", "ok", "okay"), None),
    "tak": "pl",
    "taip": "lt",
    "da": "ro",
    "sim": "pt",
}
"""YES to "reply YES to get reminders" (only while such a request waits for an answer)."""
HELP: dict[str, str | None] = {
    "help": None,
    "info": None,
    "pomoc": "pl",
    "pagalba": "lt",
    "ajutor": "ro",
    "ajuda": "pt",
}
PHRASES: dict[str, Keyword] = {
    "opt out": Keyword.STOP,
    "stop all": Keyword.STOP,
    "bins off": Keyword.BINS_OFF,
    "stop bins": Keyword.BINS_OFF,
    "bins stop": Keyword.BINS_OFF,
    "bins on": Keyword.BINS_ON,
    "start bins": Keyword.BINS_ON,
    "updates off": Keyword.UPDATES_OFF,
    "stop updates": Keyword.UPDATES_OFF,
    "updates stop": Keyword.UPDATES_OFF,
    "updates on": Keyword.UPDATES_ON,
    "start updates": Keyword.UPDATES_ON,
}


@dataclass(frozen=True)
class Match:
    """A keyword found, and the language its word suggests (None when it says nothing)."""

    keyword: Keyword
    language: str | None = None
    at: dt.time | None = None
    """BINS_TIME: the local time asked for (MORNING_TIME or EVENING for the words)."""


MORNING_TIME = dt.time(7, 0)
"""What BINS MORNING asks for (moved to the end of quiet hours if they end later)."""
EVENING = None
"""BINS EVENING: back to the configured default time the evening before."""
_BINS_WORDS: dict[str, dt.time | None] = {
    "morning": MORNING_TIME,
    "am": MORNING_TIME,
    "evening": EVENING,
    "night": EVENING,
    "pm": EVENING,
}
_BINS_TIME = re.compile(r"bins (?:at )?(\d{1,2})(?: ?(\d{2}))? ?(am|pm)?")


def bins_time(word: str) -> Match | None:
    """BINS_TIME for a folded "bins morning" / "bins 7pm" / "bins 19 00"; else None."""
    rest = word.removeprefix("bins ")
    if rest != word and rest in _BINS_WORDS:
        return Match(Keyword.BINS_TIME, at=_BINS_WORDS[rest])
    m = _BINS_TIME.fullmatch(word)
    if m is None:
        return None
    hour, minute = int(m[1]), int(m[2] or 0)
    if m[3]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m[3] == "pm" else 0)
    elif m[2] is None and hour < 13:
        return None  # "BINS 7": morning or evening? not a keyword
    if hour > 23 or minute > 59:
        return None
    return Match(Keyword.BINS_TIME, at=dt.time(hour, minute))


def match_keyword(
    body: str,
    *,
    opted_out: bool = False,
    conversing: bool = False,
    queued: bool = False,
    asked: bool = False,
) -> Match | None:
    """The keyword this whole message is, given the number's state; None for anything else.

    `opted_out`: the number is suppressed (START/YES then opt in). `conversing`: it has a
    conversation in progress (BINS is then an answer). `queued`: waiting for a person (CALL
    asks for a call back). `asked`: we last texted it to ask it to agree to reminders (YES,
    and "tak", "taip", "da", "sim", then agree).
    """
    word = fold(body)
    if not word:
        return None
    if " " not in word:
        for table, keyword in (
            (OPT_OUT, Keyword.STOP),
            (OPT_IN_ALWAYS, Keyword.START),
            (HELP, Keyword.HELP),
        ):
            if word in table:
                return Match(keyword, table[word])
        if opted_out and word in OPT_IN_WHEN_OPTED_OUT:
            return Match(Keyword.START)
        if asked and not opted_out and word in AGREE:
            return Match(Keyword.AGREE, AGREE[word])
        if queued and word == "call":
            return Match(Keyword.CALL)
        if word == "bins" and not conversing and not queued:
            return Match(Keyword.BINS_ON)
        return None
    phrase = PHRASES.get(word)
    return Match(phrase) if phrase else bins_time(word)
