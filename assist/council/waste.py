"""The waste API: addresses by postcode and bin collections with bank-holiday shifts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from assist.council import demo_data
from assist.council.postcodes import MalformedPostcode, in_area, normalise

FIND_COUNCIL_URL = "https://www.gov.uk/find-local-council"


def _error(status: int, error: str, detail: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": error, "detail": detail, **extra}, status)


def collection_day(usual: dt.date, holidays: dict[dt.date, str]) -> dt.date:
    """When a collection due on `usual` happens: a day later for each bank holiday on or
    before it in its Monday-to-Friday week, and never on a bank holiday itself."""
    monday = usual - dt.timedelta(days=usual.weekday())
    shift = sum(1 for h in holidays if monday <= h <= usual)
    day = usual + dt.timedelta(days=shift)
    while day in holidays:
        day += dt.timedelta(days=1)
    return day


def collections(
    addr: demo_data.DemoAddress,
    start: dt.date,
    weeks: int,
    holidays: dict[dt.date, str],
    rounds: demo_data.Rounds,
) -> list[dict[str, Any]]:
    """Collections in the `weeks` weeks from `start` (inclusive), soonest first."""
    out: list[dict[str, Any]] = []
    first_monday = start - dt.timedelta(days=start.weekday())
    for w in range(weeks + 1):
        monday = first_monday + dt.timedelta(weeks=w)
        usual = monday + dt.timedelta(days=addr.weekday)
        week_a = ((monday - rounds.reference_week_a).days // 7) % 2 == 0
        is_a = week_a == (addr.week == "A")
        day = collection_day(usual, holidays)
        if not start <= day < start + dt.timedelta(weeks=weeks):
            continue
        for bin_ in rounds.week_a_bins if is_a else rounds.week_b_bins:
            out.append(
                {
                    "bin": bin_,
                    "date": day.isoformat(),
                    "moved_from": usual.isoformat() if day != usual else None,
                    "reason": _reason(usual, day, holidays),
                }
            )
    return out


def _reason(usual: dt.date, day: dt.date, holidays: dict[dt.date, str]) -> str | None:
    if day == usual:
        return None
    monday = usual - dt.timedelta(days=usual.weekday())
    names = [n for h, n in sorted(holidays.items()) if monday <= h <= day]
    return f"Moved because of {' and '.join(names)}" if names else None


def router(today: Callable[[], dt.date]) -> APIRouter:
    """Routes under `/waste`."""
    r = APIRouter(prefix="/waste", tags=["waste"])
    by_id = {a.id: a for a in demo_data.addresses()}

    @r.get("/addresses")
    async def find(postcode: str = "") -> JSONResponse:
        """Addresses at a postcode; 400 malformed, 404 unknown or outside the area."""
        try:
            pc = normalise(postcode)
        except MalformedPostcode:
            return _error(
                400, "malformed_postcode", f"{postcode!r} is not a UK postcode, e.g. CB1 2AD."
            )
        if not in_area(pc):
            return _error(
                404,
                "outside_area",
                f"{pc} is not in Cambridgeshire; another council serves it.",
                postcode=pc,
                help_url=FIND_COUNCIL_URL,
            )
        found = [a.as_json() for a in demo_data.addresses() if a.postcode == pc]
        if not found:
            return _error(404, "unknown_postcode", f"No addresses are known at {pc}.", postcode=pc)
        return JSONResponse({"postcode": pc, "addresses": found})

    @r.get("/addresses/{address_id}")
    async def one(address_id: str) -> JSONResponse:
        """One address by id; 404 if unknown."""
        addr = by_id.get(address_id)
        if addr is None:
            return _error(404, "unknown_address", f"No address with id {address_id!r}.")
        return JSONResponse(addr.as_json())

    @r.get("/collections/{address_id}")
    async def bins(address_id: str, weeks: int = 4, start: str | None = None) -> JSONResponse:
        """Upcoming collections (`weeks` 1-12, from `start` or today); 404 if unknown."""
        addr = by_id.get(address_id)
        if addr is None:
            return _error(404, "unknown_address", f"No address with id {address_id!r}.")
        try:
            first = dt.date.fromisoformat(start) if start else today()
        except ValueError:
            return _error(400, "bad_date", "start must be a date like 2026-12-01.")
        weeks = min(max(weeks, 1), 12)
        items = collections(addr, first, weeks, demo_data.bank_holidays(), demo_data.rounds())
        return JSONResponse({"address_id": addr.id, "address": addr.line, "collections": items})

    return r
