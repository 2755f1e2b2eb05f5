"""Word tables the dialogue understands in every language, and `fold` to compare words."""

from __future__ import annotations

import re
import unicodedata

LANGUAGE_NAMES = {
    "en": "English",
    "pl": "Polski",
    "lt": "Lietuvių",
    "ro": "Română",
    "pt": "Português",
}
# Whole-utterance language choices (folded).
LANGUAGE_WORDS = {
    "english": "en",
    "in english": "en",
    "angielski": "en",
    "anglu": "en",
    "engleza": "en",
    "ingles": "en",
    "polski": "pl",
    "po polsku": "pl",
    "polish": "pl",
    "polska": "pl",
    "lietuviskai": "lt",
    "lietuviu": "lt",
    "lithuanian": "lt",
    "lietuviu kalba": "lt",
    "romana": "ro",
    "in romana": "ro",
    "romanian": "ro",
    "limba romana": "ro",
    "portugues": "pt",
    "em portugues": "pt",
    "portuguese": "pt",
}
YES = {
    "yes",
    "yeah",
    "yep",
    "yes please",
    "correct",
    "right",
    "that s right",
    "ok",
    "okay",
    "tak",
    "taip",
    "da",
    "sim",
    "y",
}
NO = {"no", "nope", "no thanks", "no thank you", "wrong", "nie", "ne", "nu", "nao", "n"}
SPOKEN_DIGITS = {
    "zero": "0",
    "oh": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
OPTION_OF = {
    "report_pothole": "pothole",
    "report_streetlight": "streetlight",
    "report_flytipping": "flytipping",
    "missed_bin": "missed_bin",
}
"""The main menu option (`main.opt.<name>`) that names a report intent to the citizen."""


def fold(text: str) -> str:
    """Lower-case, strip accents and punctuation, collapse spaces: "Człowiek!" -> "czlowiek"."""
    text = text.replace("ł", "l").replace("Ł", "L")
    decomposed = unicodedata.normalize("NFKD", text.lower())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", bare).split())
