"""The `CouncilServices` contract and its value types; errors are drawn in the tree below.

BackendError                 anything that went wrong talking to a council system
├── BackendUnavailable       down, timed out, 5xx, or answered nonsense: try again later
├── NotFound                 no such postcode / address / report
├── OutsideArea              a real place, but not one these councils serve
└── InvalidRequest           the council refused the request (Open311 4xx with reasons)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol

# Services from SERVICES.md that create a problem report, and the body that runs each.
REPORT_SERVICES: dict[str, str] = {
    "missed_bin": "district",
    "report_pothole": "county",
    "report_flytipping": "district",
    "report_streetlight": "county",
}


class BackendError(Exception):
    """Something went wrong talking to a council system."""


class BackendUnavailable(BackendError):
    """The system is down, slow, failing or answered nonsense; the request may be retried.

    `status` is the HTTP status when the server answered 5xx (None for timeouts etc.);
    `unanswered` is True when the request may have reached the server but no answer came
    (a timeout or a dropped connection), so it may still be at work on it."""

    def __init__(
        self, message: str = "", status: int | None = None, *, unanswered: bool = False
    ) -> None:
        super().__init__(message)
        self.status = status
        self.unanswered = unanswered


class NotFound(BackendError):
    """The postcode, address or report does not exist."""


class OutsideArea(BackendError):
    """The place exists but is not served by these councils."""


class InvalidRequest(BackendError):
    """The council refused the request; `errors` holds its (code, description) pairs and
    `status` the HTTP status of the refusal, when there was one."""

    def __init__(
        self, message: str, errors: list[tuple[str, str]] | None = None, status: int | None = None
    ) -> None:
        super().__init__(message)
        self.errors = errors or []
        self.status = status


@dataclass(frozen=True)
class Address:
    """A property the councils serve."""

    id: str
    line: str
    """One line, as said to the citizen: "12 Mill Road, Cambridge"."""
    postcode: str
    district: str
    """District council id, e.g. `cambridge`, `south-cambs`, `fenland`."""
    lat: float | None = None
    long: float | None = None


@dataclass(frozen=True)
class Collection:
    """One upcoming bin collection."""

    bin: str
    """`black` (rubbish), `blue` (recycling) or `green` (garden and food)."""
    date: dt.date
    moved_from: dt.date | None = None
    """Set when a bank holiday moved it from its usual day."""


@dataclass(frozen=True)
class ReportRequest:
    """A problem report to file with the body that runs the service."""

    service: str
    """An intent from `REPORT_SERVICES` (e.g. `report_pothole`)."""
    description: str
    assist_ref: str
    """Assist's own reference, given to the citizen at once; also the idempotency key."""
    address: Address | None = None
    location_text: str | None = None
    """Where, in the citizen's words, when there is no address."""
    lat: float | None = None
    long: float | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    phone: str | None = None
    first_name: str | None = None
    last_name: str | None = None


@dataclass(frozen=True)
class ReportReceipt:
    """What the council answered to a new report."""

    council_ref: str | None
    """The council's service_request_id, or None while only a token is known."""
    token: str | None = None
    body: str = ""
    """`county` or `district`."""


@dataclass(frozen=True)
class ReportStatus:
    """A report as the council sees it now."""

    reference: str
    status: str
    """`open` or `closed` (Open311), possibly refined by `status_notes`."""
    service_name: str = ""
    status_notes: str | None = None
    updated: dt.datetime | None = None
    address: str | None = None
    council_ref: str | None = None
    """The council's service_request_id, once known (added: optional, defaults to None)."""
    assist_ref: str | None = None
    """Assist's own reference, when the report was made through Assist (added, optional)."""


@dataclass(frozen=True)
class ServiceInfo:
    """Facts about a council service for the citizen: who to ring, when, what it costs."""

    topic: str
    title: str
    summary: str
    phone: str | None = None
    hours: tuple[str, ...] = ()
    call_cost: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class CouncilServices(Protocol):
    """Everything Assist asks of the councils; each method may raise a `BackendError`."""

    async def find_addresses(self, postcode: str) -> list[Address]:
        """Addresses at a postcode; raises NotFound or OutsideArea."""
        ...

    async def bin_collections(self, address_id: str) -> list[Collection]:
        """Upcoming collections for an address, soonest first; raises NotFound."""
        ...

    async def create_report(self, report: ReportRequest) -> ReportReceipt:
        """File a problem report with the right body; idempotent on `report.assist_ref`."""
        ...

    async def report_status(self, reference: str) -> ReportStatus:
        """A report's status by council or Assist reference; raises NotFound."""
        ...

    async def service_info(self, topic: str) -> ServiceInfo:
        """Information about a topic (an intent name such as `council_tax`); raises NotFound."""
        ...
