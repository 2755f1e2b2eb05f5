"""Read GeoReport v2 XML into the same shapes as its JSON (lists, dicts, strings).

Repeated elements are a list whatever their parent is called: servers differ in the root
they use (`<service_requests>` in the spec, `<requests>` in others), and a dict would keep
only the last item.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

from assist.backend_client.protocol import BackendUnavailable

# GeoReport v2 XML spells each list as a container of repeated elements.
LISTS = {
    "service_requests": "request",
    "services": "service",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
ITEMS = set(LISTS.values())
"""Element names that are always list items, even when there is only one."""


def parse(text: str) -> Any:
    """The document as lists/dicts/strings; raises BackendUnavailable on malformed XML.

    Documents with a DOCTYPE are refused: GeoReport never needs one, and refusing it closes
    the door on entity-expansion and external-entity tricks (the stdlib parser resolves
    internal entities).
    """
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        raise BackendUnavailable("XML with a DOCTYPE refused")
    try:
        root = ET.fromstring(text)  # noqa: S314 - DOCTYPE/ENTITY refused above
    except ET.ParseError as exc:
        raise BackendUnavailable(f"malformed XML: {exc}") from None
    return _convert(root)


def _convert(el: ET.Element) -> Any:
    if el.tag in LISTS:
        return [_convert(child) for child in el]
    children = list(el)
    if not children:
        text = (el.text or "").strip()
        return text or None
    tags = {child.tag for child in children}
    if len(tags) == 1 and (len(children) > 1 or children[0].tag in ITEMS):
        return [_convert(child) for child in children]
    out: dict[str, Any] = {}
    for child in children:
        value = _convert(child)
        if child.tag in out:  # a repeated element among others: keep every one
            prev = out[child.tag]
            out[child.tag] = [*prev, value] if isinstance(prev, list) else [prev, value]
        else:
            out[child.tag] = value
    return out
