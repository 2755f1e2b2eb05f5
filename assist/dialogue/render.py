"""Channel-neutral rendering helpers shared by the linter and the channel adapters.

Spoken prompts are split into segments (question, then one segment per option) so an adapter
can pause between them; text channels get one message with numbered options.
"""

from __future__ import annotations

import math
import re

from assist.dialogue.prompts import Prompts
from assist.dialogue.types import Ask, Option

# GSM 03.38 basic character set, and the extension table (each costs two septets).
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")


def sms_encoding(text: str) -> str:
    """`GSM-7` when every character is in the GSM 03.38 alphabet, else `UCS-2`."""
    if all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in text):
        return "GSM-7"
    return "UCS-2"


def sms_length(text: str) -> int:
    """Length in encoding units: septets for GSM-7 (extension chars count 2), UTF-16 units else."""
    if sms_encoding(text) == "GSM-7":
        return sum(2 if c in GSM7_EXTENDED else 1 for c in text)
    return len(text.encode("utf-16-le")) // 2


def sms_segments(text: str) -> int:
    """How many SMS segments a message takes (160/153 GSM-7, 70/67 UCS-2)."""
    n = sms_length(text)
    single, multi = (160, 153) if sms_encoding(text) == "GSM-7" else (70, 67)
    if n <= single:
        return 1
    return math.ceil(n / multi)


def words(text: str) -> int:
    """Spoken word count (numbers and keys count as words)."""
    return len(re.findall(r"[\w'’£]+", text))


def option_sentence(prompts: Prompts, lang: str, option: Option) -> str:
    """One spoken option: "Bins and recycling: press 1."."""
    return prompts.get(lang, "render.press", label=option.label, key=option.key)


def voice_segments(prompts: Prompts, lang: str, ask: Ask) -> list[str]:
    """The spoken pieces of a question: its text, then one sentence per option."""
    return [ask.text, *(option_sentence(prompts, lang, o) for o in ask.options)]


def text_options(prompts: Prompts, lang: str, options: tuple[Option, ...]) -> str:
    """ "Reply 1 Bins, 2 Report a problem, 0 a person" for SMS and terminal."""
    parts = [
        prompts.get(lang, "render.reply", key=o.key, label=o.short or o.label) for o in options
    ]
    parts.append(prompts.get(lang, "render.person_reply"))
    return prompts.get(lang, "render.reply_intro") + " " + ", ".join(parts)


def sms_text(prompts: Prompts, lang: str, ask: Ask) -> str:
    """A question as one text message: the question then the numbered options."""
    if not ask.options:
        return ask.text
    return f"{ask.text} {text_options(prompts, lang, ask.options)}"


_GSM7_FOLD = str.maketrans(
    {
        "ą": "a",
        "ć": "c",
        "ę": "e",
        "ł": "l",
        "ń": "n",
        "ó": "o",
        "ś": "s",
        "ź": "z",
        "ż": "z",
        "Ą": "A",
        "Ć": "C",
        "Ę": "E",
        "Ł": "L",
        "Ń": "N",
        "Ó": "O",
        "Ś": "S",
        "Ź": "Z",
        "Ż": "Z",
        "č": "c",
        "ė": "e",
        "į": "i",
        "š": "s",
        "ū": "u",
        "ų": "u",
        "ž": "z",
        "Č": "C",
        "Ė": "E",
        "Į": "I",
        "Š": "S",
        "Ū": "U",
        "Ų": "U",
        "Ž": "Z",
        "ă": "a",
        "â": "a",
        "î": "i",
        "ș": "s",
        "ş": "s",
        "ț": "t",
        "ţ": "t",
        "Ă": "A",
        "Â": "A",
        "Î": "I",
        "Ș": "S",
        "Ş": "S",
        "Ț": "T",
        "Ţ": "T",
        "ã": "a",
        "õ": "o",
        "á": "a",
        "í": "i",
        "ú": "u",
        "ê": "e",
        "ô": "o",
        "ç": "c",
        "Ã": "A",
        "Õ": "O",
        "Á": "A",
        "Í": "I",
        "Ú": "U",
        "Ê": "E",
        "Ô": "O",
        "’": "'",
        "‘": "'",
        "“": '"',
        "”": '"',
        "–": "-",
        "—": "-",
        "…": "...",
    }
)


def to_gsm7(text: str) -> str:
    """Fold characters outside GSM-7 to their closest GSM-7 letters ("Dziękuję" -> "Dziekuje").

    Texts in Polish, Lithuanian, Romanian and Portuguese are commonly sent without diacritics
    so they fit a 160-character segment instead of a 70-character UCS-2 one. Characters with
    no fold are kept (the message then stays UCS-2).
    """
    return text.translate(_GSM7_FOLD)
