"""Render GeoReport v2 answers as JSON or XML, including Open311 error arrays."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from fastapi import Response

FORMATS = ("json", "xml")

# XML has no lists: each list is a container element whose children are named below (GeoReport
# v2 examples: <service_requests><request>, <services><service>, <errors><error>, ...).
_CHILD = {
    "service_requests": "request",
    "services": "service",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


class Open311Error(Exception):
    """Answered as an Open311 error array with this HTTP status."""

    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__("; ".join(descriptions))
        self.status = status
        self.descriptions = descriptions


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _build(parent: ET.Element, tag: str, value: Any) -> None:
    el = ET.SubElement(parent, tag)
    _fill(el, tag, value)


def _fill(el: ET.Element, tag: str, value: Any) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _build(el, k, v)
    elif isinstance(value, list):
        child = _CHILD.get(tag, "item")
        for v in value:
            _build(el, child, v)
    elif value is not None:
        el.text = _scalar(value)


def to_xml(root: str, value: Any) -> bytes:
    """`value` (dict or list) as an XML document whose root element is `root`."""
    el = ET.Element(root)
    _fill(el, root, value)
    out: bytes = ET.tostring(el, encoding="utf-8", xml_declaration=True)
    return out


def render(fmt: str, root: str, value: Any, status: int = 200) -> Response:
    """A response in the requested format; `root` names the XML root element."""
    if fmt == "xml":
        return Response(to_xml(root, value), status, media_type="text/xml; charset=utf-8")
    body = json.dumps(value, ensure_ascii=False).encode()
    return Response(body, status, media_type="application/json")


def error_response(fmt: str, err: Open311Error) -> Response:
    """An Open311 error array: `[{"code": 400, "description": "..."}]` or `<errors>`."""
    items = [{"code": err.status, "description": d} for d in err.descriptions]
    return render(fmt if fmt in FORMATS else "json", "errors", items, err.status)
