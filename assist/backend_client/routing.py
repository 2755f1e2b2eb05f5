"""`RoutedCouncilServices`: the `CouncilServices` Assist uses, routing each service to its body.

Cambridgeshire is two-tier (SERVICES.md): reports go to the county or the district Open311
endpoint per a routing table; bin days and addresses come from the waste adapter; service
information from the information adapter. Endpoints come from Settings, or from explicit
URLs, so county and district may be different servers (mySociety open311-adapter style).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import replace

import httpx

from assist.backend_client import reports
from assist.backend_client.config import DEFAULT_ROUTES, ServiceRoute, routes_from_settings
from assist.backend_client.http import RetryPolicy
from assist.backend_client.info import InfoClient
from assist.backend_client.lookups import LOOKUP_TTL_S, TtlCache
from assist.backend_client.open311 import Open311Client
from assist.backend_client.open311_types import ServiceDefinition, ServiceRequest
from assist.backend_client.places import coordinates
from assist.backend_client.protocol import (
    Address,
    BackendError,
    BackendUnavailable,
    Collection,
    InvalidRequest,
    NotFound,
    ReportReceipt,
    ReportRequest,
    ReportStatus,
    ServiceInfo,
)
from assist.backend_client.report_form import REF_ATTRIBUTE, reference_marker, report_form
from assist.backend_client.waste import WasteClient
from assist.settings import Settings
from assist.store.base import Store

log = logging.getLogger(__name__)


SEARCH_MARGIN = dt.timedelta(hours=1)
"""Widening of the search window for an earlier POST (clock differences, slow servers)."""


RECEIVED = "received"
"""The status of a report Assist holds that the council has not accepted yet (prompt
`status.received`: "received, and on its way to the council", in each language)."""


def carries_reference(r: ServiceRequest, assist_ref: str) -> bool:
    """True when a council request carries this Assist reference, in its description (the
    marker, or the bare reference) or in an echoed `assist_ref` attribute."""
    ref = assist_ref.upper()
    text = (r.description or "").upper()
    if reference_marker(ref).upper() in text or re.search(
        rf"(?<![A-Z0-9-]){re.escape(ref)}(?![A-Z0-9])", text
    ):
        return True
    return any(code == REF_ATTRIBUTE and value.upper() == ref for code, value in r.attributes)


class RoutedCouncilServices:
    """Implements `CouncilServices` over Open311 (per body), a waste adapter and an info adapter.

    `store` (optional) lets `report_status` accept Assist references via the `reports` table.
    """

    def __init__(
        self,
        *,
        bodies: Mapping[str, Open311Client],
        waste: WasteClient,
        info: InfoClient,
        routes: Mapping[str, ServiceRoute] = DEFAULT_ROUTES,
        store: Store | None = None,
        send_address_id: bool = True,
        clock: Callable[[], float] = time.time,
        settle_s: float = 35.0,
        alert_after: int = 6,
        lookup_ttl_s: float = LOOKUP_TTL_S,
    ) -> None:
        missing = {r.body for r in routes.values()} - set(bodies)
        if missing:
            raise ValueError(f"routes name bodies with no endpoint: {sorted(missing)}")
        self.bodies = dict(bodies)
        self.waste = waste
        self.info = info
        self.routes = dict(routes)
        self.store = store
        self.send_address_id = send_address_id
        self.clock = clock
        self.settle_s = settle_s
        """After an unanswered POST, how long before a new one may be sent (the timeout
        plus the server's own saving time)."""
        self.alert_after = alert_after
        """Server errors in a row on one report before staff are alerted."""
        self._definitions: dict[tuple[str, str], ServiceDefinition | None] = {}
        self.addresses: TtlCache[list[Address]] = TtlCache(lookup_ttl_s)
        """Addresses per postcode, reused for `lookup_ttl_s` (successes only)."""
        self.collections: TtlCache[list[Collection]] = TtlCache(lookup_ttl_s)
        """Bin days per address id, reused for `lookup_ttl_s` (successes only)."""

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        store: Store | None = None,
        *,
        county_url: str | None = None,
        district_url: str | None = None,
        waste_url: str | None = None,
        info_url: str | None = None,
        routes: Mapping[str, ServiceRoute] | None = None,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        send_address_id: bool | None = None,
        embedded_transport: httpx.AsyncBaseTransport | None = None,
    ) -> RoutedCouncilServices:
        """Build from Settings; explicit URLs win, then settings, then the embedded council
        at `{public_url}/council/...` (reached through `embedded_transport` when given, so a
        partly configured process does not depend on `assist serve`). Routes default to
        `routes_from_settings`. Address ids (from the waste API) are sent to Open311 only
        when `send_address_id`, by default only when both are the embedded council's."""
        embedded = settings.public_url.rstrip("/") + "/council"
        shared = settings.council_open311_url or f"{embedded}/open311/v2"
        waste_base = waste_url or settings.waste_api_url or f"{embedded}/waste"
        key = settings.council_api_key.get_secret_value()
        timeout = settings.backend_timeout_s

        def via(url: str) -> httpx.AsyncBaseTransport | None:
            if embedded_transport is not None and url.startswith(embedded + "/"):
                return embedded_transport
            return transport

        def open311(url: str, jurisdiction: str) -> Open311Client:
            return Open311Client(
                url,
                jurisdiction_id=jurisdiction,
                api_key=key,
                format=settings.open311_format,
                timeout_s=timeout,
                retry=retry,
                transport=via(url),
            )

        bodies = {
            "county": open311(
                county_url or settings.county_open311_url or shared, settings.county_jurisdiction
            ),
            "district": open311(
                district_url or settings.district_open311_url or shared,
                settings.district_jurisdiction,
            ),
        }
        info_base = info_url or settings.info_url or f"{embedded}/info"
        return cls(
            bodies=bodies,
            waste=WasteClient(
                waste_base, timeout_s=timeout, retry=retry, transport=via(waste_base)
            ),
            info=InfoClient(info_base, timeout_s=timeout, retry=retry, transport=via(info_base)),
            routes=routes if routes is not None else routes_from_settings(settings),
            store=store,
            send_address_id=send_address_id
            if send_address_id is not None
            else (waste_base == f"{embedded}/waste" and shared == f"{embedded}/open311/v2"),
            settle_s=timeout + settings.open311_save_wait_s,
            alert_after=settings.report_alert_after,
        )

    async def aclose(self) -> None:
        """Close every client's connection pool."""
        for client in self.bodies.values():
            await client.aclose()
        await self.waste.aclose()
        await self.info.aclose()

    async def health(self) -> str:
        """`ok` when every body's Open311 `services` answers (many servers have no
        discovery), else `down: <bodies>`; held reports are named after `ok`."""
        down = []
        for body, client in self.bodies.items():
            try:
                await client.services()
            except BackendError:
                down.append(body)
        if down:
            return f"down: {', '.join(down)}"
        held = await self.held_count()
        return f"ok; {held} reports held for a configuration fix" if held else "ok"

    async def held_count(self) -> int:
        """How many reports wait for a configuration fix (0 without a store)."""
        if self.store is None:
            return 0
        async with self.store.transaction() as tx:
            return (await reports.figures(tx))["held"]

    async def check_configuration(self) -> list[str]:
        """Problems with the routes against each server's `services`, in words that say what
        to change; [] when every service code is offered. A server that cannot be asked is
        named as such (it is not a configuration problem yet)."""
        problems: list[str] = []
        for body, client in self.bodies.items():
            wanted = {s: r for s, r in self.routes.items() if r.body == body}
            if not wanted:
                continue
            try:
                offered = {s.service_code for s in await client.services()}
            except InvalidRequest as exc:
                problems.append(
                    f"{body} Open311 server {client.base_url} refused `services` "
                    f"(jurisdiction_id {client.jurisdiction_id!r}): {exc}"
                )
                continue
            except BackendError as exc:
                problems.append(f"{body} Open311 server {client.base_url} did not answer: {exc}")
                continue
            for service, route in sorted(wanted.items()):
                if route.service_code not in offered:
                    problems.append(
                        f"ASSIST_SERVICE_CODES: {service}={route.service_code} is not offered "
                        f"by the {body} server {client.base_url} (it offers: "
                        f"{', '.join(sorted(offered)) or 'nothing'})"
                    )
        return problems

    # -- CouncilServices ----------------------------------------------------------------------

    async def find_addresses(self, postcode: str) -> list[Address]:
        """Addresses at a postcode (an answer at most `lookup_ttl_s` old); raises NotFound or
        OutsideArea."""
        found = await self.addresses.get(postcode, lambda: self.waste.find_addresses(postcode))
        return list(found)

    async def bin_collections(self, address_id: str) -> list[Collection]:
        """Upcoming collections for an address, soonest first (an answer at most
        `lookup_ttl_s` old); raises NotFound."""
        found = await self.collections.get(address_id, lambda: self.waste.collections(address_id))
        return list(found)

    async def service_info(self, topic: str) -> ServiceInfo:
        """Information about a topic; raises NotFound."""
        return await self.info.info(topic)

    def route(self, service: str) -> ServiceRoute:
        """The route of a report service; raises InvalidRequest if there is none."""
        try:
            return self.routes[service]
        except KeyError:
            raise InvalidRequest(
                f"no route for service {service!r}", [("400", f"unknown service {service}")]
            ) from None

    async def create_report(
        self,
        report: ReportRequest,
        *,
        check_existing: bool = True,
        since: dt.datetime | None = None,
    ) -> ReportReceipt:
        """File a report with the body that runs the service; idempotent on `assist_ref`.

        With `check_existing` (the default) the body's recent requests are searched for the
        reference first (from `since`, default one day ago), so a repeat call does not
        create a second report. A receipt may carry only a token when the server defers ids.
        """
        route = self.route(report.service)
        client = self.bodies[route.body]
        if check_existing:
            found = await self.find_existing(report, since)
            if found is not None:
                return ReportReceipt(found.service_request_id, body=route.body)
        form = report_form(
            report, await self._definition(route), send_address_id=self.send_address_id
        )
        if form.lat is None and report.address is None and report.location_text:
            point = await coordinates(report.location_text, self.waste.find_addresses)
            if point is not None:
                form = replace(form, lat=point[0], long=point[1])
        created = await client.create_request(
            route.service_code,
            lat=form.lat,
            long=form.long,
            address_string=form.address_string,
            address_id=form.address_id,
            attributes=form.attributes,
            description=form.description,
            phone=report.phone,
            first_name=report.first_name,
            last_name=report.last_name,
        )
        council_ref = created.service_request_id
        if council_ref is None and created.token is not None:
            council_ref = await self.resolve_token(route.body, created.token)
        return ReportReceipt(council_ref, token=created.token, body=route.body)

    async def resolve_token(self, body: str, token: str) -> str | None:
        """The service_request_id a token became, or None while it has none (or on faults)."""
        try:
            return await self.bodies[body].token(token)
        except (BackendUnavailable, NotFound) as exc:
            log.info("token %s not resolved yet: %s", token, exc)
            return None

    async def find_existing(
        self, report: ReportRequest, since: dt.datetime | None = None
    ) -> ServiceRequest | None:
        """A request already filed for this Assist reference, or None.

        Raises BackendUnavailable when the search itself fails (the caller must not POST
        blind). A server that refuses searches (4xx) is logged and treated as "none found".
        """
        route = self.route(report.service)
        now = dt.datetime.fromtimestamp(self.clock(), dt.UTC)
        start = (since or now - dt.timedelta(days=1)) - SEARCH_MARGIN
        end = max(now, since or now) + SEARCH_MARGIN
        try:
            found = await self.bodies[route.body].all_requests(
                service_code=route.service_code, start_date=start, end_date=end
            )
        except (InvalidRequest, NotFound) as exc:
            log.warning(
                "cannot search %s for %s (%s); sending anyway", route.body, report.assist_ref, exc
            )
            return None
        return next((r for r in found if carries_reference(r, report.assist_ref)), None)

    async def report_status(self, reference: str) -> ReportStatus:
        """A report's status by council reference, or by Assist reference when a store is
        given; raises NotFound, or BackendUnavailable when the council cannot be asked."""
        ref = reference.strip()
        row = None
        if self.store is not None:
            async with self.store.transaction() as tx:
                row = await reports.get_report(tx, ref) or await reports.find_by_council_ref(
                    tx, ref
                )
                if row is None:  # queued by the engine, not yet picked up by the outbox worker
                    row = await reports.queued_report(tx, ref)
        if row is not None:
            return await self._status_of_row(row)
        return await self._status_from_council(ref, list(self.bodies))

    async def _status_of_row(self, row: dict[str, object]) -> ReportStatus:
        assist_ref, council_ref = str(row["assist_ref"]), row["council_ref"]
        route = self.routes.get(str(row["service"]))
        name = route.service_name if route else str(row["service"])
        if council_ref is None:
            # Not accepted by the council (yet): never "closed", never the server's words.
            # The citizen hears it is received and on its way; staff see why in the console.
            return ReportStatus(assist_ref, RECEIVED, name, assist_ref=assist_ref)
        status = await self._status_from_council(str(council_ref), [str(row["body"])])
        if self.store is not None:
            async with self.store.transaction() as tx:
                await reports.update_status(
                    tx, assist_ref, status.status, status.status_notes, self.clock()
                )
        return ReportStatus(
            assist_ref,
            status.status,
            status.service_name or name,
            status.status_notes,
            status.updated,
            status.address,
            council_ref=status.council_ref,
            assist_ref=assist_ref,
        )

    async def _status_from_council(self, council_ref: str, bodies: list[str]) -> ReportStatus:
        unavailable: BackendUnavailable | None = None
        for body in bodies:
            try:
                r = await self.bodies[body].request(council_ref)
            except NotFound:
                continue
            except InvalidRequest:  # e.g. a non-numeric id refused by the server
                continue
            except BackendUnavailable as exc:
                unavailable = exc
                continue
            return ReportStatus(
                r.service_request_id,
                (r.status or "open").lower(),
                r.service_name or "",
                r.status_notes,
                r.updated_datetime or r.requested_datetime,
                r.address,
                council_ref=r.service_request_id,
            )
        if unavailable is not None:
            raise unavailable
        raise NotFound(f"no report {council_ref!r}")

    async def _definition(self, route: ServiceRoute) -> ServiceDefinition | None:
        """The service definition (cached); None when the server has none for it."""
        key = (route.body, route.service_code)
        if key not in self._definitions:
            try:
                found: ServiceDefinition | None = await self.bodies[route.body].service_definition(
                    route.service_code
                )
            except (NotFound, InvalidRequest):
                found = None
            self._definitions[key] = found
        return self._definitions[key]
