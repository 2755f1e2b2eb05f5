"""Training-time noise: variants of the training sentences as citizens speak and type them.

Both classifiers learn from these when they are trained, never from committed copies:
diacritics dropped, text-message spellings, speech-recogniser fillers and repeated words,
lower case without punctuation, and (for sentences of four words or more) the greeting and
thanks a caller wraps a request in, so that a long, polite sentence is not by its length
alone more like a safeguarding disclosure than a missed bin. The variants are generated
deterministically from each sentence (the same data always gives the same variants), and
`AUGMENT_VERSION` names the generator, so Rasa's model cache
(`assist.nlu.sidecar.data_hash`) changes when it does.
"""

from __future__ import annotations

import contextlib
import random
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from assist.dialogue.language import detect_language
from assist.nlu.heldout import HELDOUT_SETS, load_heldout, near_copies_all

AUGMENT_VERSION = "3"
"""Bump whenever `augment` gives different variants: it is part of Rasa's model-cache key."""

AUGMENTED_FILE = "nlu_augmented.yml"
"""The file of noisy variants in a training copy of the Rasa project (never in the repo)."""

Example = tuple[str, str]

# Words and the spellings texts use for them (English, Portuguese, Romanian, Polish): a
# variant swaps some of them, so "when are you" is also learnt as "wen r u".
_SMS_SPELLINGS: dict[str, tuple[str, ...]] = {
    "you": ("u", "ya"), "are": ("r",), "your": ("ur", "yr"), "for": ("4",), "to": ("2",),
    "please": ("pls", "plz"), "when": ("wen", "whn"), "what": ("wat", "wot"),
    "with": ("wiv", "w"), "because": ("cos", "coz"), "tomorrow": ("tmrw", "2moro"),
    "week": ("wk",), "next": ("nxt",), "before": ("b4",), "about": ("abt",),
    "could": ("cld",), "would": ("wud",), "someone": ("sum1", "some1"), "anyone": ("any1",),
    "have": ("hv",), "thanks": ("thx",), "people": ("ppl",), "message": ("msg",),
    "quando": ("qdo", "qd"), "porque": ("pq",), "voce": ("vc",), "tambem": ("tb",),
    "que": ("q",), "nu": ("n",), "rog": ("rg",), "pentru": ("pt", "ptr"), "jest": ("jst",),
}  # fmt: skip
# The same for words typed with their accents, keyed without them (so "não" may become "n").
_SMS_ACCENTED: dict[str, tuple[str, ...]] = {
    "voce": ("vc",), "tambem": ("tb",), "nao": ("n", "nao"), "va": ("va",), "sie": ("sie",),
    "prosze": ("prosze", "pls"), "dzien": ("dzien",),
}  # fmt: skip
# What speech recognisers write down for hesitations, and for a word said twice.
_FILLERS = ("erm", "um", "uh", "hmm", "eee", "yyy", "mmm", "aa", "ee")
# How callers open and close a request, per language (lower case, no punctuation): a
# rambling variant wraps a sentence in one of each, so every intent learns long sentences.
_OPENINGS: dict[str, tuple[str, ...]] = {
    "en": ("hello sorry to bother you", "hi there i was wondering", "good morning yes its about",
           "right ok so basically", "hiya i hope you can help"),
    "pl": ("dzien dobry przepraszam ze przeszkadzam", "halo tak dzwonie bo", "witam mam pytanie",
           "dzien dobry chcialem zapytac"),
    "lt": ("laba diena atsiprasau", "sveiki turiu klausima", "alio labas skambinu nes",
           "laba diena noreciau paklausti"),
    "ro": ("buna ziua scuzati ca deranjez", "alo da buna", "buna am o intrebare",
           "buna ziua voiam sa intreb"),
    "pt": ("bom dia desculpe incomodar", "ola sim boa tarde", "boa tarde tenho uma pergunta",
           "bom dia queria perguntar"),
}  # fmt: skip
_CLOSINGS: dict[str, tuple[str, ...]] = {
    "en": ("thanks", "thank you very much", "if you can help", "cheers love", "ta"),
    "pl": ("dziekuje", "z gory dziekuje", "bardzo dziekuje"),
    "lt": ("aciu", "labai aciu", "is anksto aciu"),
    "ro": ("multumesc", "va multumesc frumos", "mersi"),
    "pt": ("obrigado", "muito obrigada", "obrigado desde ja"),
}  # fmt: skip
RAMBLE_MIN_WORDS = 4
"""Shorter sentences (yes, no, go back) get no rambling variant."""
_PUNCTUATION = re.compile(r"[^\w\s']", re.UNICODE)
_STROKES = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "đ": "d", "ß": "ss"})


def strip_diacritics(text: str) -> str:
    """`text` with accents and strokes removed, as typed on a phone without them."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_STROKES))
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def plain(text: str) -> str:
    """`text` in lower case with no punctuation and single spaces."""
    return " ".join(_PUNCTUATION.sub(" ", text.lower()).split())


def sms(text: str, rng: random.Random) -> str:
    """`text` as a text message: lower case, no punctuation, no apostrophes, known words in
    their short spellings (each with probability 0.7), diacritics dropped half the time."""
    words = plain(text).replace("'", "").split()
    out = []
    for word in words:
        bare = strip_diacritics(word)
        short = _SMS_SPELLINGS.get(word) or (_SMS_ACCENTED.get(bare) if bare != word else None)
        out.append(rng.choice(short) if short and rng.random() < 0.7 else word)
    joined = " ".join(out)
    return strip_diacritics(joined) if rng.random() < 0.5 else joined


def spoken(text: str, rng: random.Random) -> str:
    """`text` as a speech transcript: lower case, no punctuation, a filler at the start or
    between two words, and sometimes a word said twice."""
    words = plain(text).split()
    if not words:
        return ""
    filler = rng.choice(_FILLERS)
    at = rng.randrange(len(words) + 1) if len(words) > 2 else 0
    words.insert(at, filler)
    if len(words) > 3 and rng.random() < 0.5:
        i = rng.randrange(len(words))
        words.insert(i, words[i])
    return " ".join(words)


def rambling(text: str, rng: random.Random) -> str:
    """`text` as a caller says it: after a greeting, before thanks, in the sentence's own
    language; "" when the sentence is short or its language is not clear."""
    words = plain(text).split()
    language = detect_language(text, tuple(_OPENINGS))
    if len(words) < RAMBLE_MIN_WORDS or language is None:
        return ""
    opening = rng.choice(_OPENINGS[language])
    closing = rng.choice(_CLOSINGS[language]) if rng.random() < 0.5 else ""
    return " ".join([opening, *words, closing]).strip()


def variants(text: str) -> list[str]:
    """Return the noisy variants of one training sentence, without the sentence itself and
    without duplicates; deterministic for a given `text` and `AUGMENT_VERSION`."""
    rng = random.Random(f"{AUGMENT_VERSION}:{text}")
    candidates = [
        strip_diacritics(plain(text)),
        sms(text, rng),
        spoken(text, rng),
        rambling(text, rng),
    ]
    seen = {text}
    out = []
    for candidate in candidates:
        if candidate and candidate not in seen:
            seen.add(candidate)
            out.append(candidate)
    return out


def augment(examples: Iterable[Example], avoid: Sequence[str] = ()) -> list[Example]:
    """Return (variant, intent) pairs for every example (not the examples themselves); a
    variant equal to a training sentence, already produced, or a near copy of a line in
    `avoid` (the held-out set, see `assist.nlu.heldout.near_copies`) is left out."""
    pairs = list(examples)
    seen = {text for text, _ in pairs}
    out: list[Example] = []
    for text, intent in pairs:
        for variant in variants(text):
            if variant not in seen:
                seen.add(variant)
                out.append((variant, intent))
    if avoid:
        banned = {copy for _, copy, _ in near_copies_all(avoid, [t for t, _ in out])}
        out = [(t, i) for t, i in out if t not in banned]
    return out


def heldout_lines(path: Path | None = None) -> list[str]:
    """Return the held-out lines at `path` (default: every held-out set), or none when a set is
    not there (a deployment without the tests); training copies use them to keep every
    variant unlike them."""
    out: list[str] = []
    for where in [path] if path is not None else [d for _, d in HELDOUT_SETS]:
        with contextlib.suppress(FileNotFoundError):
            out += [line.text for line in load_heldout(where)]
    return out


def write_rasa_nlu(examples: Sequence[Example], path: Path) -> None:
    """Write `examples` as one Rasa NLU file (intents sorted, examples in the given order)."""
    by_intent: dict[str, list[str]] = {}
    for text, intent in examples:
        by_intent.setdefault(intent, []).append(text)
    lines = ['version: "3.1"', "nlu:"]
    for intent in sorted(by_intent):
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {text}" for text in by_intent[intent]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
