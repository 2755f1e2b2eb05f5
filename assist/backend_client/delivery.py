"""The outbox handler for kind `report`: delivers each report once, and only once.

Why a retry cannot create a second council report
--------------------------------------------------
GeoReport v2's `POST requests` is not idempotent, and a POST that times out may still have
created the request. So:

1. Assist's reference travels with the report: always in the description (as
   `[Assist reference AS-...]`, kept even when a long text is shortened) and, when the service
   definition offers it, as `attribute[assist_ref]`. The reference council refuses a second
   request with the same `assist_ref` and answers with the first one's id.
2. Before each POST the attempt is counted and committed (`reports.post_attempts`), so after a
   timeout, a 5xx or a crash mid-request the next attempt knows a request may exist.
3. After such an ambiguous attempt, the next one first searches `GET requests` for that
   service, from the first attempt's time (less a margin), for the reference; if found, that
   id is the council's reference and nothing is POSTed. If the search itself fails, we wait
   and try again later: we never POST blind after an ambiguous failure. (A server that
   refuses searches outright is logged and POSTed to: losing a report is worse.)
4. A server that answers with a token instead of an id: the token is stored and exchanged for
   the id on later attempts; the report is not POSTed again.
4xx answers other than 401/403/408/429 are final: the report is marked `rejected` with the
council's reasons, for staff to see.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any

from assist.backend_client import reports
from assist.backend_client.protocol import (
    BackendUnavailable,
    InvalidRequest,
    NotFound,
    ReportRequest,
)
from assist.backend_client.routing import RoutedCouncilServices
from assist.outbox import Handler, PermanentFailure, RetryLater
from assist.store.base import Row, Store

log = logging.getLogger(__name__)

RETRYABLE_CODES = {"401", "403", "408", "429"}
"""Refusals that a configuration fix or some patience can cure, so the report is kept."""
TOKEN_WAIT_S = 30.0


def make_report_handler(
    services: RoutedCouncilServices, store: Store, clock: Callable[[], float] = time.time
) -> Handler:
    """The handler to register as `handlers["report"]` on the OutboxWorker."""

    async def handle(row: Row, payload: dict[str, Any]) -> dict[str, Any] | None:
        try:
            report = reports.report_from_payload(payload)
            body = services.route(report.service).body
        except (ValueError, InvalidRequest) as exc:
            raise PermanentFailure(f"undeliverable report payload: {exc}") from None
        now = clock()
        async with store.transaction() as tx:
            rec = await reports.get_report(tx, report.assist_ref)
            if rec is None:  # queued without `enqueue_report`: record it now
                await reports.record_report(
                    tx,
                    report,
                    session_id=row.get("session_id") or payload.get("session_id"),
                    channel=payload.get("channel"),
                    citizen_number=row.get("recipient") or report.phone,
                    now=now,
                    body=body,
                )
                rec = await reports.get_report(tx, report.assist_ref)
            assert rec is not None
            if rec["council_ref"]:
                return _result(report, rec["council_ref"], body)
            if rec["status"] == "rejected":
                raise PermanentFailure(f"rejected by the council: {rec['status_notes']}")
            ambiguous = int(rec["post_attempts"]) > 0
            first = rec["first_attempt_at"] or now
            if not rec["token"]:
                await reports.mark_attempt(tx, report.assist_ref, now)
        if rec["token"]:
            return await _resolve(services, store, report, body, str(rec["token"]), clock)
        return await _send(services, store, report, body, ambiguous, first, clock)

    return handle


async def _send(
    services: RoutedCouncilServices,
    store: Store,
    report: ReportRequest,
    body: str,
    ambiguous: bool,
    first_attempt_at: float,
    clock: Callable[[], float],
) -> dict[str, Any]:
    try:
        receipt = await services.create_report(
            report,
            check_existing=ambiguous,
            since=dt.datetime.fromtimestamp(first_attempt_at, dt.UTC),
        )
    except InvalidRequest as exc:
        codes = {code for code, _ in exc.errors}
        final = not codes & RETRYABLE_CODES
        reasons = "; ".join(d for _, d in exc.errors) or str(exc)
        await _failed(store, report, reasons, clock, final=final)
        if final:
            raise PermanentFailure(f"council refused the report: {reasons}") from None
        raise RetryLater(f"council refused for now: {reasons}") from None
    except (BackendUnavailable, NotFound) as exc:
        await _failed(store, report, str(exc), clock, final=False)
        raise RetryLater(str(exc)) from None
    async with store.transaction() as tx:
        await reports.mark_delivered(
            tx, report.assist_ref, council_ref=receipt.council_ref, token=receipt.token, now=clock()
        )
    if receipt.council_ref is None:
        raise RetryLater("council gave a token; waiting for its reference", TOKEN_WAIT_S)
    log.info("report %s delivered to %s as %s", report.assist_ref, body, receipt.council_ref)
    return _result(report, receipt.council_ref, body)


async def _resolve(
    services: RoutedCouncilServices,
    store: Store,
    report: ReportRequest,
    body: str,
    token: str,
    clock: Callable[[], float],
) -> dict[str, Any]:
    council_ref = await services.resolve_token(body, token)
    if council_ref is None:
        raise RetryLater(f"token {token} has no reference yet", TOKEN_WAIT_S)
    async with store.transaction() as tx:
        await reports.mark_delivered(
            tx, report.assist_ref, council_ref=council_ref, token=None, now=clock()
        )
    return _result(report, council_ref, body)


async def _failed(
    store: Store, report: ReportRequest, error: str, clock: Callable[[], float], *, final: bool
) -> None:
    async with store.transaction() as tx:
        await reports.mark_failed(tx, report.assist_ref, error, clock(), final=final)


def _result(report: ReportRequest, council_ref: str, body: str) -> dict[str, Any]:
    return {"assist_ref": report.assist_ref.upper(), "council_ref": council_ref, "body": body}
