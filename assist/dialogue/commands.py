"""Universal commands (HUMANE.md 1, 2, 8, 10): keys and words that work at every step."""

from __future__ import annotations

import enum

from assist.dialogue.vocabulary import fold


class Command(enum.StrEnum):
    """A command that applies whatever step the conversation is at."""

    PERSON = "person"
    REPEAT = "repeat"
    BACK = "back"
    START_OVER = "start_over"
    SLOWER = "slower"
    LANGUAGE = "language"
    TEXT_MENU = "text_menu"


KEYS: dict[str, Command] = {
    "0": Command.PERSON,
    "9": Command.REPEAT,
    "*": Command.BACK,
    "8": Command.SLOWER,
    "7": Command.TEXT_MENU,
    "6": Command.LANGUAGE,
}

# Whole-utterance phrases (after folding accents and punctuation), in every language.
PHRASES: dict[Command, tuple[str, ...]] = {
    Command.PERSON: (
        "person",
        "a person",
        "agent",
        "an agent",
        "operator",
        "human",
        "a human",
        "advisor",
        "adviser",
        "real person",
        "a real person",
        "someone",
        "staff",
        "speak to someone",
        "talk to someone",
        "speak to a person",
        "talk to a person",
        "speak to a human",
        "talk to a human",
        "person please",
        "agent please",
        "operator please",
        "i want a person",
        "i want to speak to someone",
        "i want to talk to a person",
        "can i speak to someone",
        "can i talk to someone",
        "can i speak to a person",
        "let me speak to someone",
        "customer service",
        "representative",
        # Polish
        "czlowiek",
        "konsultant",
        "konsultanta",
        "operator",
        "osoba",
        "z czlowiekiem",
        "rozmowa z konsultantem",
        "chce rozmawiac z czlowiekiem",
        "chce rozmawiac z konsultantem",
        # Lithuanian
        "zmogus",
        "operatorius",
        "konsultantas",
        "su zmogumi",
        "noriu kalbeti su zmogumi",
        "operatoriaus",
        "konsultanto",
        # Romanian
        "om",
        "un om",
        "persoana",
        "o persoana",
        "operatorul",
        "cu un om",
        "vreau un operator",
        "vreau sa vorbesc cu cineva",
        "vreau sa vorbesc cu un om",
        # Portuguese
        "pessoa",
        "uma pessoa",
        "atendente",
        "operador",
        "humano",
        "falar com alguem",
        "quero falar com uma pessoa",
        "falar com uma pessoa",
        "quero um atendente",
    ),
    Command.REPEAT: (
        "repeat",
        "repeat that",
        "say again",
        "say that again",
        "again",
        "pardon",
        "sorry what",
        "what",
        "come again",
        "please repeat",
        "powtorz",
        "prosze powtorzyc",
        "jeszcze raz",
        "pakartok",
        "pakartokite",
        "repeta",
        "repetati",
        "repete",
        "repetir",
        "pode repetir",
    ),
    Command.BACK: (
        "back",
        "go back",
        "previous",
        "wstecz",
        "cofnij",
        "atgal",
        "inapoi",
        "voltar",
    ),
    Command.START_OVER: (
        "start again",
        "start over",
        "main menu",
        "menu",
        "restart",
        "begin again",
        "from the start",
        "od nowa",
        "od poczatku",
        "is naujo",
        "meniu",
        "de la inceput",
        "meniul",
        "comecar de novo",
        "recomecar",
        "menu principal",
    ),
    Command.SLOWER: (
        "slower",
        "slow down",
        "more slowly",
        "speak slower",
        "speak more slowly",
        "wolniej",
        "leciau",
        "mai incet",
        "mais devagar",
        "devagar",
    ),
    Command.TEXT_MENU: (
        "text me the menu",
        "send me the menu",
        "text the menu",
        "text menu",
        "send the menu",
        "text me the options",
    ),
}

_INDEX: dict[str, Command] = {p: c for c, ps in PHRASES.items() for p in ps}


def match_command(digits: str | None, words: str | None) -> Command | None:
    """The universal command in this input, if the whole input is one."""
    if digits:
        return KEYS.get(digits.strip())
    if words:
        return _INDEX.get(fold(words))
    return None
