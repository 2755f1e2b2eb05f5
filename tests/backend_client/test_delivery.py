"""The `report` outbox handler: nothing lost, nothing duplicated, across faults and restarts."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from assist.backend_client import reports
from assist.backend_client.delivery import make_report_handler
from assist.backend_client.protocol import Address, ReportRequest
from assist.backend_client.routing import RoutedCouncilServices
from assist.council.app import create_council_app
from assist.outbox import OutboxWorker
from assist.store import Store
from assist.store.core import MIGRATIONS as CORE
from assist.store.core import enqueue_outbox
from tests.backend_client.conftest import API_KEY, FAST, TIMEOUT_S, client_settings
from tests.backend_client.faults import FaultyApp
from tests.conftest import store_at
from tests.council.live import LiveServer

pytestmark = [pytest.mark.both_stores, pytest.mark.usefixtures("database_env")]


MILL_ROAD = Address("cam-0001", "12 Mill Road, Cambridge", "CB1 2AD", "cambridge", 52.2005, 0.1340)


@dataclass
class Clock:
    """A worker clock the test moves on, so a backed-off row is due again at once."""

    t: float = 1_800_000_000.0

    def __call__(self) -> float:
        return self.t

    def later(self) -> None:
        self.t += 3600


@dataclass
class Assist:
    """Assist's side: its store, the council services and an outbox worker with the handler."""

    store: Store
    services: RoutedCouncilServices
    worker: OutboxWorker
    clock: Clock

    async def queue(self, report: ReportRequest, **kw: Any) -> None:
        async with self.store.transaction() as tx:
            await reports.enqueue_report(tx, report, now=self.clock(), **kw)

    async def run(self) -> None:
        self.clock.later()
        await self.worker.run_once()

    async def outbox(self, key: str) -> dict[str, Any]:
        async with self.store.transaction() as tx:
            row = await tx.fetchone("SELECT * FROM outbox WHERE key = ?", (key,))
        assert row is not None
        return row

    async def report(self, ref: str) -> dict[str, Any]:
        async with self.store.transaction() as tx:
            row = await reports.get_report(tx, ref)
        assert row is not None
        return row

    async def close(self) -> None:
        await self.services.aclose()
        await self.store.close()


async def open_assist(tmp_path: Path, council_url: str, clock: Clock | None = None) -> Assist:
    """Open Assist's store file (again) and build services + worker, as at start-up."""
    store = store_at(tmp_path / "assist" / "assist.db")
    await store.open([*CORE, *reports.MIGRATIONS])
    services = RoutedCouncilServices.from_settings(
        client_settings(tmp_path, council_url), store, retry=FAST, send_address_id=True
    )
    clock = clock or Clock()
    worker = OutboxWorker(store, {"report": make_report_handler(services, store)}, clock=clock)
    return Assist(store, services, worker, clock)


@pytest.fixture
async def assist(tmp_path: Path, server: LiveServer) -> AsyncIterator[Assist]:
    a = await open_assist(tmp_path, server.url)
    yield a
    await a.close()


def council_requests(url: str) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = []
    for j in ("cambridgeshire", "cambridge"):
        got += httpx.get(f"{url}/open311/v2/requests.json", params={"jurisdiction_id": j}).json()
    return got


def posts(faulty: FaultyApp) -> int:
    return sum(1 for m, _ in faulty.seen if m == "POST")


MISSED = ReportRequest(
    "missed_bin",
    "Black bin missed again",
    "AS-7K2M9Q",
    address=MILL_ROAD,
    attributes={"bin": "black"},
    phone="+447700900123",
)


async def test_a_report_is_delivered_and_its_council_reference_recorded(
    assist: Assist, server: LiveServer
) -> None:
    """A queued report reaches the district; the outbox row is done with the council ref."""
    await assist.queue(MISSED, session_id="sess-1", channel="sms", citizen_number="+447700900123")
    await assist.run()
    row = await assist.outbox("AS-7K2M9Q")
    (council,) = council_requests(server.url)
    assert row["status"] == "done"
    assert json.loads(row["result"]) == {
        "assist_ref": "AS-7K2M9Q",
        "body": "district",
        "council_ref": council["service_request_id"],
    }
    rec = await assist.report("AS-7K2M9Q")
    assert (rec["council_ref"], rec["status"]) == (council["service_request_id"], "open")
    assert (rec["session_id"], rec["channel"], rec["citizen_number"]) == (
        "sess-1",
        "sms",
        "+447700900123",
    )
    await assist.run()  # nothing more to do
    assert len(council_requests(server.url)) == 1


async def test_queueing_the_same_report_twice_keeps_one(assist: Assist, server: LiveServer) -> None:
    """A retried turn that queues the same Assist reference again adds nothing."""
    await assist.queue(MISSED)
    await assist.queue(MISSED)
    async with assist.store.transaction() as tx:
        n = await tx.fetchone("SELECT COUNT(*) AS n FROM outbox")
    assert n is not None and n["n"] == 1


async def test_delivered_after_the_council_comes_back_across_an_assist_restart(
    tmp_path: Path, faulty: FaultyApp
) -> None:
    """Council down: the report waits in the outbox; Assist restarts (new store object on the
    same file); the council returns on the same port; exactly one council report appears."""
    live = LiveServer(faulty)
    url = live.url  # not started yet: the council is down
    first = await open_assist(tmp_path, url)
    await first.queue(MISSED)
    await first.run()
    await first.run()
    row = await first.outbox("AS-7K2M9Q")
    assert row["status"] == "pending" and row["attempts"] == 2
    assert "Connect" in row["last_error"]
    assert (await first.report("AS-7K2M9Q"))["status"] == "pending"
    await first.close()

    with live:
        second = await open_assist(tmp_path, url, Clock(first.clock.t))
        try:
            status = await second.services.report_status("AS-7K2M9Q")
            assert status.council_ref is None  # known to Assist, not yet to the council
            await second.run()
            assert (await second.outbox("AS-7K2M9Q"))["status"] == "done"
            (council,) = council_requests(url)
            assert (await second.report("AS-7K2M9Q"))["council_ref"] == council[
                "service_request_id"
            ]
            assert "AS-7K2M9Q" in council["description"]
        finally:
            await second.close()


async def test_timeout_after_the_council_saved_it_does_not_duplicate(
    assist: Assist, server: LiveServer, faulty: FaultyApp
) -> None:
    """The POST succeeds but the answer is lost to a timeout; the retry finds it by searching
    for the Assist reference and POSTs nothing: exactly one council report."""
    faulty.set("hang_after_commit", method="POST", delay_s=TIMEOUT_S * 3, times=1)
    await assist.queue(MISSED)
    await assist.run()
    row = await assist.outbox("AS-7K2M9Q")
    assert row["status"] == "pending" and "Timeout" in row["last_error"]
    assert len(council_requests(server.url)) == 1  # it did land
    await assist.run()
    (council,) = council_requests(server.url)
    assert (await assist.outbox("AS-7K2M9Q"))["status"] == "done"
    assert (await assist.report("AS-7K2M9Q"))["council_ref"] == council["service_request_id"]
    assert posts(faulty) == 1  # found by the search, not re-POSTed


async def test_search_failure_after_an_ambiguous_post_waits_instead_of_posting_blind(
    assist: Assist, server: LiveServer, faulty: FaultyApp
) -> None:
    """If the check for an earlier POST fails too, nothing is POSTed until it can be checked."""
    faulty.set("hang_after_commit", method="POST", delay_s=TIMEOUT_S * 3, times=1)
    await assist.queue(MISSED)
    await assist.run()
    faulty.set("500")  # now everything fails, including GET requests
    await assist.run()
    assert posts(faulty) == 1
    faulty.clear()
    await assist.run()
    assert len(council_requests(server.url)) == 1
    assert posts(faulty) == 1
    assert (await assist.outbox("AS-7K2M9Q"))["status"] == "done"


async def test_a_500_before_saving_is_retried_into_exactly_one_report(
    assist: Assist, server: LiveServer, faulty: FaultyApp
) -> None:
    """A POST answered 500 (nothing saved) is searched for, not found, and sent once more."""
    faulty.set("500", method="POST", times=1)
    await assist.queue(MISSED)
    await assist.run()
    assert council_requests(server.url) == []
    await assist.run()
    assert len(council_requests(server.url)) == 1 and posts(faulty) == 2


async def test_a_refused_report_fails_for_good_and_staff_get_the_citizens_words(
    assist: Assist, server: LiveServer
) -> None:
    """A report the council refuses for itself (no bin given) is not retried; staff get an
    alert with the citizen's words; the citizen hears "received", never "closed" or the
    server's text."""
    await assist.queue(ReportRequest("missed_bin", "Missed", "AS-NOBIN", address=MILL_ROAD))
    await assist.run()
    row = await assist.outbox("AS-NOBIN")
    assert row["status"] == "failed" and "attribute[bin]" in row["last_error"]
    rec = await assist.report("AS-NOBIN")
    assert rec["status"] == "rejected"
    assert "attribute[bin]" in rec["staff_alert"] and "Missed" in rec["staff_alert"]
    status = await assist.services.report_status("AS-NOBIN")
    assert (status.status, status.status_notes) == ("received", None)
    assert council_requests(server.url) == []


async def test_a_wrong_api_key_is_held_for_a_fix_not_rejected(
    tmp_path: Path, server: LiveServer
) -> None:
    """403 (a configuration problem) holds the report for a retry after the fix."""
    app = create_council_app(tmp_path / "other.db", "another-key")
    with LiveServer(app) as other:
        a = await open_assist(tmp_path, other.url)
        try:
            await a.queue(MISSED)
            await a.run()
            assert (await a.outbox("AS-7K2M9Q"))["status"] == "held"
            rec = await a.report("AS-7K2M9Q")
            assert rec["status"] == "held" and rec["staff_alert"] is None
            async with a.store.transaction() as tx:
                assert (await reports.figures(tx))["held"] == 1
        finally:
            await a.close()


async def test_token_answers_are_resolved_to_the_council_reference(tmp_path: Path) -> None:
    """Against a server that answers with tokens, the report still gets the council's id."""
    app = create_council_app(tmp_path / "deferred.db", API_KEY, defer_ids=True)
    with LiveServer(app) as live:
        a = await open_assist(tmp_path, live.url)
        try:
            await a.queue(MISSED)
            await a.run()
            rec = await a.report("AS-7K2M9Q")
            (council,) = council_requests(live.url)
            assert rec["token"] and rec["council_ref"] == council["service_request_id"]
        finally:
            await a.close()


async def test_engine_shaped_payloads_are_delivered(assist: Assist, server: LiveServer) -> None:
    """A payload queued straight into the outbox with extra keys (channel, session_id, an
    address dict with more fields) is delivered and recorded."""
    payload = {
        **reports.report_to_payload(MISSED),
        "session_id": "sess-9",
        "channel": "voice",
        "language": "pl",
        "address": {**MILL_ROAD.__dict__, "uprn": "100090"},
    }
    async with assist.store.transaction() as tx:
        await enqueue_outbox(
            tx, kind="report", key="AS-7K2M9Q", payload=payload, now=assist.clock()
        )
    await assist.run()
    rec = await assist.report("AS-7K2M9Q")
    assert rec["council_ref"] and (rec["session_id"], rec["channel"]) == ("sess-9", "voice")
    assert rec["citizen_number"] == "+447700900123"


async def test_unreadable_payload_fails_without_crashing(assist: Assist) -> None:
    """A payload that is not a report fails that row only."""
    async with assist.store.transaction() as tx:
        await enqueue_outbox(
            tx, kind="report", key="AS-BAD", payload={"hello": 1}, now=assist.clock()
        )
    await assist.run()
    assert (await assist.outbox("AS-BAD"))["status"] == "failed"


async def test_given_up_reports_can_be_requeued(tmp_path: Path) -> None:
    """After the outbox's last attempt, requeue_undelivered gives pending reports a new start."""
    from tests.council.live import free_port

    a = await open_assist(tmp_path, f"http://127.0.0.1:{free_port()}")
    a.worker.max_attempts = 2
    try:
        await a.queue(MISSED)
        await a.run()
        await a.run()
        assert (await a.outbox("AS-7K2M9Q"))["status"] == "failed"
        async with a.store.transaction() as tx:
            assert await reports.requeue_undelivered(tx, a.clock()) == 1
        row = await a.outbox("AS-7K2M9Q")
        assert (row["status"], row["attempts"]) == ("pending", 0)
    finally:
        await a.close()


def test_payload_round_trip() -> None:
    """report_to_payload and report_from_payload are inverses, through JSON."""
    assert (
        reports.report_from_payload(json.loads(json.dumps(reports.report_to_payload(MISSED))))
        == MISSED
    )
    with pytest.raises(ValueError):
        reports.report_from_payload({"service": "missed_bin"})
