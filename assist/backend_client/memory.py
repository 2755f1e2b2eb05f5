"""`InMemoryCouncilServices`: a small, faithful fake of `CouncilServices` for engine tests."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

from assist.backend_client.protocol import (
    REPORT_SERVICES,
    Address,
    BackendUnavailable,
    Collection,
    NotFound,
    OutsideArea,
    ReportReceipt,
    ReportRequest,
    ReportStatus,
    ServiceInfo,
)

_ADDRESSES = [
    Address("cam-1", "12 Mill Road, Cambridge", "CB1 2AD", "cambridge", 52.2005, 0.1340),
    Address("cam-2", "14 Mill Road, Cambridge", "CB1 2AD", "cambridge", 52.2004, 0.1342),
    Address("ely-1", "3 Fore Hill, Ely", "CB7 4AA", "east-cambs", 52.3985, 0.2636),
]


def _norm(postcode: str) -> str:
    return "".join(postcode.upper().split())


@dataclass
class InMemoryCouncilServices:
    """Holds addresses, reports and information in memory; can be told to be `down`."""

    addresses: list[Address] = field(default_factory=lambda: list(_ADDRESSES))
    reports: dict[str, tuple[ReportRequest, ReportStatus]] = field(default_factory=dict)
    today: dt.date = field(default_factory=dt.date.today)
    down: bool = False
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1001))

    def _check(self) -> None:
        if self.down:
            raise BackendUnavailable("in-memory council is down")

    async def find_addresses(self, postcode: str) -> list[Address]:
        self._check()
        found = [a for a in self.addresses if _norm(a.postcode) == _norm(postcode)]
        if not found:
            if not _norm(postcode).startswith(("CB", "PE")):
                raise OutsideArea(postcode)
            raise NotFound(postcode)
        return found

    async def bin_collections(self, address_id: str) -> list[Collection]:
        self._check()
        if not any(a.id == address_id for a in self.addresses):
            raise NotFound(address_id)
        days = (3 - self.today.weekday()) % 7 or 7
        first = self.today + dt.timedelta(days=days)
        return [Collection("black", first), Collection("blue", first + dt.timedelta(days=7))]

    async def create_report(self, report: ReportRequest) -> ReportReceipt:
        self._check()
        for ref, (req, _status) in self.reports.items():
            if req.assist_ref == report.assist_ref:
                return ReportReceipt(ref, body=REPORT_SERVICES[report.service])
        ref = str(next(self._ids))
        self.reports[ref] = (report, ReportStatus(ref, "open", report.service))
        return ReportReceipt(ref, body=REPORT_SERVICES[report.service])

    async def report_status(self, reference: str) -> ReportStatus:
        self._check()
        ref = reference.strip().casefold()
        for council_ref, (req, status) in self.reports.items():
            if ref in (council_ref.casefold(), req.assist_ref.casefold()):
                return status
        raise NotFound(reference)

    async def service_info(self, topic: str) -> ServiceInfo:
        self._check()
        return ServiceInfo(
            topic,
            topic.replace("_", " "),
            "",
            phone="0345 045 5200",
            hours=("Mon-Fri 08:00-18:00",),
        )
