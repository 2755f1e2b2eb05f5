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


# Words that suggest someone is at risk of harm, per language, after folding. Plural "alone"
# forms only ("dzieci same", "copiii singuri"): a single adult living alone is not a cue.
_RISK_CUES = re.compile(
    r"\b("
    + "|".join(
        [
            # en
            r"abus\w*", r"neglect\w*", r"hit(s|ting)?", r"hurt(s|ing)?", r"beat(s|ing|en)?",
            r"violen\w*", r"bruis\w*", r"scared", r"afraid", r"home alone", r"groom\w*",
            r"left (alone|on their own|by themselves)", r"exploit\w*", r"steal\w* from",
            r"mistreat\w*", r"harm(s|ed|ing|ful)?", r"not safe", r"unsafe", r"squalor",
            r"rough with", r"slap\w*", r"kick\w*", r"punch\w*", r"scream\w*",
            r"shout\w* at", r"not eating", r"filth\w*", r"starv\w*", r"marks on", r"scared to",
            r"(not|hasnt|havent|nobody has) (been )?seen", r"nobody (is )?helping",
            # pl
            r"bij\w*", r"bic", r"bil[ao]?", r"krzywdz\w*", r"skrzywdz\w*", r"przemoc\w*",
            r"zaniedban\w*", r"same", r"sami", r"bez opieki", r"siniak\w*", r"boi sie",
            r"boje sie", r"okrad\w*", r"molest\w*", r"krzyczy\w*", r"nie otwiera",
            # lt
            r"mus(a|e)", r"skriaud\w*", r"smurt\w*", r"apleist\w*", r"vieni", r"vienos",
            r"be prieziuros", r"melyniu", r"bijo", r"bijau", r"apvag\w*", r"neatidar\w*",
            # ro
            r"bat(e|ut\w*|uti)", r"loveste", r"ranest\w*", r"ranit\w*", r"abuz\w*",
            r"violent\w*", r"neglijat\w*", r"singur[ie]", r"nesupravegheat\w*", r"vanatai",
            r"se teme", r"frica", r"fura", r"lov(este|esc|it)", r"nu (a )?mai deschis",
            # pt
            r"bat(e|em|er)", r"maltrat\w*", r"magoa\w*", r"violencia", r"negligenciad\w*",
            r"sozinh(os|as)", r"sem ninguem", r"nodoas negras", r"medo", r"roub\w*",
            r"nao abre a porta",
        ]
    )
    + r")\b"
)  # fmt: skip


# Words that on their own say someone is being harmed, controlled or exploited now, or cannot
# get help (folded). Reviewed by category (control, sexual abuse, exploitation, threats,
# neglect, a fall with no one helping), not from any evaluation sentence: with one of these
# the safety net sends the sentence to safeguarding whatever else it seems to be about.
_STRONG_RISK_CUES = re.compile(
    r"\b("
    + "|".join(
        [
            # en
            r"(wont|doesnt|dont|will not|does not) let (me|us|her|him|them) (go|leave|out|see)\w*",
            r"not allowed (out|to leave|to go out|to see)", r"lock(s|ed)? (me|us|her|him|them) in",
            r"takes? (all )?(my|our|her|his) (money|benefits|pension|bank card)",
            r"(took|taken|takes|keeps|has) (my|our|their|her|his) passports?",
            r"(dont|doesnt|not|never) (pay|paid|paying) (us|me|them)", r"threaten\w*",
            r"frightened", r"terrified", r"does things to me", r"touch(es|ed|ing) me",
            r"sexual\w*", r"rap(e|ed|ing)", r"county lines", r"drugs", r"self harm\w*",
            r"kill (me|her|him|myself)", r"hurt (me|her|him|them|myself)", r"push\w* (me|her|him)",
            r"(has|have|had) fallen (and|over)", r"fell over", r"cant get up", r"not breathing",
            # pl
            r"nie pozwala\w*", r"zamyka mnie", r"grozi\w*", r"zabral\w* (nam |mi )?paszport\w*",
            r"nie placi\w*", r"molestuje", r"narkotyk\w*", r"zabij\w*",
            # lt
            r"neleidzia\w*", r"atem\w* pas\w*", r"nemoka", r"grasin\w*", r"narkotik\w*",
            r"uzmus\w*",
            # ro
            r"nu (ma|ne) las\w*", r"(a |au )?luat pasapoart\w*", r"nu (ne|ma) plate\w*",
            r"amenint\w*", r"droguri", r"omoar\w*",
            # pt
            r"nao me deix\w*", r"(ficou|ficaram|tirou|tiraram) com (os )?(nossos|meus) passaportes",
            r"nao (nos|me) pag\w*", r"ameac\w*", r"droga\w*", r"matar",
        ]
    )
    + r")\b"
)  # fmt: skip

# A smell of gas or a fire is an emergency for 999 and the gas network, not a council service.
_EMERGENCY_CUES = re.compile(
    r"\b(gas( leak| smell)?|smell\w* (of )?gas|gaz\w*|duj\w*|gas|gaz|fire|pozar|gaisr\w*"
    r"|incendi\w*|foc)\b"
)


def strong_risk_cues(text: str) -> list[str]:
    """Return the words in `text` (folded) that on their own say someone is being harmed,
    controlled, exploited or cannot get up, in any of the five languages."""
    return [m.group(0) for m in _STRONG_RISK_CUES.finditer(fold(text))]


def emergency_cues(text: str) -> list[str]:
    """Return the words in `text` (folded) that name an emergency for 999 or the gas network
    (gas, fire), in any of the five languages."""
    return [m.group(0) for m in _EMERGENCY_CUES.finditer(fold(text))]


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


def risk_cues(text: str) -> list[str]:
    """Return the words in `text` (folded) that suggest someone is at risk of harm: abuse,
    violence, neglect, children left alone, fear, in any of the five languages.

    Classifiers use them as a safety net towards `safeguarding`, where a false alarm (an
    urgent person) costs far less than a miss.
    """
    folded = fold(text)
    return [m.group(0) for m in _RISK_CUES.finditer(folded)]


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
