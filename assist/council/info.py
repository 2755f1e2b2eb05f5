"""The information API: opening hours (with bank-holiday closures), numbers and call cost."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from assist.council import demo_data


def upcoming_holidays(today: dt.date) -> list[dict[str, str]]:
    """Bank holidays from `today` on, soonest first."""
    return [
        {"date": day.isoformat(), "title": name}
        for day, name in sorted(demo_data.bank_holidays().items())
        if day >= today
    ]


def topic_info(topic: str, today: dt.date) -> dict[str, Any] | None:
    """Everything known about a topic, defaults filled in; None if the topic is unknown."""
    data = demo_data.info()
    entry = data["topics"].get(topic)
    if entry is None:
        return None
    d = data["defaults"]
    extra = dict(entry.get("extra", {}))
    if d.get("closed_on_bank_holidays"):
        extra["closed_on"] = upcoming_holidays(today)[:4]
    return {
        "topic": topic,
        "title": entry["title"],
        "summary": entry["summary"],
        "phone": entry.get("phone", d["phone"]),
        "hours": entry.get("hours", d["hours"]),
        "call_cost": entry.get("call_cost", d["call_cost"]),
        "extra": extra,
    }


def router(today: Callable[[], dt.date]) -> APIRouter:
    """Routes under `/info`."""
    r = APIRouter(prefix="/info", tags=["info"])

    @r.get("")
    async def topics() -> JSONResponse:
        """The topics there is information about."""
        return JSONResponse({"topics": sorted(demo_data.info()["topics"])})

    @r.get("/bank_holidays")
    async def holidays() -> JSONResponse:
        """Bank holidays from today on (the contact centre is closed on them), in the same
        shape as every other topic so one client reads both; `bank_holidays` is kept for
        readers of the earlier shape."""
        days = upcoming_holidays(today())
        d = demo_data.info()["defaults"]
        return JSONResponse(
            {
                "topic": "bank_holidays",
                "title": "Bank holidays",
                "summary": "The contact centre is closed on bank holidays.",
                "phone": d["phone"],
                "hours": d["hours"],
                "call_cost": d["call_cost"],
                "extra": {"closed_on": days},
                "bank_holidays": days,
            }
        )

    @r.get("/{topic}")
    async def one(topic: str) -> JSONResponse:
        """Information about one topic (an intent name); 404 if unknown."""
        found = topic_info(topic, today())
        if found is None:
            return JSONResponse(
                {"error": "unknown_topic", "detail": f"No information about {topic!r}."}, 404
            )
        return JSONResponse(found)

    return r
