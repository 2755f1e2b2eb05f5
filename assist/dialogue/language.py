"""Which language a citizen writes in: langdetect on enough text, or an explicit choice."""

from __future__ import annotations

import re
import threading
from collections.abc import Collection

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

from assist.dialogue.memo import remembered
from assist.dialogue.vocabulary import LANGUAGE_LEAD_INS, LANGUAGE_OF, fold

DetectorFactory.seed = 0  # deterministic: the same text always gets the same answer

MIN_WORDS = 3
MIN_CHARS = 12
MIN_PROBABILITY = 0.9

_lock = threading.Lock()  # langdetect's factory is a global; first use loads its profiles

_LEAD_INS = tuple(sorted({fold(lead) for lead in LANGUAGE_LEAD_INS}, key=len, reverse=True))


def explicit_language_choice(text: str) -> str | None:
    """Return the language code ("en", "pl", "lt", "ro", "pt") when `text` is a choice of
    language ("Polski", "po polsku", "lietuviškai", "română", "português", "English",
    "I speak Polish"), else None. Longer sentences that merely mention a language are not
    a choice.
    """
    folded = fold(text)
    if not folded or len(folded.split()) > 5:
        return None
    rest = folded
    for lead in _LEAD_INS:
        rest = re.sub(rf"\b{lead}\b", " ", rest)
    return LANGUAGE_OF.get(folded) or LANGUAGE_OF.get(" ".join(rest.split()))


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
    best = remembered("language", stripped, _best_guess)
    if best is None or best[1] < MIN_PROBABILITY or best[0] not in supported:
        return None
    return best[0]


def _best_guess(text: str) -> tuple[str, float] | None:
    """langdetect's most likely language of `text` and its probability, or None. A turn asks
    twice (the classifier, then the language offer), about 2 ms each, so `detect_language`
    remembers it for the turn (`assist.dialogue.memo`); the seed above makes the answer the
    same for the same text."""
    try:
        with _lock:
            candidates = detect_langs(text)
    except LangDetectException:
        return None
    if not candidates:
        return None
    return str(candidates[0].lang), float(candidates[0].prob)
