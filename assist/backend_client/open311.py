"""`Open311Client`: a GeoReport v2 client for any conforming server, in JSON or XML.

Written to the published specification (http://wiki.open311.org/GeoReport_v2), not to our
reference server: every field is optional on the way in, ids may be numbers or strings, and
errors arrive as arrays of `{code, description}`. Answers map to the protocol's errors:
404 -> NotFound; other 4xx -> InvalidRequest with the server's (code, description) pairs;
5xx, timeouts, refused connections and unreadable bodies -> BackendUnavailable.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any, Literal
from urllib.parse import quote

import httpx

from assist.backend_client import xml
from assist.backend_client.http import HttpCore, Params, RetryPolicy
from assist.backend_client.open311_types import (
    Created,
    Discovery,
    Service,
    ServiceDefinition,
    ServiceRequest,
    error_pairs,
    parse_created,
    parse_definition,
    parse_discovery,
    parse_requests,
    parse_services,
    parse_token,
    refusal_pairs,
)
from assist.backend_client.protocol import BackendUnavailable, InvalidRequest, NotFound

Format = Literal["json", "xml"]
MAX_PAGES = 50
"""Most pages of `GET requests` read when searching for an earlier POST."""


class Open311Client:
    """A GeoReport v2 client for one endpoint and jurisdiction."""

    def __init__(
        self,
        base_url: str,
        *,
        jurisdiction_id: str | None = None,
        api_key: str | None = None,
        format: Format = "json",
        timeout_s: float = 5.0,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.jurisdiction_id = jurisdiction_id
        self.format: Format = format
        self._api_key = api_key
        self._http = HttpCore(base_url, timeout_s=timeout_s, retry=retry, transport=transport)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    # -- resources --------------------------------------------------------------------------

    async def discovery(self) -> Discovery:
        """The discovery document (`discovery.{fmt}`)."""
        return parse_discovery(await self._call("GET", "discovery", jurisdiction=False))

    async def services(self) -> list[Service]:
        """Every service the jurisdiction offers."""
        return parse_services(await self._call("GET", "services"))

    async def service_definition(self, service_code: str) -> ServiceDefinition:
        """A service's attributes; raises NotFound for an unknown service."""
        body = await self._call("GET", f"services/{_seg(service_code)}")
        return parse_definition(body, service_code)

    async def create_request(
        self,
        service_code: str,
        *,
        lat: float | None = None,
        long: float | None = None,
        address_string: str | None = None,
        address_id: str | None = None,
        attributes: Mapping[str, str | Sequence[str]] | None = None,
        description: str | None = None,
        email: str | None = None,
        phone: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        media_url: str | None = None,
        device_id: str | None = None,
        account_id: str | None = None,
    ) -> Created:
        """POST a service request (form-encoded, with api_key); returns its id or a token.

        Not retried once the connection is made: a lost answer is ambiguous (the request
        may exist), and only the caller can check (see `delivery.py`).
        """
        form: list[tuple[str, str]] = [("service_code", service_code)]
        if self._api_key:
            form.append(("api_key", self._api_key))
        fields: tuple[tuple[str, object], ...] = (
            ("lat", lat),
            ("long", long),
            ("address_string", address_string),
            ("address_id", address_id),
            ("description", description),
            ("email", email),
            ("phone", phone),
            ("first_name", first_name),
            ("last_name", last_name),
            ("media_url", media_url),
            ("device_id", device_id),
            ("account_id", account_id),
        )
        for name, value in fields:
            if value is not None:
                form.append((name, str(value)))
        for code, chosen in (attributes or {}).items():
            if isinstance(chosen, str):
                form.append((f"attribute[{code}]", chosen))
            else:
                form.extend((f"attribute[{code}][]", v) for v in chosen)
        return parse_created(await self._call("POST", "requests", data=form))

    async def requests(
        self,
        *,
        service_request_ids: Sequence[str] = (),
        service_code: str | None = None,
        start_date: dt.datetime | None = None,
        end_date: dt.datetime | None = None,
        status: Sequence[str] = (),
        page: int | None = None,
    ) -> list[ServiceRequest]:
        """Requests matching GeoReport v2's filters (ids, when given, override the others);
        `page` asks servers that page their answers (a common extension) for that page."""
        params: list[tuple[str, str]] = []
        if service_request_ids:
            params.append(("service_request_id", ",".join(service_request_ids)))
        if service_code:
            params.append(("service_code", service_code))
        if start_date:
            params.append(("start_date", _w3c(start_date)))
        if end_date:
            params.append(("end_date", _w3c(end_date)))
        if status:
            params.append(("status", ",".join(status)))
        if page is not None:
            params.append(("page", str(page)))
        return parse_requests(await self._call("GET", "requests", params))

    async def all_requests(
        self,
        *,
        service_code: str | None = None,
        start_date: dt.datetime | None = None,
        end_date: dt.datetime | None = None,
        max_pages: int = MAX_PAGES,
    ) -> list[ServiceRequest]:
        """Every page of `GET requests`: pages are asked for until one is empty, repeats the
        one before (a server that does not page), or `max_pages` have been read."""
        found: list[ServiceRequest] = []
        seen: set[str] = set()
        for page in range(1, max_pages + 1):
            batch = await self.requests(
                service_code=service_code, start_date=start_date, end_date=end_date, page=page
            )
            new = [r for r in batch if r.service_request_id not in seen]
            if not new:
                break
            found += new
            seen.update(r.service_request_id for r in new)
        return found

    async def request(self, service_request_id: str) -> ServiceRequest:
        """One request; raises NotFound."""
        found = parse_requests(await self._call("GET", f"requests/{_seg(service_request_id)}"))
        if not found:
            raise NotFound(f"service request {service_request_id}")
        return found[0]

    async def token(self, token: str) -> str | None:
        """The service_request_id a token became, or None while there is none yet."""
        return parse_token(await self._call("GET", f"tokens/{_seg(token)}"))

    # -- plumbing ---------------------------------------------------------------------------

    async def _call(
        self,
        method: str,
        resource: str,
        params: Params | None = None,
        *,
        data: Params | None = None,
        jurisdiction: bool = True,
    ) -> Any:
        query = list(params or [])
        if jurisdiction and self.jurisdiction_id:
            if data is not None:
                data = [*data, ("jurisdiction_id", self.jurisdiction_id)]
            else:
                query.append(("jurisdiction_id", self.jurisdiction_id))
        resp = await self._http.request(
            method, f"{resource}.{self.format}", params=query or None, data=data
        )
        what = f"{method} {resource}"
        if resp.status_code >= 400:
            raise _error(what, resp, self._parse(what, resp.text, strict=False))
        body = self._parse(what, resp.text, strict=True)
        errors = error_pairs(body)
        if errors:  # some servers answer errors with 200
            raise InvalidRequest(f"{what}: {errors[0][1]}", errors)
        return body

    def _parse(self, what: str, text: str, *, strict: bool) -> Any:
        try:
            if self.format == "xml":
                return xml.parse(text)
            return json.loads(text)
        except (ValueError, BackendUnavailable) as exc:
            if strict:
                raise BackendUnavailable(f"{what}: unreadable answer: {exc}") from None
            return None


def _error(what: str, resp: httpx.Response, body: Any) -> Exception:
    if body is None:  # unreadable in the chosen format: maybe JSON or HTML anyway
        try:
            body = json.loads(resp.text)
        except ValueError:
            body = None
    pairs = refusal_pairs(body, resp.text) or [(str(resp.status_code), "")]
    message = f"{what}: HTTP {resp.status_code}: {pairs[0][1]}"
    if resp.status_code == 404:
        return NotFound(message)
    return InvalidRequest(message, pairs, status=resp.status_code)


def _w3c(when: dt.datetime) -> str:
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.replace(microsecond=0).isoformat()


def _seg(value: str) -> str:
    """A value made safe for one path segment."""
    return quote(value, safe="")
