"""SMS keywords handled before the conversation: opt-out, opt-in, help, per-type stops, CALL.

Carrier practice (TWILIO.md "Messaging"): a keyword is the WHOLE message, one word, any case,
surrounding spaces ignored: "Stop" and " STOP " match, "stop please" does not. Accents and
punctuation are folded first ("REZYGNUJĘ" = "rezygnuje", "STOP." = "stop"). English words
work whatever the citizen's language; a few well-known local words are added per language.
START and YES are also ordinary answers, so they opt in only when the number is opted out;
otherwise they go to the conversation. BINS is a keyword only outside a conversation.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from assist.dialogue.commands import fold


class Keyword(enum.StrEnum):
    """What a keyword message asks for."""

    STOP = "stop"
    START = "start"
    HELP = "help"
    BINS_ON = "bins_on"
    BINS_OFF = "bins_off"
    UPDATES_ON = "updates_on"
    UPDATES_OFF = "updates_off"
    CALL = "call"


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


def match_keyword(
    body: str, *, opted_out: bool = False, conversing: bool = False, queued: bool = False
) -> Match | None:
    """The keyword this whole message is, given the number's state; None for anything else.

    `opted_out`: the number is suppressed (START/YES then opt in). `conversing`: it has a
    conversation in progress (BINS is then an answer). `queued`: waiting for a person (CALL
    asks for a call back).
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
        if queued and word == "call":
            return Match(Keyword.CALL)
        if word == "bins" and not conversing and not queued:
            return Match(Keyword.BINS_ON)
        return None
    phrase = PHRASES.get(word)
    return Match(phrase) if phrase else None
