"""A third-party-style GeoReport v2 server, unlike the reference council: a public test double.

Its quirks are those met on an open-source Django implementation a city runs (issue 14):

- no `discovery` (404 HTML);
- alphanumeric ids (`qq73dram`), not numbers;
- a bad api key, jurisdiction or service code is a 400 `{"code": 400, "detail": [...]}`,
  not the specification's error array, in JSON whatever format was asked for;
- `address_string` is ignored, and a report with neither coordinates nor `address_id` is an
  HTML 500;
- slow saves: `POST requests` answers only after `save_delay_s`, and saves even when the
  client has given up waiting;
- XML lists have the root `<requests>`; `GET requests` is paged (`page`, `page_size`).

Serve it with uvicorn on 127.0.0.1 (`create_third_party_app(ThirdParty(...))`, or
`uvicorn assist.backend_client.testing:app`); read `ThirdParty.saved` to count reports.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
import string
import time
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET

from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

SERVICES = {
    "RD-01": "Pothole or damaged road",
    "SL-01": "Street light fault",
    "FT-01": "Fly-tipping",
    "WS-01": "Missed bin collection",
}
"""The codes `ASSIST_SERVICE_CODES=report_pothole=RD-01,report_streetlight=SL-01,
report_flytipping=FT-01,missed_bin=WS-01` names."""
CODES_SETTING = (
    "report_pothole=RD-01,report_streetlight=SL-01,report_flytipping=FT-01,missed_bin=WS-01"
)


@dataclass
class ThirdParty:
    """The server's state and knobs; change them between requests to change its behaviour."""

    api_key: str = "city-key"
    jurisdiction: str = "city"
    save_delay_s: float = 0.0
    page_size: int = 5
    services: dict[str, str] = field(default_factory=lambda: dict(SERVICES))
    saved: list[dict[str, Any]] = field(default_factory=list)
    """Every request saved, oldest first (what a duplicate check counts)."""
    posts: int = 0
    """POSTs received, saved or not."""


def create_third_party_app(state: ThirdParty | None = None) -> FastAPI:
    """The app; `app.state.third_party` is its `ThirdParty`."""
    tp = state or ThirdParty()
    app = FastAPI(title="third-party Open311 (test double)", docs_url=None, redoc_url=None)
    app.state.third_party = tp

    def refuse(detail: str) -> JSONResponse:
        return JSONResponse({"code": 400, "detail": [detail]}, status_code=400)

    def bad_jurisdiction(values: Any) -> JSONResponse | None:
        if values.get("jurisdiction_id") != tp.jurisdiction:
            return refuse("Invalid jurisdiction_id")
        return None

    @app.get("/services.{fmt}")
    async def services(request: Request, fmt: str) -> Response:
        bad = bad_jurisdiction(request.query_params)
        if bad is not None:
            return bad
        items = [
            {"service_code": c, "service_name": n, "metadata": "false", "type": "realtime"}
            for c, n in tp.services.items()
        ]
        return _render(fmt, "services", "service", items)

    @app.get("/services/{code}.{fmt}")
    async def definition(request: Request, code: str, fmt: str) -> Response:
        bad = bad_jurisdiction(request.query_params)
        if bad is not None:
            return bad
        if code not in tp.services:
            return refuse("Invalid service_code")
        if fmt == "xml":
            return _xml(ET.Element("service_definition"))
        return JSONResponse({"service_code": code, "attributes": []})

    @app.post("/requests.{fmt}")
    async def create(request: Request, fmt: str) -> Response:
        tp.posts += 1
        form = await request.form()
        if form.get("api_key") != tp.api_key:
            return refuse("Invalid API key")
        bad = bad_jurisdiction(form)
        if bad is not None:
            return bad
        code = str(form.get("service_code") or "")
        if code not in tp.services:
            return refuse("Invalid service_code")
        lat, long = form.get("lat"), form.get("long")
        if not ((lat and long) or form.get("address_id")):  # address_string is ignored
            return HTMLResponse(
                "<html><body><h1>Server Error (500)</h1></body></html>", status_code=500
            )
        await asyncio.sleep(tp.save_delay_s)  # the client may give up; the save goes on
        now = time.time()
        row = {
            "service_request_id": _new_id(),
            "status": "open",
            "service_code": code,
            "service_name": tp.services[code],
            "description": str(form.get("description") or ""),
            "lat": float(str(lat)) if lat else None,
            "long": float(str(long)) if long else None,
            "requested_at": now,
            "updated_at": now,
        }
        tp.saved.append(row)
        return _render(
            fmt, "requests", "request", [{"service_request_id": row["service_request_id"]}]
        )

    @app.get("/requests.{fmt}")
    async def search(request: Request, fmt: str) -> Response:
        q = request.query_params
        bad = bad_jurisdiction(q)
        if bad is not None:
            return bad
        rows = list(reversed(tp.saved))
        if q.get("service_request_id"):
            ids = set(q["service_request_id"].split(","))
            rows = [r for r in rows if r["service_request_id"] in ids]
        if q.get("service_code"):
            rows = [r for r in rows if r["service_code"] == q["service_code"]]
        if q.get("start_date"):
            start = _when(q["start_date"])
            rows = [r for r in rows if r["requested_at"] >= start]
        if q.get("end_date"):
            end = _when(q["end_date"])
            rows = [r for r in rows if r["requested_at"] <= end]
        page = max(1, int(q.get("page") or 1))
        size = int(q.get("page_size") or tp.page_size)
        chunk = rows[(page - 1) * size : page * size]
        return _render(fmt, "requests", "request", [_public(r) for r in chunk])

    @app.get("/requests/{request_id}.{fmt}")
    async def one(request: Request, request_id: str, fmt: str) -> Response:
        found = [_public(r) for r in tp.saved if r["service_request_id"] == request_id]
        if not found:
            return JSONResponse({"detail": "Not found."}, status_code=404)
        return _render(fmt, "requests", "request", found)

    return app


def _new_id() -> str:
    return "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(8))


def _when(text: str) -> float:
    when = dt.datetime.fromisoformat(text.replace(" ", "+").replace("Z", "+00:00"))
    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).timestamp()


def _public(r: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in r.items() if k not in ("requested_at", "updated_at")}
    out["requested_datetime"] = dt.datetime.fromtimestamp(r["requested_at"], dt.UTC).isoformat()
    out["updated_datetime"] = dt.datetime.fromtimestamp(r["updated_at"], dt.UTC).isoformat()
    return out


def _render(fmt: str, root: str, item: str, rows: list[dict[str, Any]]) -> Response:
    if fmt != "xml":
        return JSONResponse(rows)
    top = ET.Element(root)
    for r in rows:
        el = ET.SubElement(top, item)
        for k, v in r.items():
            if v is not None:
                ET.SubElement(el, k).text = str(v)
    return _xml(top)


def _xml(el: ET.Element) -> Response:
    body = '<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(el, encoding="unicode")
    return Response(body.encode(), media_type="text/xml")


app = create_third_party_app()
"""A default instance for `uvicorn assist.backend_client.testing:app`."""
