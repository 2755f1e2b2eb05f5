"""Which language a citizen writes in: langdetect on enough text, or an explicit choice."""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Collection

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

DetectorFactory.seed = 0  # deterministic: the same text always gets the same answer

MIN_WORDS = 3
MIN_CHARS = 12
MIN_PROBABILITY = 0.9

_lock = threading.Lock()  # langdetect's factory is a global; first use loads its profiles

# Folded (lowercase, no accents) names and phrases by which people choose a language.
_CHOICES: dict[str, tuple[str, ...]] = {
    "en": ("english", "in english", "angielski", "po angielsku", "anglu", "angliskai",
           "engleza", "englezeste", "ingles", "em ingles"),
    "pl": ("polski", "polsku", "po polsku", "polish", "jezyk polski", "polska", "lenkiskai",
           "poloneza", "polaco", "em polaco"),
    "lt": ("lietuviskai", "lietuviu", "lietuviu kalba", "lithuanian", "litewski",
           "po litewsku", "lituaniana", "lituano"),
    "ro": ("romana", "romaneste", "in romana", "limba romana", "romanian", "rumunski",
           "po rumunsku", "rumuniskai", "romeno"),
    "pt": ("portugues", "em portugues", "portuguese", "portugalski", "po portugalsku",
           "portugaliskai", "portugheza", "brasileiro"),
}  # fmt: skip
_LEAD_INS = ("i speak", "speak", "can we speak", "can i speak", "can we do this in", "in",
             "please", "prosze", "prasau", "va rog", "por favor", "mowie", "falo", "vorbesc",
             "kalbu", "language", "jezyk", "kalba", "limba", "lingua")  # fmt: skip


def _fold(text: str) -> str:
    lowered = text.lower().replace("ł", "l")
    decomposed = unicodedata.normalize("NFKD", lowered)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^a-z]+", " ", plain).strip()


def explicit_language_choice(text: str) -> str | None:
    """Return the language code ("en", "pl", "lt", "ro", "pt") when `text` is a choice of
    language ("Polski", "po polsku", "lietuviškai", "română", "português", "English",
    "I speak Polish"), else None. Longer sentences that merely mention a language are not
    a choice.
    """
    folded = _fold(text)
    if not folded or len(folded.split()) > 5:
        return None
    rest = folded
    for lead in sorted(_LEAD_INS, key=len, reverse=True):
        rest = re.sub(rf"\b{lead}\b", " ", rest)
    rest = " ".join(rest.split())
    for code, names in _CHOICES.items():
        if folded in names or rest in names:
            return code
    return None


def warm_up() -> None:
    """Load langdetect's language profiles (about 0.3 s, once per process)."""
    detect_language("warming up the language detector", ("en",))


def detect_language(text: str, supported: Collection[str]) -> str | None:
    """Return the language of `text` among `supported` codes, or None when unsure.

    Only trusted on at least `MIN_WORDS` words and `MIN_CHARS` characters, and when
    langdetect gives one language probability at least `MIN_PROBABILITY`.
    """
    stripped = text.strip()
    if len(stripped) < MIN_CHARS or len(stripped.split()) < MIN_WORDS:
        return None
    try:
        with _lock:
            candidates = detect_langs(stripped)
    except LangDetectException:
        return None
    if not candidates:
        return None
    best = candidates[0]
    if best.prob < MIN_PROBABILITY or best.lang not in supported:
        return None
    return str(best.lang)
