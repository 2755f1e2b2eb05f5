"""Turn a `ReportRequest` into GeoReport v2 POST fields, keeping Assist's reference in them."""

from __future__ import annotations

from dataclasses import dataclass

from assist.backend_client.open311_types import ServiceDefinition
from assist.backend_client.protocol import ReportRequest

MAX_DESCRIPTION = 4000
"""GeoReport v2's limit on `description`."""
REF_ATTRIBUTE = "assist_ref"
"""Attribute that carries Assist's reference when the service definition offers it."""
_SHORTENED = " … [shortened; Assist holds the full text]"


def reference_marker(assist_ref: str) -> str:
    """The text put in every description, searched for to find a report already delivered."""
    return f"[Assist reference {assist_ref.upper()}]"


@dataclass(frozen=True)
class ReportForm:
    """What `Open311Client.create_request` is called with."""

    lat: float | None
    long: float | None
    address_string: str | None
    address_id: str | None
    description: str
    attributes: dict[str, str]


def describe(report: ReportRequest, extra_lines: list[str]) -> str:
    """The description: the citizen's words, extra details, then the reference marker.

    A long text is cut at a word boundary so the whole stays within 4000 characters and the
    marker always survives (it is what makes retries safe); the full text stays in Assist's
    `reports` table for staff. Shortening beats refusing: the citizen has already told us.
    """
    tail = "\n".join(extra_lines)
    marker = reference_marker(report.assist_ref)
    suffix = ("\n\n" + tail if tail else "") + "\n\n" + marker
    text = report.description.strip()
    budget = MAX_DESCRIPTION - len(suffix)
    if len(text) > budget:
        cut = text[: budget - len(_SHORTENED)]
        space = cut.rfind(" ")
        if space > len(cut) - 200:
            cut = cut[:space]
        text = cut.rstrip() + _SHORTENED
    return text + suffix


def report_form(
    report: ReportRequest, definition: ServiceDefinition | None, *, send_address_id: bool
) -> ReportForm:
    """POST fields for a report. Attributes the service does not define go into the
    description as `name: value` lines, so nothing the citizen said is dropped."""
    attributes: dict[str, str] = {}
    extra: list[str] = []
    for code, value in report.attributes.items():
        if definition is None or definition.attribute(code) is not None:
            attributes[code] = value
        else:
            extra.append(f"{code.replace('_', ' ')}: {value}")
    if definition is not None and definition.attribute(REF_ATTRIBUTE) is not None:
        attributes[REF_ATTRIBUTE] = report.assist_ref.upper()
    addr = report.address
    lat = report.lat if report.lat is not None else (addr.lat if addr else None)
    long = report.long if report.long is not None else (addr.long if addr else None)
    if lat is None or long is None:
        lat = long = None
    address_string = f"{addr.line}, {addr.postcode}" if addr else report.location_text
    # The place always travels in the description too: some servers drop address_string.
    if report.location_text:
        extra.insert(0, f"where: {report.location_text}")
    elif address_string:
        extra.insert(0, f"where: {address_string}")
    return ReportForm(
        lat=lat,
        long=long,
        address_string=address_string,
        address_id=addr.id if addr and send_address_id else None,
        description=describe(report, extra),
        attributes=attributes,
    )
