"""Entities in free text: UK postcodes, report references and bin colours, in five languages."""

from __future__ import annotations

import re
from typing import Any

from assist.backend_client.references import REF_ALPHABET
from assist.dialogue.vocabulary import SPOKEN_DIGITS, fold

_POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][ABD-HJLNP-UW-Z]{2})\b", re.I)
_POSTCODE_COMPACT = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][ABD-HJLNP-UW-Z]{2})", re.I)
_ASSIST_REF = re.compile(rf"\bAS([- ]?)([{REF_ALPHABET}]{{6}})\b", re.I)
_ASSIST_REF_COMPACT = re.compile(rf"AS([{REF_ALPHABET}]{{6}})", re.I)
_COUNCIL_REF = re.compile(r"(?<![\d+])([1-9]\d{4,9})(?!\d)")

_NOT_A_BIN = re.compile(r"\b(blue ?badge|black ?bags?|blue ?light)\b")

# Stems after `fold` (no accents); each language's inflected forms of the colour.
_COLOURS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "black",
        re.compile(r"\b(black|czarn\w*|juod\w*|negr[ue]|negri|neagr[ae]|pret[oa]s?)\b"),
    ),
    (
        "blue",
        re.compile(r"\b(blue|niebiesk\w*|melyn\w*|albastr[aue]|albastri|azu(l|is))\b"),
    ),
    (
        "green",
        re.compile(r"\b(green|zielon\w*|zali\w*|zal(ias|i)|verd[ei]s?|verzi)\b"),
    ),
)


def normalise_postcode(raw: str) -> str | None:
    """Return `raw` as a UK postcode in the standard form ("CB1 2AD"), or None if it is not one."""
    compact = re.sub(r"\s+", "", raw).upper()
    match = _POSTCODE_COMPACT.fullmatch(compact)
    if match is None:
        return None
    return f"{match.group(1)} {match.group(2)}"


def _spoken_runs(text: str, max_tokens: int = 8) -> list[str]:
    """Joined runs of short tokens, for speech like "c b one two a d" or "a s 7 k 3 m 9 q"."""
    tokens = [SPOKEN_DIGITS.get(t, t) for t in re.findall(r"[a-z0-9]+", text.lower())]
    runs = []
    for start in range(len(tokens)):
        for end in range(start + 2, min(len(tokens), start + max_tokens) + 1):
            chunk = tokens[start:end]
            if any(len(t) > 4 for t in chunk):
                break
            runs.append("".join(chunk))
    return runs


def _postcode(text: str) -> str | None:
    match = _POSTCODE.search(text)
    if match:
        return f"{match.group(1).upper()} {match.group(2).upper()}"
    for run in _spoken_runs(text):
        found = _POSTCODE_COMPACT.fullmatch(run.upper())
        if found:
            return f"{found.group(1)} {found.group(2)}"
    return None


def _assist_reference(text: str) -> re.Match[str] | None:
    for match in _ASSIST_REF.finditer(text):
        # "as cb23ad" is the word "as" and a postcode, not a reference
        if match.group(1) == " " and normalise_postcode(match.group(2)):
            continue
        return match
    return None


def _reference(text: str) -> tuple[str, str] | None:
    match = _assist_reference(text)
    if match:
        return f"AS-{match.group(2).upper()}", "assist"
    for run in _spoken_runs(text):
        found = _ASSIST_REF_COMPACT.fullmatch(run.upper())
        if found:
            return f"AS-{found.group(1)}", "assist"
    digits = _COUNCIL_REF.search(text)
    if digits:
        return digits.group(1), "council"
    return None


def _bin_colour(text: str) -> str | None:
    folded = _NOT_A_BIN.sub(" ", fold(text))
    best: tuple[int, str] | None = None
    for colour, pattern in _COLOURS:
        match = pattern.search(folded)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), colour)
    return best[1] if best else None


def extract_entities(text: str) -> dict[str, Any]:
    """Return the entities found in `text`.

    Keys (present only when found): `postcode` ("CB1 2AD"), `reference` ("AS-7K3M9Q" or a
    council's digits), `reference_kind` ("assist" or "council"), `bin_colour` ("black",
    "blue" or "green", from any of the five languages). Never raises.
    """
    entities: dict[str, Any] = {}
    # an Assist reference can look like a postcode ("AS-A222AA"): take it out first
    ref_match = _assist_reference(text)
    rest = text[: ref_match.start()] + " " + text[ref_match.end() :] if ref_match else text
    postcode = _postcode(rest)
    if postcode:
        entities["postcode"] = postcode
    if ref_match:
        entities["reference"] = f"AS-{ref_match.group(2).upper()}"
        entities["reference_kind"] = "assist"
    else:
        # a postcode's digits are not a council reference: look without it
        reference = _reference(_POSTCODE.sub(" ", rest) if postcode else rest)
        if reference:
            entities["reference"], entities["reference_kind"] = reference
    colour = _bin_colour(text)
    if colour:
        entities["bin_colour"] = colour
    return entities
