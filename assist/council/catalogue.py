"""The reference council's services, jurisdictions and attributes (GeoReport v2 definitions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

COUNTY = "cambridgeshire"
"""jurisdiction_id of Cambridgeshire County Council (highways, street lights)."""
DISTRICT = "cambridge"
"""jurisdiction_id of the one district served here (bins, fly-tipping)."""
JURISDICTIONS = (COUNTY, DISTRICT)

ASSIST_REF = "assist_ref"
"""Attribute every service accepts: the caller's own reference, used to refuse duplicates."""


@dataclass(frozen=True)
class Attribute:
    """One GeoReport v2 service attribute (a question the council asks about a report)."""

    code: str
    description: str
    datatype: str = "string"
    """string, number, datetime, text, singlevaluelist or multivaluelist."""
    required: bool = False
    variable: bool = True
    values: tuple[tuple[str, str], ...] = ()
    """(key, name) pairs for the list datatypes."""
    datatype_description: str | None = None

    def as_open311(self, order: int) -> dict[str, Any]:
        """The attribute as a GeoReport v2 `attribute` object."""
        return {
            "variable": self.variable,
            "code": self.code,
            "datatype": self.datatype,
            "required": self.required,
            "datatype_description": self.datatype_description,
            "order": order,
            "description": self.description,
            "values": [{"key": k, "name": n} for k, n in self.values],
        }


@dataclass(frozen=True)
class Service:
    """One reportable service and the jurisdiction that runs it."""

    code: str
    name: str
    description: str
    jurisdiction: str
    group: str
    keywords: tuple[str, ...]
    attributes: tuple[Attribute, ...] = field(default_factory=tuple)
    agency: str = ""

    def as_open311(self) -> dict[str, Any]:
        """The service as an entry of GeoReport v2 `services`."""
        return {
            "service_code": self.code,
            "service_name": self.name,
            "description": self.description,
            "metadata": bool(self.attributes),
            "type": "realtime",
            "keywords": ",".join(self.keywords),
            "group": self.group,
        }


_REF = Attribute(
    ASSIST_REF,
    "Reference the caller gave the citizen; a second request with the same one is refused "
    "as a duplicate and answered with the first request's id.",
    datatype_description="Up to 40 letters, digits and dashes.",
)

SERVICES: tuple[Service, ...] = (
    Service(
        "HW-POT",
        "Pothole or damaged road",
        "A pothole, or damage to a road, pavement or cycleway.",
        COUNTY,
        "Roads and pavements",
        ("pothole", "road", "pavement", "highway"),
        (
            Attribute(
                "surface",
                "Where is the damage?",
                "singlevaluelist",
                values=(("road", "Road"), ("pavement", "Pavement"), ("cycleway", "Cycleway")),
            ),
            Attribute(
                "size",
                "How big is it?",
                "singlevaluelist",
                values=(
                    ("small", "Smaller than a dinner plate"),
                    ("large", "Larger than a dinner plate"),
                ),
            ),
            _REF,
        ),
        agency="Cambridgeshire County Council Highways",
    ),
    Service(
        "SL-FAULT",
        "Street light fault",
        "A street light that is out, flickering, on in the day or damaged.",
        COUNTY,
        "Street lights",
        ("street light", "lamp", "lighting"),
        (
            Attribute(
                "fault",
                "What is wrong with the light?",
                "singlevaluelist",
                values=(
                    ("out", "Not working"),
                    ("flickering", "Flickering"),
                    ("day_burning", "On during the day"),
                    ("damaged", "Damaged"),
                ),
            ),
            Attribute("column_number", "The number on the lamp post, if you can see it."),
            _REF,
        ),
        agency="Cambridgeshire County Council Street Lighting",
    ),
    Service(
        "WS-MISSED",
        "Missed bin collection",
        "A bin that was put out on the right day but not emptied.",
        DISTRICT,
        "Bins and recycling",
        ("bin", "missed", "collection"),
        (
            Attribute(
                "bin",
                "Which bin was missed?",
                "singlevaluelist",
                required=True,
                values=(
                    ("black", "Black bin (rubbish)"),
                    ("blue", "Blue bin (recycling)"),
                    ("green", "Green bin (garden and food)"),
                ),
            ),
            _REF,
        ),
        agency="Cambridge City Council Waste Services",
    ),
    Service(
        "ENV-FLY",
        "Fly-tipping",
        "Rubbish dumped on public land.",
        DISTRICT,
        "Street cleaning",
        ("fly-tipping", "dumped", "rubbish"),
        (
            Attribute(
                "waste_type",
                "What kind of waste?",
                "singlevaluelist",
                values=(
                    ("household", "Household rubbish"),
                    ("furniture", "Furniture"),
                    ("building", "Building rubble"),
                    ("garden", "Garden waste"),
                    ("hazardous", "Chemicals, asbestos or needles"),
                    ("other", "Something else"),
                ),
            ),
            _REF,
        ),
        agency="Cambridge City Council Streets and Open Spaces",
    ),
)

BY_CODE: dict[str, Service] = {s.code: s for s in SERVICES}


def services_for(jurisdiction: str) -> list[Service]:
    """The services a jurisdiction runs, in catalogue order."""
    return [s for s in SERVICES if s.jurisdiction == jurisdiction]
