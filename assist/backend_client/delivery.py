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
5. Before any new POST after an ambiguous attempt, the search must come up empty *after* the
   server has had time to save the earlier one: the request timeout plus
   `ASSIST_OPEN311_SAVE_WAIT_S` since that POST (`services.settle_s`). Until then the row
   waits; a slow server that saves after answering late still gets one report.
6. Rows are claimed with a lease (`assist.outbox`), so two workers never run this at once.

Refusals are sorted by what cures them (`refusals.py`): a configuration fix -> the report is
*held* (outbox status `held`, reports status `held`) until settings change or the scheduled
retry; time -> retried; the report itself -> `rejected` with a staff alert holding the
citizen's words. Server errors in a row past `services.alert_after` raise a staff alert too,
and the report keeps being retried. The citizen is never told a report is closed, and never
sees a server's words, until the council has accepted it.
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
from assist.backend_client.refusals import Cure, cure_for, reasons
from assist.backend_client.routing import RoutedCouncilServices
from assist.outbox import Handler, Held, PermanentFailure, RetryLater, RetryPolicy
from assist.store.base import Row, Store

log = logging.getLogger(__name__)

TOKEN_WAIT_S = 30.0


REPORT_RETRY = RetryPolicy(max_attempts=None, max_backoff_s=1800.0)
"""Reports are retried through a council outage of days, at most half an hour apart (staff
are alerted after `ASSIST_REPORT_ALERT_AFTER` server errors); before issue 20 they stopped
after 12 attempts, some 18-37 minutes, and waited for a restart."""


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
            last = rec["last_attempt_at"]
        if rec["token"]:
            return await _resolve(services, store, report, body, str(rec["token"]), clock)
        if ambiguous:
            done = await _look_for_earlier(services, store, report, body, first, clock)
            if done is not None:
                return done
            if last is not None and now < float(last) + services.settle_s:
                wait = float(last) + services.settle_s - now
                raise RetryLater(
                    f"not found yet; the council may still be saving the POST of "
                    f"{now - float(last):.0f}s ago, so no new POST for {wait:.0f}s",
                    wait,
                )
        async with store.transaction() as tx:
            await reports.mark_attempt(tx, report.assist_ref, now)
        return await _send(services, store, report, body, clock)

    return handle


async def _look_for_earlier(
    services: RoutedCouncilServices,
    store: Store,
    report: ReportRequest,
    body: str,
    first_attempt_at: float,
    clock: Callable[[], float],
) -> dict[str, Any] | None:
    """After an ambiguous attempt: the result if the council has the report, else None;
    raises RetryLater when the search itself fails (never POST blind)."""
    try:
        found = await services.find_existing(
            report, since=dt.datetime.fromtimestamp(first_attempt_at, dt.UTC)
        )
    except BackendUnavailable as exc:
        await _server_error(services, store, report, f"search failed: {exc}", clock)
        raise RetryLater(f"cannot check for an earlier POST: {exc}") from None
    if found is None:
        return None
    async with store.transaction() as tx:
        await reports.mark_delivered(
            tx, report.assist_ref, council_ref=found.service_request_id, token=None, now=clock()
        )
    log.info("report %s found at %s as %s", report.assist_ref, body, found.service_request_id)
    return _result(report, found.service_request_id, body)


async def _send(
    services: RoutedCouncilServices,
    store: Store,
    report: ReportRequest,
    body: str,
    clock: Callable[[], float],
) -> dict[str, Any]:
    try:
        receipt = await services.create_report(report, check_existing=False)
    except (InvalidRequest, NotFound) as exc:
        await _refused(store, report, exc, clock)
        raise AssertionError("unreachable") from None  # _refused always raises
    except BackendUnavailable as exc:
        if not exc.unanswered:  # answered (5xx) or never sent: no save to wait for
            async with store.transaction() as tx:
                await reports.clear_wait(tx, report.assist_ref)
        await _server_error(services, store, report, str(exc), clock)
        raise RetryLater(str(exc)) from None
    async with store.transaction() as tx:
        await reports.mark_delivered(
            tx, report.assist_ref, council_ref=receipt.council_ref, token=receipt.token, now=clock()
        )
    if receipt.council_ref is None:
        raise RetryLater("council gave a token; waiting for its reference", TOKEN_WAIT_S)
    log.info("report %s delivered to %s as %s", report.assist_ref, body, receipt.council_ref)
    return _result(report, receipt.council_ref, body)


async def _refused(
    store: Store, report: ReportRequest, exc: InvalidRequest | NotFound, clock: Callable[[], float]
) -> None:
    """Record a definite refusal by what cures it; always raises the outbox outcome."""
    cure, why, now = cure_for(exc), reasons(exc), clock()
    async with store.transaction() as tx:
        await reports.mark_refused_cleanly(tx, report.assist_ref, now)
        if cure is Cure.CONFIGURATION:
            await reports.mark_held(tx, report.assist_ref, why, now)
        elif cure is Cure.REPORT:
            await reports.mark_rejected(tx, report.assist_ref, why, now)
        else:
            await reports.mark_failed(tx, report.assist_ref, why, now, final=False)
    if cure is Cure.CONFIGURATION:
        log.error(
            "report %s held: the council refused it for a reason a settings change cures "
            "(api key, jurisdiction or service code): %s",
            report.assist_ref,
            why,
        )
        raise Held(f"held for a configuration fix: {why}")
    if cure is Cure.REPORT:
        log.error("report %s refused by the council; staff alerted: %s", report.assist_ref, why)
        raise PermanentFailure(f"council refused the report: {why}")
    raise RetryLater(f"council refused for now: {why}")


async def _server_error(
    services: RoutedCouncilServices,
    store: Store,
    report: ReportRequest,
    error: str,
    clock: Callable[[], float],
) -> None:
    async with store.transaction() as tx:
        alerted = await reports.note_server_error(
            tx, report.assist_ref, error, clock(), alert_after=services.alert_after
        )
    if alerted:
        log.error(
            "report %s: the council's server keeps failing; staff alerted: %s",
            report.assist_ref,
            error,
        )


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


def _result(report: ReportRequest, council_ref: str, body: str) -> dict[str, Any]:
    return {"assist_ref": report.assist_ref.upper(), "council_ref": council_ref, "body": body}
