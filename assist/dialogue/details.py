"""What the citizen already said in their first sentence: the place, the problem, the bin.

"hole in the road outside 41 Mill Road, I nearly came off my bike" fills the report's
location ("41 Mill Road") and its description (the whole sentence, in the citizen's own
words), so the flow asks only for what is missing. Slots filled this way are listed in the
session's `_heard` slot; a "no" at the confirmation forgets them and asks again.
"""

from __future__ import annotations

import re

from assist.dialogue.entities import extract_entities
from assist.dialogue.references import find_postcode
from assist.dialogue.turn import Turn
from assist.dialogue.vocabulary import NOT_A_STREET_NAME, PLACE_LEAD_INS, STREET_WORDS, fold

HEARD = "_heard"
"""The session slot listing the slots filled from what the citizen said unprompted."""
SAID = "_said"
"""The session slot keeping the first sentence of a report, for the council in full."""
MIN_SAID_WORDS = 3
"""Fewer words than this ("pothole") add nothing to a report's description."""
MIN_DESCRIPTION_WORDS = 8
"""A sentence this long describes the problem even when it names no place."""

_STREET = re.compile(
    r"(?<![\w-])(?:(\d{1,4}[a-z]?),?\s+)?((?:[a-z][\w'’-]*\s+){0,2}[a-z][\w'’-]*)\s+"
    rf"({'|'.join(STREET_WORDS)})\.?(?![\w-])",
    re.I,
)
_LANDMARK = re.compile(
    rf"(?<!\w)({'|'.join(re.escape(w) for w in sorted(PLACE_LEAD_INS, key=len, reverse=True))})"
    r"\s+([^,.;!?]{3,60})",
    re.I,
)


def find_street(words: str) -> str | None:
    """The house number and street in `words` ("41 Mill Road"), as written, or None."""
    for match in _STREET.finditer(words):
        number, name, kind = match.group(1), match.group(2).split(), match.group(3)
        # keep only the name words after the last word that cannot be part of a name
        while any(fold(w) in NOT_A_STREET_NAME for w in name):
            name = name[1:]
            number = None
        if not name:
            continue
        return " ".join(([number] if number else []) + name + [kind])
    return None


def find_place(words: str) -> str | None:
    """Where the citizen says it is: a street (with its number), a postcode or a landmark."""
    street = find_street(words)
    postcode = find_postcode(words)
    if street and postcode:
        return f"{street}, {postcode}"
    if street or postcode:
        return street or postcode
    landmark = _LANDMARK.search(words)
    if landmark:
        return " ".join(f"{landmark.group(1)} {landmark.group(2)}".split())
    return None


def remember_what_was_said(t: Turn, flow: str, words: str) -> None:
    """Fill the slots of `flow` that `words` already answer, never overwriting an answer.

    `location` takes the place; `description` the whole sentence when it names a place or is
    long enough to describe the problem; `bin` the bin's colour, in any of the five languages.
    """
    s = t.session
    slots = _slots_asked(t, flow)
    found: dict[str, str] = {}
    place = find_place(words)
    if "location" in slots and place:
        found["location"] = place
    if "description" in slots and (place or len(words.split()) >= MIN_DESCRIPTION_WORDS):
        found["description"] = " ".join(words.split())
    colour = extract_entities(words).get("bin_colour")
    if "bin" in slots and colour:
        found["bin"] = colour
    typed = _typed_description(t, flow)
    if _reports(t, flow) and not typed and len(words.split()) >= MIN_SAID_WORDS:
        # the description is a summary ("Missed green bin"): the council gets the words too
        s.slots[SAID] = " ".join(words.split())
    heard: list[str] = s.slots.setdefault(HEARD, [])
    for key, value in found.items():
        if not s.slots.get(key):
            s.slots[key] = value
            heard.append(key)


def report_description(t: Turn, description: str) -> str:
    """`description` with the citizen's first sentence, if it is not already in it."""
    said = t.session.slots.get(SAID)
    if not said or fold(said) in fold(description):
        return description
    return f"{description}: {said}"


def forget_what_was_said(t: Turn) -> None:
    """Forget the slots filled from what was said (the citizen said they were wrong)."""
    s = t.session
    s.slots.pop(SAID, None)
    for key in s.slots.pop(HEARD, []):
        s.slots.pop(key, None)


def _slots_asked(t: Turn, flow: str) -> set[str]:
    """The slots `flow` asks for: collect steps' slots and what its menus' options set."""
    spec = t.engine.flows.flows[flow].spec
    asked: set[str] = set()
    for step in spec.steps.values():
        if step.type == "collect" and step.slot and step.expect == "text":
            asked.add(step.slot)
        for option in step.options:
            asked.update(option.set)
    return asked


def _reports(t: Turn, flow: str) -> bool:
    """Whether `flow` files a report with the council."""
    spec = t.engine.flows.flows[flow].spec
    return any(step.type == "action" and step.call == "report" for step in spec.steps.values())


def _typed_description(t: Turn, flow: str) -> bool:
    """Whether `flow` asks for the description in the citizen's own words."""
    spec = t.engine.flows.flows[flow].spec
    return any(
        step.type == "collect" and step.slot == "description" and step.expect == "text"
        for step in spec.steps.values()
    )
