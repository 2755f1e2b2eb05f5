"""UK postcode parsing and whether a postcode lies in the Cambridgeshire councils' area."""

from __future__ import annotations

import re

# Shape of a UK postcode (outward code, space optional, inward code); GOV.UK's looser form.
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")

# Postcode districts served (wholly or mostly) by Cambridgeshire County Council and its five
# districts. Peterborough (PE1-PE8) is a separate unitary council, so it is outside.
_AREA = (
    {f"CB{n}" for n in (*range(1, 9), *range(21, 26))}
    | {f"PE{n}" for n in range(13, 30)}
    | {"SG8", "SG19"}
)


class MalformedPostcode(ValueError):
    """The text is not shaped like a UK postcode."""


def normalise(text: str) -> str:
    """`cb12ad` -> `CB1 2AD`; raises MalformedPostcode."""
    squashed = "".join(text.upper().split())
    m = _POSTCODE.match(squashed)
    if m is None:
        raise MalformedPostcode(text)
    return f"{m.group(1)} {m.group(2)}"


def in_area(postcode: str) -> bool:
    """True when a normalised postcode's district is one these councils serve."""
    return postcode.split(" ", 1)[0] in _AREA
