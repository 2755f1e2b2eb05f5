"""Coordinates for a place the citizen only typed: its postcode, or an address the data knows.

Many Open311 servers ignore `address_string` and refuse a report with no coordinates, so a
typed place that names a UK postcode is looked up in the address data (the waste API) and
sent as lat/long too: the address whose line the text names, else the postcode's middle.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable

from assist.backend_client.protocol import Address, BackendError

log = logging.getLogger(__name__)

POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b", re.IGNORECASE)
"""A UK postcode anywhere in a text (outward code, optional space, inward code)."""


def postcode_in(text: str) -> str | None:
    """The first UK postcode in `text`, normalised to `CB1 2AD`, or None."""
    m = POSTCODE.search(text)
    return f"{m.group(1)} {m.group(2)}".upper() if m else None


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


async def coordinates(
    text: str, find_addresses: Callable[[str], Awaitable[list[Address]]]
) -> tuple[float, float] | None:
    """Lat/long for a typed place, or None when it has no postcode the address data knows."""
    postcode = postcode_in(text)
    if postcode is None:
        return None
    try:
        found = [a for a in await find_addresses(postcode) if a.lat is not None and a.long]
    except BackendError as exc:
        log.info("no coordinates for a typed place: %s", type(exc).__name__)
        return None
    if not found:
        return None
    said = _words(text)
    named = [a for a in found if _words(a.line.split(",")[0]) in said]
    chosen = named[:1] or found
    lat = sum(a.lat or 0.0 for a in chosen) / len(chosen)
    long = sum(a.long or 0.0 for a in chosen) / len(chosen)
    return round(lat, 6), round(long, 6)
