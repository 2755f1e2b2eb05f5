"""Against a second, unlike Open311 server (`assist.backend_client.testing`): each report once.

Issue 14's fault tests: wrong key/jurisdiction/code -> held -> fixed -> delivered once; slow
saves -> once; two workers (and two processes) -> once; typed places; XML `<requests>` lists.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from assist.backend_client import reports, xml
from assist.backend_client.delivery import make_report_handler
from assist.backend_client.open311 import Open311Client
from assist.backend_client.protocol import Address, ReportRequest
from assist.backend_client.report_form import reference_marker
from assist.backend_client.routing import RoutedCouncilServices
from assist.backend_client.testing import CODES_SETTING, ThirdParty, create_third_party_app
from assist.outbox import OutboxWorker
from assist.settings import Settings
from assist.store import Store
from assist.store.core import MIGRATIONS as CORE
from tests.backend_client.conftest import FAST, TIMEOUT_S
from tests.conftest import store_at
from tests.council.live import LiveServer

pytestmark = [pytest.mark.both_stores, pytest.mark.usefixtures("database_env")]


CITY_KEY = "city-key"
REPO = Path(__file__).resolve().parents[2]
MILL_ROAD = Address("cam-0001", "12 Mill Road, Cambridge", "CB1 2AD", "cambridge", 52.2005, 0.1340)


def missed(ref: str) -> ReportRequest:
    return ReportRequest(
        "missed_bin", "Black bin missed again", ref, address=MILL_ROAD, attributes={"bin": "black"}
    )


@pytest.fixture
def city() -> Iterator[tuple[ThirdParty, LiveServer]]:
    """A fresh third-party server on a real uvicorn."""
    tp = ThirdParty(api_key=CITY_KEY)
    with LiveServer(create_third_party_app(tp)) as live:
        yield tp, live


def city_env(tmp_path: Path, city_url: str, council_url: str, **kw: Any) -> dict[str, str]:
    """ASSIST_* settings for the city's Open311 server (waste and info from the reference)."""
    env = {
        "data_dir": str(tmp_path / "assist"),
        "council_open311_url": city_url,
        "waste_api_url": f"{council_url}/waste",
        "info_url": f"{council_url}/info",
        "council_api_key": CITY_KEY,
        "county_jurisdiction": "city",
        "district_jurisdiction": "city",
        "service_codes": CODES_SETTING,
        "backend_timeout_s": str(TIMEOUT_S),
        "open311_save_wait_s": "0",
        "rasa_url": "",
    }
    env.update({k: str(v) for k, v in kw.items()})
    return {f"ASSIST_{k.upper()}": v for k, v in env.items()}


def settings_of(env: dict[str, str]) -> Settings:
    values: dict[str, Any] = {k.removeprefix("ASSIST_").lower(): v for k, v in env.items()}
    return Settings(_env_file=None, **values)


@dataclass
class Side:
    """One Assist process's parts: its own store connection, services and worker."""

    store: Store
    services: RoutedCouncilServices
    worker: OutboxWorker

    async def close(self) -> None:
        await self.services.aclose()
        await self.store.close()

    async def report(self, ref: str) -> dict[str, Any]:
        async with self.store.transaction() as tx:
            row = await reports.get_report(tx, ref)
        assert row is not None
        return row

    async def outbox_status(self) -> list[str]:
        async with self.store.transaction() as tx:
            return [r["status"] for r in await tx.fetchall("SELECT status FROM outbox")]


async def open_side(settings: Settings) -> Side:
    store = store_at(settings.db_path)
    await store.open([*CORE, *reports.MIGRATIONS])
    services = RoutedCouncilServices.from_settings(settings, store, retry=FAST)
    worker = OutboxWorker(
        store, {"report": make_report_handler(services, store)}, base_backoff_s=0.1
    )
    return Side(store, services, worker)


async def drain(
    sides: list[Side], done: Callable[[], bool] | None = None, limit_s: float = 25
) -> None:
    """Run every side's worker, concurrently, until nothing is pending (or `done()`)."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        await asyncio.gather(*(s.worker.run_once() for s in sides))
        statuses = await sides[0].outbox_status()
        if (done is not None and done()) or "pending" not in statuses:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("outbox did not drain")


def saved_refs(tp: ThirdParty) -> list[str]:
    return [
        ref
        for r in tp.saved
        for ref in [r["description"].rsplit("[Assist reference ", 1)[-1].rstrip("]")]
    ]


@pytest.mark.parametrize(
    ("wrong", "refusal"),
    [
        ({"council_api_key": "not-the-key"}, "Invalid API key"),
        ({"district_jurisdiction": "town"}, "Invalid jurisdiction_id"),
        (
            {"service_codes": CODES_SETTING.replace("WS-01", "WS-MISSED")},
            "Invalid service_code",
        ),
    ],
)
async def test_a_wrong_setting_holds_the_report_until_fixed_then_it_goes_once(
    tmp_path: Path,
    city: tuple[ThirdParty, LiveServer],
    server: LiveServer,
    wrong: dict[str, str],
    refusal: str,
) -> None:
    """A 400 `{"code": 400, "detail": [...]}` about the key, jurisdiction or code holds the
    report (not rejected, no staff alert, the citizen hears "received"); after the setting is
    fixed and Assist starts again it is delivered exactly once, with an alphanumeric id that
    status look-ups accept."""
    tp, live = city
    env = city_env(tmp_path, live.url, server.url)
    broken = await open_side(
        settings_of({**env, **city_env(tmp_path, live.url, server.url, **wrong)})
    )
    try:
        async with broken.store.transaction() as tx:
            await reports.enqueue_report(tx, missed("AS-HELD1"), now=time.time())
        await broken.worker.run_once()
        assert await broken.outbox_status() == ["held"]
        rec = await broken.report("AS-HELD1")
        assert (rec["status"], rec["staff_alert"]) == ("held", None)
        assert refusal in rec["last_error"]
        assert await broken.services.held_count() == 1
        status = await broken.services.report_status("AS-HELD1")
        assert (status.status, status.status_notes) == ("received", None)
        await broken.worker.run_once()  # held rows wait for the fix: nothing is sent
        assert tp.posts == 1 and tp.saved == []
    finally:
        await broken.close()

    fixed = await open_side(settings_of(env))  # settings changed; Assist starts again
    try:
        async with fixed.store.transaction() as tx:
            assert await reports.requeue_undelivered(tx) == 1  # what start-up does
        await drain([fixed])
        assert saved_refs(tp) == ["AS-HELD1"]
        council_ref = (await fixed.report("AS-HELD1"))["council_ref"]
        assert council_ref == tp.saved[0]["service_request_id"] and not council_ref.isdigit()
        by_council = await fixed.services.report_status(council_ref)
        assert (by_council.status, by_council.assist_ref) == ("open", "AS-HELD1")
        assert await fixed.services.held_count() == 0
    finally:
        await fixed.close()


async def test_slow_saves_give_one_report(
    tmp_path: Path, city: tuple[ThirdParty, LiveServer], server: LiveServer
) -> None:
    """The server saves 2.5 s after a POST the client gave up on after 1 s: the next attempt
    searches, finds nothing yet, and waits out timeout + save wait instead of posting again;
    the report is found and delivered once."""
    tp, live = city
    tp.save_delay_s = 2.5
    side = await open_side(
        settings_of(city_env(tmp_path, live.url, server.url, open311_save_wait_s=2.0))
    )
    try:
        async with side.store.transaction() as tx:
            await reports.enqueue_report(tx, missed("AS-SLOW1"), now=time.time())
        await drain([side])
        assert tp.posts == 1 and saved_refs(tp) == ["AS-SLOW1"]
        rec = await side.report("AS-SLOW1")
        assert rec["council_ref"] == tp.saved[0]["service_request_id"]
        assert rec["post_attempts"] == 1
    finally:
        await side.close()


async def test_two_workers_on_one_database_deliver_each_report_once(
    tmp_path: Path, city: tuple[ThirdParty, LiveServer], server: LiveServer
) -> None:
    """Two workers with their own connections to one SQLite file (as `assist chat` beside
    `assist serve`) against a slow server: every report is delivered exactly once."""
    tp, live = city
    tp.save_delay_s = 0.3
    settings = settings_of(city_env(tmp_path, live.url, server.url))
    a, b = await open_side(settings), await open_side(settings)
    refs = [f"AS-TWO{i}" for i in range(6)]
    try:
        async with a.store.transaction() as tx:
            for ref in refs:
                await reports.enqueue_report(tx, missed(ref), now=time.time())
        await drain([a, b])
        assert sorted(saved_refs(tp)) == refs and tp.posts == len(refs)
    finally:
        await a.close()
        await b.close()


WORKER = """
import asyncio, sys, time
from assist.backend_client import reports
from assist.backend_client.delivery import make_report_handler
from assist.backend_client.routing import RoutedCouncilServices
from assist.outbox import OutboxWorker
from assist.settings import Settings
from assist.store.core import MIGRATIONS as CORE

async def main():
    settings = Settings(_env_file=None)
    store = settings.store()
    await store.open([*CORE, *reports.MIGRATIONS])
    services = RoutedCouncilServices.from_settings(settings, store)
    handler = make_report_handler(services, store)
    worker = OutboxWorker(store, {"report": handler}, base_backoff_s=0.1)
    deadline, idle = time.monotonic() + 30, 0
    while time.monotonic() < deadline and idle < 5:
        await worker.run_once(limit=2)
        async with store.transaction() as tx:
            left = await tx.fetchone("SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending'")
        idle = idle + 1 if left["n"] == 0 else 0
        await asyncio.sleep(0.05)
    await services.aclose()
    await store.close()

asyncio.run(main())
"""


@pytest.mark.slow
async def test_two_processes_on_one_store_deliver_each_report_once(
    tmp_path: Path, city: tuple[ThirdParty, LiveServer], server: LiveServer
) -> None:
    """Two `python -c` worker processes on the same store (one SQLite file, or one PostgreSQL
    database), a slow server: once each."""
    tp, live = city
    tp.save_delay_s = 0.2
    env = city_env(tmp_path, live.url, server.url)
    side = await open_side(settings_of(env))
    refs = [f"AS-PROC{i}" for i in range(8)]
    try:
        async with side.store.transaction() as tx:
            for ref in refs:
                await reports.enqueue_report(tx, missed(ref), now=time.time())
    finally:
        await side.close()
    child_env = {**os.environ, **env}
    procs = [
        await asyncio.create_subprocess_exec(sys.executable, "-c", WORKER, cwd=REPO, env=child_env)
        for _ in range(2)
    ]
    codes = await asyncio.gather(*(p.wait() for p in procs))
    assert codes == [0, 0]
    assert sorted(saved_refs(tp)) == refs and tp.posts == len(refs)


async def test_a_typed_place_travels_in_the_description_with_coordinates(
    tmp_path: Path, city: tuple[ThirdParty, LiveServer], server: LiveServer
) -> None:
    """The server ignores address_string: a typed place with a postcode is sent with the
    coordinates the address data gives, and the words are in the description too."""
    tp, live = city
    side = await open_side(settings_of(city_env(tmp_path, live.url, server.url)))
    typed = "outside 12 Mill Road, cb1 2ad"
    try:
        async with side.store.transaction() as tx:
            await reports.enqueue_report(
                tx,
                ReportRequest("report_pothole", "Deep pothole", "AS-PLACE1", location_text=typed),
                now=time.time(),
            )
        await drain([side])
        (saved,) = tp.saved
        assert f"where: {typed}" in saved["description"]
        assert saved["lat"] == pytest.approx(52.2, abs=0.1)
        assert saved["long"] == pytest.approx(0.13, abs=0.1)
    finally:
        await side.close()


async def test_a_place_with_no_coordinates_alerts_staff_after_repeated_500s(
    tmp_path: Path, city: tuple[ThirdParty, LiveServer], server: LiveServer
) -> None:
    """A typed place with no postcode: the server answers HTML 500 each time; after
    ASSIST_REPORT_ALERT_AFTER in a row staff get an alert with the citizen's words, the
    report keeps being tried, and the citizen hears "received"."""
    tp, live = city
    side = await open_side(
        settings_of(city_env(tmp_path, live.url, server.url, report_alert_after=2))
    )
    try:
        async with side.store.transaction() as tx:
            await reports.enqueue_report(
                tx,
                ReportRequest(
                    "report_flytipping",
                    "Mattresses dumped",
                    "AS-NOWHERE",
                    location_text="by the old church",
                ),
                now=time.time(),
            )
        rec: dict[str, Any] = {}

        def alerted() -> bool:
            return bool(rec.get("staff_alert"))

        for _ in range(40):
            await side.worker.run_once()
            rec = await side.report("AS-NOWHERE")
            if alerted():
                break
            await asyncio.sleep(0.15)
        assert rec["staff_alert"] and "Mattresses dumped" in rec["staff_alert"]
        assert rec["status"] == "pending" and await side.outbox_status() == ["pending"]
        assert tp.saved == []
        status = await side.services.report_status("AS-NOWHERE")
        assert (status.status, status.status_notes) == ("received", None)
        async with side.store.transaction() as tx:
            figures = await reports.figures(tx)
            (listed,) = await reports.needing_attention(tx)
        assert figures["needs_staff"] == 1 and listed["assist_ref"] == "AS-NOWHERE"
    finally:
        await side.close()


async def test_xml_lists_under_a_requests_root_keep_every_item(
    city: tuple[ThirdParty, LiveServer],
) -> None:
    """`<requests>` with several `<request>`s (over pages) and with one: every item is read."""
    tp, live = city
    client = Open311Client(
        live.url, jurisdiction_id="city", api_key=CITY_KEY, format="xml", retry=FAST
    )
    try:
        for i in range(7):
            await client.create_request("FT-01", lat=52.2, long=0.13, description=f"tip {i}")
        first = await client.requests(service_code="FT-01")
        assert len(first) == tp.page_size
        every = await client.all_requests(service_code="FT-01")
        assert sorted(r.description or "" for r in every) == [f"tip {i}" for i in range(7)]
        one = await client.request(tp.saved[0]["service_request_id"])
        assert one.description == "tip 0"
    finally:
        await client.aclose()
    two = "<requests><request><a>1</a></request><request><a>2</a></request></requests>"
    assert xml.parse(two) == [{"a": "1"}, {"a": "2"}]
    assert xml.parse("<requests><request><a>1</a></request></requests>") == [{"a": "1"}]


async def test_health_and_configuration_check_against_a_server_without_discovery(
    tmp_path: Path, city: tuple[ThirdParty, LiveServer], server: LiveServer
) -> None:
    """No discovery is not "down": health asks `services`; the start-up check names a service
    code the server does not offer, and what it does offer."""
    _, live = city
    good = await open_side(settings_of(city_env(tmp_path, live.url, server.url)))
    try:
        assert await good.services.health() == "ok"
        assert await good.services.check_configuration() == []
    finally:
        await good.close()
    codes = CODES_SETTING.replace("RD-01", "HW-POT")
    bad = await open_side(
        settings_of(city_env(tmp_path, live.url, server.url, service_codes=codes))
    )
    try:
        (problem,) = await bad.services.check_configuration()
        assert "report_pothole=HW-POT" in problem and "RD-01" in problem
    finally:
        await bad.close()


def test_reference_marker_is_what_the_fake_keeps() -> None:
    """The helper above reads references the way delivery writes them."""
    assert reference_marker("as-x1") == "[Assist reference AS-X1]"
