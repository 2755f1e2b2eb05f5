"""GeoReport v2 value types, and tolerant readers from JSON or XML-shaped data into them.

JSON gives numbers and booleans where XML gives strings, and servers differ in what they
leave out: every field but the identifying ones is optional. Shapes that make no sense raise
BackendUnavailable ("answered nonsense").
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from typing import Any

from assist.backend_client.protocol import BackendUnavailable


@dataclass(frozen=True)
class Endpoint:
    """One endpoint listed by discovery."""

    specification: str | None
    url: str | None
    changeset: str | None
    type: str | None
    formats: tuple[str, ...]


@dataclass(frozen=True)
class Discovery:
    """The discovery document: contact details and the endpoints the server offers."""

    changeset: str | None
    contact: str | None
    key_service: str | None
    endpoints: tuple[Endpoint, ...]


@dataclass(frozen=True)
class Service:
    """An entry of `services`."""

    service_code: str
    service_name: str | None
    description: str | None
    metadata: bool
    """True when the service has a definition (attributes) to fetch."""
    type: str | None
    keywords: tuple[str, ...]
    group: str | None


@dataclass(frozen=True)
class AttributeDef:
    """One attribute of a service definition."""

    code: str
    datatype: str | None
    required: bool
    variable: bool
    description: str | None
    order: int | None
    values: tuple[tuple[str, str], ...]
    datatype_description: str | None = None


@dataclass(frozen=True)
class ServiceDefinition:
    """A service's attributes."""

    service_code: str
    attributes: tuple[AttributeDef, ...]

    def attribute(self, code: str) -> AttributeDef | None:
        """The attribute with this code, or None."""
        return next((a for a in self.attributes if a.code == code), None)


@dataclass(frozen=True)
class ServiceRequest:
    """A service request as `GET requests` answers it (GeoReport v2 field list)."""

    service_request_id: str
    status: str | None
    status_notes: str | None
    service_name: str | None
    service_code: str | None
    description: str | None
    agency_responsible: str | None
    service_notice: str | None
    requested_datetime: dt.datetime | None
    updated_datetime: dt.datetime | None
    expected_datetime: dt.datetime | None
    address: str | None
    address_id: str | None
    zipcode: str | None
    lat: float | None
    long: float | None
    media_url: str | None
    attributes: tuple[tuple[str, str], ...] = ()
    """Attributes, when the server echoes them (not in the spec's list, but common)."""


@dataclass(frozen=True)
class Created:
    """The answer to `POST requests`: an id, or a token to exchange for one later."""

    service_request_id: str | None
    token: str | None
    service_notice: str | None = None
    account_id: str | None = None


def parse_discovery(body: Any) -> Discovery:
    """The discovery document, tolerant of JSON or XML typing."""
    d = _dict(body)
    return Discovery(
        _str(d.get("changeset")),
        _str(d.get("contact")),
        _str(d.get("key_service")),
        tuple(
            Endpoint(
                _str(e.get("specification")),
                _str(e.get("url")),
                _str(e.get("changeset")),
                _str(e.get("type")),
                tuple(str(f) for f in _list(e.get("formats")) if f is not None),
            )
            for e in map(_dict, _list(d.get("endpoints")))
        ),
    )


def parse_services(body: Any) -> list[Service]:
    """The `services` list."""
    return [
        Service(
            _req_str(s, "service_code"),
            _str(s.get("service_name")),
            _str(s.get("description")),
            _bool(s.get("metadata")),
            _str(s.get("type")),
            _keywords(s.get("keywords")),
            _str(s.get("group")),
        )
        for s in map(_dict, _list(body))
    ]


def parse_definition(body: Any, service_code: str) -> ServiceDefinition:
    """A service definition, attributes in `order`."""
    d = _dict(body)
    attrs = []
    for a in map(_dict, _list(d.get("attributes"))):
        values = tuple(
            (str(v.get("key")), str(v.get("name") or v.get("key")))
            for v in map(_dict, _list(a.get("values")))
        )
        attrs.append(
            AttributeDef(
                _req_str(a, "code"),
                _str(a.get("datatype")),
                _bool(a.get("required")),
                _bool(a.get("variable"), default=True),
                _str(a.get("description")),
                _int(a.get("order")),
                values,
                _str(a.get("datatype_description")),
            )
        )
    attrs.sort(key=lambda a: (a.order is None, a.order or 0))
    return ServiceDefinition(_str(d.get("service_code")) or service_code, tuple(attrs))


def parse_created(body: Any) -> Created:
    """The answer to `POST requests`; raises BackendUnavailable without an id or token."""
    answer = _list(body)
    if not answer:
        raise BackendUnavailable("POST requests: empty answer")
    first = _dict(answer[0])
    created = Created(
        _str(first.get("service_request_id")),
        _str(first.get("token")),
        _str(first.get("service_notice")),
        _str(first.get("account_id")),
    )
    if created.service_request_id is None and created.token is None:
        raise BackendUnavailable("POST requests: neither service_request_id nor token")
    return created


def parse_requests(body: Any) -> list[ServiceRequest]:
    """A `service_requests` list."""
    return [parse_request(r) for r in map(_dict, _list(body))]


def parse_token(body: Any) -> str | None:
    """The service_request_id of a `tokens/{token}` answer, or None."""
    answer = _list(body)
    return _str(_dict(answer[0]).get("service_request_id")) if answer else None


def error_pairs(body: Any) -> list[tuple[str, str]]:
    """Open311 errors as (code, description) pairs, or [] when `body` is not an error array."""
    items = body if isinstance(body, list) else []
    if not items or not all(
        isinstance(e, dict) and "description" in e and set(e) <= {"code", "description"}
        for e in items
    ):
        return []
    return [(str(e.get("code") or ""), str(e.get("description") or "")) for e in items]


def refusal_pairs(body: Any, text: str) -> list[tuple[str, str]]:
    """A refusal's (code, description) pairs in any shape: the spec's error array, a
    `{"code": 400, "detail": [...]}` object (or `message`/`error`/`description`), or the
    words of an HTML or plain-text page; [] when there are no words at all."""
    pairs = error_pairs(body)
    if pairs:
        return pairs
    if isinstance(body, dict):
        code = str(body.get("code") or body.get("status") or "")
        for key in ("detail", "details", "description", "message", "error", "errors"):
            value = body.get(key)
            words = (
                [str(v) for v in value if v is not None]
                if isinstance(value, list)
                else [str(value)]
                if value is not None and not isinstance(value, dict)
                else []
            )
            if words:
                return [(code, w) for w in words]
    plain = " ".join(html.unescape(re.sub(r"<[^>]*>", " ", text)).split())[:300]
    return [("", plain)] if plain else []


def parse_request(r: dict[str, Any]) -> ServiceRequest:
    """One service request from a JSON object or its XML equivalent."""
    return ServiceRequest(
        service_request_id=_req_str(r, "service_request_id"),
        status=_str(r.get("status")),
        status_notes=_str(r.get("status_notes")),
        service_name=_str(r.get("service_name")),
        service_code=_str(r.get("service_code")),
        description=_str(r.get("description")),
        agency_responsible=_str(r.get("agency_responsible")),
        service_notice=_str(r.get("service_notice")),
        requested_datetime=_dt(r.get("requested_datetime")),
        updated_datetime=_dt(r.get("updated_datetime")),
        expected_datetime=_dt(r.get("expected_datetime")),
        address=_str(r.get("address")),
        address_id=_str(r.get("address_id")),
        zipcode=_str(r.get("zipcode")),
        lat=_float(r.get("lat")),
        long=_float(r.get("long")),
        media_url=_str(r.get("media_url")),
        attributes=_attributes(r.get("attributes")),
    )


def _attributes(v: Any) -> tuple[tuple[str, str], ...]:
    """Echoed attributes: `{"code": "value"}`, or a list of `{code, value}` objects."""
    if isinstance(v, dict):
        return tuple((str(k), str(x)) for k, x in v.items() if not isinstance(x, dict | list))
    if isinstance(v, list):
        return tuple(
            (str(a.get("code")), str(a.get("value")))
            for a in v
            if isinstance(a, dict) and a.get("code") is not None
        )
    return ()


# -- tolerant readers: JSON gives numbers and booleans, XML gives strings; nonsense raises ----


def _nonsense(what: str) -> BackendUnavailable:
    return BackendUnavailable(f"Open311 answer makes no sense: {what}")


def _list(v: Any) -> list[Any]:
    if v is None:
        return []
    if isinstance(v, dict) and len(v) == 1:  # XML with an unknown container, or JSON wrapper
        (inner,) = v.values()
        return _list(inner) if isinstance(inner, list) else [inner]
    if not isinstance(v, list):
        raise _nonsense(f"expected a list, got {type(v).__name__}")
    return v


def _dict(v: Any) -> dict[str, Any]:
    if not isinstance(v, dict):
        raise _nonsense(f"expected an object, got {type(v).__name__}")
    return v


def _str(v: Any) -> str | None:
    if v is None or isinstance(v, dict | list):
        return None
    text = str(v).strip()
    return text or None


def _req_str(d: dict[str, Any], key: str) -> str:
    v = _str(d.get(key))
    if v is None:
        raise _nonsense(f"missing {key}")
    return v


def _bool(v: Any, default: bool = False) -> bool:
    if v is None:
        return default
    if isinstance(v, bool):
        return v
    return str(v).strip().lower() in ("true", "1", "yes")


def _int(v: Any) -> int | None:
    try:
        return int(str(v)) if v is not None else None
    except ValueError:
        return None


def _float(v: Any) -> float | None:
    try:
        return float(str(v)) if v not in (None, "") else None
    except ValueError:
        return None


def _dt(v: Any) -> dt.datetime | None:
    text = _str(v)
    if text is None:
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _keywords(v: Any) -> tuple[str, ...]:
    if isinstance(v, list):
        return tuple(str(k).strip() for k in v if k)
    text = _str(v) or ""
    return tuple(k.strip() for k in text.split(",") if k.strip())
