"""Loads the demo data files: addresses and rounds, bank holidays, service information."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class DemoAddress:
    """An address and its collection round (weekday and A/B week)."""

    id: str
    line: str
    postcode: str
    district: str
    lat: float
    long: float
    weekday: int
    """0 = Monday."""
    week: str
    """`A` or `B`: which bins go out in the reference week (see `Rounds`)."""

    def as_json(self) -> dict[str, Any]:
        """The public fields, as the waste API answers them."""
        return {
            "id": self.id,
            "line": self.line,
            "postcode": self.postcode,
            "district": self.district,
            "lat": self.lat,
            "long": self.long,
        }


@dataclass(frozen=True)
class Rounds:
    """Alternate-week collections: week A bins in the reference week, week B bins the next."""

    reference_week_a: dt.date
    week_a_bins: tuple[str, ...]
    week_b_bins: tuple[str, ...]


def _read(name: str) -> Any:
    return json.loads(resources.files("assist.council").joinpath("data", name).read_text("utf-8"))


@cache
def addresses() -> tuple[DemoAddress, ...]:
    """Every demo address."""
    return tuple(
        DemoAddress(
            a["id"],
            a["line"],
            a["postcode"],
            a["district"],
            a["lat"],
            a["long"],
            _DAYS.index(a["day"]),
            a["week"],
        )
        for a in _read("addresses.json")["addresses"]
    )


@cache
def rounds() -> Rounds:
    """The alternate-week pattern."""
    d = _read("addresses.json")
    return Rounds(
        dt.date.fromisoformat(d["reference_week_a"]),
        tuple(d["week_a_bins"]),
        tuple(d["week_b_bins"]),
    )


@cache
def bank_holidays() -> dict[dt.date, str]:
    """English bank holidays in the data file: date -> name."""
    dates = _read("bank_holidays.json")["dates"]
    return {dt.date.fromisoformat(h["date"]): h["title"] for h in dates}


@cache
def info() -> dict[str, Any]:
    """The service information file (defaults and topics)."""
    data: dict[str, Any] = _read("info.json")
    return data
