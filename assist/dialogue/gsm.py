"""The GSM-7 alphabet, SMS lengths and the one diacritics fold used by the linter and the sender.

A text in GSM-7 (GSM 03.38) takes 160 characters a segment (153 when split); one character
outside it makes the whole text UCS-2, 70 a segment (67 when split). Texts in Polish,
Lithuanian, Romanian and Portuguese are commonly sent without diacritics, so a reply that
would need more than one UCS-2 segment is folded to plain letters (`as_sent`). The linter
measures `as_sent` too, so what it measures is exactly what goes out.
"""

from __future__ import annotations

import math
import unicodedata

# GSM 03.38 basic character set, and the extension table (each costs two septets).
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")

# Letters NFKD does not decompose, and typography phones show as UCS-2.
_SPECIAL = {
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
    "ı": "i",
    "œ": "oe",
    "Œ": "OE",
    "’": "'",
    "‘": "'",
    "‚": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "«": '"',
    "»": '"',
    "–": "-",
    "—": "-",
    "‐": "-",
    "…": "...",
    "\u00a0": " ",
    "\u202f": " ",
    "•": "-",
}


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


def fold_to_gsm7(text: str) -> str:
    """`text` with every character outside GSM-7 replaced by its plain-letter equivalent.

    Characters GSM-7 has (é, ñ, ü, ß, £...) are kept; accents it lacks are dropped (ą -> a,
    ș -> s, ã -> a, ė -> e); curly quotes and dashes become straight ones. Characters with
    no equivalent (emoji, other scripts) are kept, so the result may still be UCS-2.
    """
    out = []
    for c in text:
        if c in GSM7_BASIC or c in GSM7_EXTENDED:
            out.append(c)
        elif c in _SPECIAL:
            out.append(_SPECIAL[c])
        else:
            base = "".join(
                d for d in unicodedata.normalize("NFKD", c) if not unicodedata.combining(d)
            )
            out.append(base if base and all(b in GSM7_BASIC for b in base) else c)
    return "".join(out)


def as_sent(text: str) -> str:
    """The text as it will go out before any split: spaces collapsed, diacritics folded when
    the UCS-2 text would take more than one segment and folding saves segments.

    Measure this (not the text as written) when choosing between a long and a short wording.
    """
    text = " ".join(text.split())
    if sms_encoding(text) == "UCS-2" and sms_segments(text) > 1:
        folded = fold_to_gsm7(text)
        if sms_encoding(folded) == "GSM-7" or sms_segments(folded) < sms_segments(text):
            return folded
    return text


def sent_segments(text: str) -> int:
    """How many segments the text takes as it will be sent (after any diacritics fold)."""
    return sms_segments(as_sent(text))
