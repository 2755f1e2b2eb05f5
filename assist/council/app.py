"""`create_council_app`: the reference council as one FastAPI app (mounted at /council)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from assist.council import info, open311, staff, waste
from assist.council.db import CouncilDB

_LONDON = ZoneInfo("Europe/London")


def _today() -> dt.date:
    return dt.datetime.now(_LONDON).date()


def create_council_app(
    db_path: Path,
    api_key: str,
    *,
    defer_ids: bool = False,
    clock: Callable[[], float] = time.time,
    today: Callable[[], dt.date] = _today,
) -> FastAPI:
    """The reference council back end on its own SQLite file at `db_path`.

    `api_key` guards Open311 POSTs and staff changes; `defer_ids` makes POSTs answer with a
    token only (as some GeoReport servers do); `clock`/`today` let tests fix the time.
    """
    if not api_key:
        raise ValueError("the reference council needs an api_key")
    db = CouncilDB(db_path)
    app = FastAPI(
        title="Reference council (Assist demo)",
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.include_router(open311.router(db, api_key, defer_ids=defer_ids, clock=clock))
    app.include_router(staff.router(db, api_key, clock=clock))
    app.include_router(waste.router(today))
    app.include_router(info.router(today))

    @app.get("/")
    async def index() -> JSONResponse:
        """What this back end offers."""
        return JSONResponse(
            {
                "name": "Reference council for Assist (demo data)",
                "open311": "open311/v2/discovery.json",
                "jurisdictions": ["cambridgeshire", "cambridge"],
                "waste": ["waste/addresses?postcode=CB1 2AD", "waste/collections/cam-0001"],
                "info": "info",
            }
        )

    app.state.db = db
    return app
