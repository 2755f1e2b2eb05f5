"""Universal commands (HUMANE.md 1, 2, 8, 10): keys and words that work at every step."""

from __future__ import annotations

import enum

from assist.dialogue.vocabulary import UNIVERSAL_WORDS, fold


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

PHRASES: dict[Command, tuple[str, ...]] = {
    command: tuple(
        dict.fromkeys(
            fold(phrase)
            for words in UNIVERSAL_WORDS.values()
            for phrase in words.get(command.value, ())
        )
    )
    for command in Command
    if any(command.value in words for words in UNIVERSAL_WORDS.values())
}
"""Folded whole-utterance phrases per command, every language's, from `UNIVERSAL_WORDS`."""

_INDEX: dict[str, Command] = {p: c for c, ps in PHRASES.items() for p in ps}


def match_command(digits: str | None, words: str | None) -> Command | None:
    """The universal command in this input, if the whole input is one."""
    if digits:
        return KEYS.get(digits.strip())
    if words:
        return _INDEX.get(fold(words))
    return None
