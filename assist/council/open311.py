"""GeoReport v2 server routes: discovery, services, definitions, requests and tokens.

Follows the published specification (http://wiki.open311.org/GeoReport_v2): every resource
in `.json` and `.xml`, `jurisdiction_id` required (this endpoint serves two), `api_key` on
POST, errors as arrays of `{code, description}` with the same HTTP status.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
import time
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.datastructures import FormData

from assist.council import catalogue, demo_data
from assist.council.db import CouncilDB, NewRequest, Query, iso
from assist.council.formats import FORMATS, Open311Error, error_response, render

MAX_DESCRIPTION = 4000
"""GeoReport v2's limit on `description`."""
MAX_RESULTS = 1000
DEFAULT_WINDOW_S = 90 * 86400
"""Without dates, `GET requests` covers the last 90 days (the specification's default)."""
# Roughly the county's outline; a point outside it is not ours to fix.
_LAT = (51.99, 52.75)
_LONG = (-0.55, 0.55)
_ATTR = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")
_REF = re.compile(r"^[A-Za-z0-9-]{1,40}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_STATUSES = ("open", "closed")
_ADDRESSES = {a.id: a for a in demo_data.addresses()}


def api_key_ok(given: object, api_key: str) -> bool:
    """True when `given` is the api_key (compared in constant time)."""
    return hmac.compare_digest(str(given or "").encode(), api_key.encode())


def _jurisdiction(request: Request, values: Any = None) -> str:
    src = values if values is not None else request.query_params
    j = (src.get("jurisdiction_id") or "").strip()
    if not j:
        raise Open311Error(400, "jurisdiction_id was not provided")
    if j not in catalogue.JURISDICTIONS:
        raise Open311Error(404, f"jurisdiction_id {j!r} was not found")
    return j


def _service(jurisdiction: str, code: str, status: int = 404) -> catalogue.Service:
    svc = catalogue.BY_CODE.get(code)
    if svc is None or svc.jurisdiction != jurisdiction:
        raise Open311Error(status, f"service_code {code!r} was not found")
    return svc


def parse_datetime(text: str, name: str) -> float:
    """A W3C datetime as UNIX time (UTC when no offset is given); raises Open311Error 400."""
    try:
        when = dt.datetime.fromisoformat(text.strip().replace(" ", "+"))
    except ValueError:
        raise Open311Error(400, f"{name} is not a W3C datetime") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.timestamp()


def as_open311(row: dict[str, Any]) -> dict[str, Any]:
    """A stored request in GeoReport v2's field list (no personal details are published)."""
    svc = catalogue.BY_CODE.get(row["service_code"])
    return {
        "service_request_id": str(row["id"]),
        "status": row["status"],
        "status_notes": row["status_notes"],
        "service_name": svc.name if svc else row["service_code"],
        "service_code": row["service_code"],
        "description": row["description"],
        "agency_responsible": svc.agency if svc else None,
        "service_notice": None,
        "requested_datetime": iso(row["requested_at"]),
        "updated_datetime": iso(row["updated_at"]),
        "expected_datetime": iso(row["expected_at"]),
        "address": row["address"],
        "address_id": row["address_id"],
        "zipcode": row["zipcode"],
        "lat": row["lat"],
        "long": row["long"],
        "media_url": row["media_url"],
    }


def _float(form: FormData, name: str, errors: list[str]) -> float | None:
    raw = form.get(name)
    if raw is None or str(raw).strip() == "":
        return None
    try:
        return float(str(raw))
    except ValueError:
        errors.append(f"{name} must be a number")
        return None


def _text(form: FormData, name: str) -> str | None:
    raw = form.get(name)
    text = str(raw).strip() if raw is not None else ""
    return text or None


def _attributes(form: FormData, svc: catalogue.Service, errors: list[str]) -> dict[str, Any]:
    given: dict[str, Any] = {}
    for key in form:
        m = _ATTR.match(key)
        if m:
            values = [str(v) for v in form.getlist(key)]
            given[m.group(1)] = values if m.group(2) else values[-1]
    out: dict[str, Any] = {}
    for attr in svc.attributes:
        value = given.get(attr.code)
        if value in (None, "", []):
            if attr.required:
                errors.append(f"attribute[{attr.code}] is required: {attr.description}")
            continue
        if attr.values:
            keys = {k for k, _ in attr.values}
            chosen = value if isinstance(value, list) else [value]
            if any(v not in keys for v in chosen):
                errors.append(f"attribute[{attr.code}] must be one of {', '.join(sorted(keys))}")
                continue
        out[attr.code] = value
    return out


def _validate(form: FormData, jurisdiction: str) -> NewRequest:
    code = _text(form, "service_code")
    if code is None:
        raise Open311Error(400, "service_code was not provided")
    svc = _service(jurisdiction, code, status=400)
    errors: list[str] = []
    lat, long = _float(form, "lat", errors), _float(form, "long", errors)
    address, address_id = _text(form, "address_string"), _text(form, "address_id")
    zipcode = None
    if address_id is not None:
        known = _ADDRESSES.get(address_id)
        if known is None:
            errors.append(f"address_id {address_id!r} was not found")
        else:
            address, zipcode = address or known.line, known.postcode
            if lat is None and long is None:
                lat, long = known.lat, known.long
    if (lat is None) != (long is None):
        errors.append("lat and long must be given together")
    if lat is None and long is None and address is None and address_id is None:
        errors.append("a location is required: lat and long, address_string or address_id")
    if (
        lat is not None
        and long is not None
        and not (_LAT[0] <= lat <= _LAT[1] and _LONG[0] <= long <= _LONG[1])
    ):
        errors.append("lat/long is outside Cambridgeshire")
    description = _text(form, "description")
    if description is not None and len(description) > MAX_DESCRIPTION:
        errors.append(f"description is longer than {MAX_DESCRIPTION} characters")
    email = _text(form, "email")
    if email is not None and not _EMAIL.match(email):
        errors.append("email is not an email address")
    attributes = _attributes(form, svc, errors)
    ref = attributes.get(catalogue.ASSIST_REF)
    if ref is not None and not (isinstance(ref, str) and _REF.match(ref)):
        errors.append(f"attribute[{catalogue.ASSIST_REF}] must be letters, digits and dashes")
    if errors:
        raise Open311Error(400, *errors)
    return NewRequest(
        jurisdiction=jurisdiction,
        service_code=code,
        description=description,
        address=address,
        address_id=address_id,
        zipcode=zipcode,
        lat=lat,
        long=long,
        email=email,
        phone=_text(form, "phone"),
        first_name=_text(form, "first_name"),
        last_name=_text(form, "last_name"),
        attributes=attributes,
        media_url=_text(form, "media_url"),
        assist_ref=ref if isinstance(ref, str) else None,
        expected_at=None,
    )


def router(
    db: CouncilDB, api_key: str, *, defer_ids: bool = False, clock: Callable[[], float] = time.time
) -> APIRouter:
    """Routes under `/open311/v2`; `defer_ids` answers POSTs with a token only."""
    r = APIRouter(prefix="/open311/v2", tags=["open311"])

    def fmt_of(fmt: str) -> str:
        if fmt not in FORMATS:
            raise Open311Error(404, f"format {fmt!r} is not supported; use json or xml")
        return fmt

    @r.get("/discovery.{fmt}")
    async def discovery(request: Request, fmt: str) -> Response:
        """The discovery document: where the endpoint is and what it speaks."""
        try:
            fmt = fmt_of(fmt)
        except Open311Error as e:
            return error_response(fmt, e)
        url = str(request.url).split("/discovery.", 1)[0]
        return render(
            fmt,
            "discovery",
            {
                "changeset": "2026-11-01T00:00:00+00:00",
                "contact": "Reference council for Assist (demo data, not a real council system).",
                "key_service": "The api_key is the setting ASSIST_COUNCIL_API_KEY.",
                "endpoints": [
                    {
                        "specification": "http://wiki.open311.org/GeoReport_v2",
                        "url": url,
                        "changeset": "2026-11-01T00:00:00+00:00",
                        "type": "test",
                        "formats": ["application/json", "text/xml"],
                    }
                ],
            },
        )

    @r.get("/services.{fmt}")
    async def services(request: Request, fmt: str) -> Response:
        """The services of a jurisdiction."""
        try:
            fmt = fmt_of(fmt)
            j = _jurisdiction(request)
        except Open311Error as e:
            return error_response(fmt, e)
        return render(fmt, "services", [s.as_open311() for s in catalogue.services_for(j)])

    @r.get("/services/{code}.{fmt}")
    async def definition(request: Request, code: str, fmt: str) -> Response:
        """A service definition: the attributes a request may or must carry."""
        try:
            fmt = fmt_of(fmt)
            svc = _service(_jurisdiction(request), code)
        except Open311Error as e:
            return error_response(fmt, e)
        return render(
            fmt,
            "service_definition",
            {
                "service_code": svc.code,
                "attributes": [a.as_open311(i + 1) for i, a in enumerate(svc.attributes)],
            },
        )

    @r.post("/requests.{fmt}")
    async def create(request: Request, fmt: str) -> Response:
        """Create a service request (form-encoded); a repeated assist_ref is not duplicated."""
        try:
            fmt = fmt_of(fmt)
            form = await request.form()
            j = _jurisdiction(request, form if form.get("jurisdiction_id") else None)
            if not api_key_ok(form.get("api_key"), api_key):
                raise Open311Error(403, "api_key is missing or invalid")
            new = _validate(form, j)
        except Open311Error as e:
            return error_response(fmt, e)
        row, created = await db.create(new, clock())
        if defer_ids:
            return render(fmt, "service_requests", [{"token": row["token"]}])
        notice = None if created else "Duplicate of an earlier request; no new request was made."
        return render(
            fmt,
            "service_requests",
            [
                {
                    "service_request_id": str(row["id"]),
                    "service_notice": notice,
                    "account_id": None,
                }
            ],
        )

    @r.get("/requests.{fmt}")
    async def search(request: Request, fmt: str) -> Response:
        """Requests matching GeoReport v2's filters (last 90 days by default, at most 1000)."""
        try:
            fmt = fmt_of(fmt)
            q = _query(request, _jurisdiction(request), clock())
        except Open311Error as e:
            return error_response(fmt, e)
        rows = await db.find(q)
        return render(fmt, "service_requests", [as_open311(row) for row in rows])

    @r.get("/requests/{request_id}.{fmt}")
    async def one(request: Request, request_id: str, fmt: str) -> Response:
        """One request, as a one-element list (the specification's shape)."""
        try:
            fmt = fmt_of(fmt)
            j = _jurisdiction(request)
            row = await db.get(j, int(request_id)) if request_id.isdigit() else None
            if row is None:
                raise Open311Error(404, f"service_request_id {request_id!r} was not found")
        except Open311Error as e:
            return error_response(fmt, e)
        return render(fmt, "service_requests", [as_open311(row)])

    @r.get("/tokens/{token}.{fmt}")
    async def token(request: Request, token: str, fmt: str) -> Response:
        """The service_request_id a token became."""
        try:
            fmt = fmt_of(fmt)
            row = await db.by_token(_jurisdiction(request), token)
            if row is None:
                raise Open311Error(404, f"token {token!r} was not found")
        except Open311Error as e:
            return error_response(fmt, e)
        return render(
            fmt, "service_requests", [{"service_request_id": str(row["id"]), "token": row["token"]}]
        )

    return r


def _query(request: Request, jurisdiction: str, now: float) -> Query:
    p = request.query_params
    ids_text = p.get("service_request_id")
    if ids_text:
        ids = [i.strip() for i in ids_text.split(",") if i.strip()]
        if not all(i.isdigit() for i in ids):
            raise Open311Error(400, "service_request_id must be comma separated numbers")
        return Query(jurisdiction, ids=[int(i) for i in ids], limit=MAX_RESULTS)
    start = parse_datetime(p["start_date"], "start_date") if p.get("start_date") else None
    end = parse_datetime(p["end_date"], "end_date") if p.get("end_date") else None
    if start is None and end is None:
        start = now - DEFAULT_WINDOW_S
    statuses = [s.strip() for s in (p.get("status") or "").split(",") if s.strip()]
    if any(s not in _STATUSES for s in statuses):
        raise Open311Error(400, "status must be open or closed")
    codes = [c.strip() for c in (p.get("service_code") or "").split(",") if c.strip()]
    return Query(
        jurisdiction,
        service_codes=codes,
        start=start,
        end=end,
        statuses=statuses,
        limit=MAX_RESULTS,
    )
