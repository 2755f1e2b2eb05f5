"""The embedded default: the council mounted at /council in a bigger app, found via public_url."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from assist.backend_client import reports
from assist.backend_client.protocol import ReportRequest
from assist.backend_client.routing import RoutedCouncilServices
from assist.council.app import create_council_app
from assist.settings import Settings
from assist.store import SQLiteStore
from assist.store.core import enqueue_outbox
from tests.backend_client.conftest import API_KEY, FAST
from tests.council.live import LiveServer

pytestmark = [pytest.mark.both_stores, pytest.mark.usefixtures("database_env")]


def main_app(tmp_path: Path) -> FastAPI:
    """An app shaped like `assist serve`: the council mounted at /council."""
    app = FastAPI()
    app.mount("/council", create_council_app(tmp_path / "council.db", API_KEY))
    return app


@pytest.fixture
def mounted(tmp_path: Path) -> Iterator[LiveServer]:
    with LiveServer(main_app(tmp_path)) as live:
        yield live


def embedded_settings(tmp_path: Path, public_url: str) -> Settings:
    return Settings(
        _env_file=None,
        data_dir=tmp_path,
        public_url=public_url,  # type: ignore[call-arg]
        council_api_key=API_KEY,
    )


async def test_mounted_council_serves_open311_under_council(mounted: LiveServer) -> None:
    """Discovery at /council/open311/v2/discovery.json gives the mounted URL."""
    async with httpx.AsyncClient(base_url=mounted.url) as http:
        d = (await http.get("/council/open311/v2/discovery.json")).json()
        assert d["endpoints"][0]["url"] == f"{mounted.url}/council/open311/v2"
        assert (
            await http.get("/council/waste/addresses", params={"postcode": "CB7 4AA"})
        ).status_code == 200
        assert (await http.get("/council/info/opening_hours")).status_code == 200


async def test_no_urls_set_uses_the_embedded_council(
    tmp_path: Path, mounted: LiveServer, store: SQLiteStore
) -> None:
    """With only public_url set, addresses, reports and status all go to /council/..."""
    svc = RoutedCouncilServices.from_settings(
        embedded_settings(tmp_path, mounted.url), store, retry=FAST
    )
    try:
        (ely,) = await svc.find_addresses("CB7 4AA")
        receipt = await svc.create_report(
            ReportRequest(
                "missed_bin",
                "Green bin missed",
                "AS-EMB1",
                address=ely,
                attributes={"bin": "green"},
            )
        )
        listed = httpx.get(
            f"{mounted.url}/council/open311/v2/requests.json",
            params={"jurisdiction_id": "cambridge"},
        ).json()
        assert [r["service_request_id"] for r in listed] == [receipt.council_ref]
        assert listed[0]["address_id"] == ely.id  # embedded: address ids are shared
    finally:
        await svc.aclose()


async def test_in_process_transport_needs_no_running_server(
    tmp_path: Path, store: SQLiteStore
) -> None:
    """For `assist chat`, the same clients can reach the council in-process (ASGI transport),
    and the report lands in the council's own file."""
    transport = httpx.ASGITransport(app=main_app(tmp_path))
    settings = embedded_settings(tmp_path, "http://127.0.0.1:8000")
    svc = RoutedCouncilServices.from_settings(settings, store, transport=transport)
    try:
        receipt = await svc.create_report(
            ReportRequest("report_pothole", "Pothole", "AS-INPROC", lat=52.2, long=0.12)
        )
        assert receipt.council_ref and receipt.body == "county"
        assert (await svc.report_status(receipt.council_ref)).status == "open"
    finally:
        await svc.aclose()
    app = create_council_app(tmp_path / "council.db", API_KEY)  # the same file, reopened
    with LiveServer(app) as live:
        listed = httpx.get(
            f"{live.url}/open311/v2/requests.json", params={"jurisdiction_id": "cambridgeshire"}
        ).json()
    assert [r["service_request_id"] for r in listed] == [receipt.council_ref]


async def test_status_of_a_report_still_in_the_outbox(
    services: RoutedCouncilServices, store: SQLiteStore
) -> None:
    """An Assist reference the engine has only queued reads as received, being passed on."""
    report = ReportRequest("report_streetlight", "Light flickering", "AS-Q1", lat=52.2, long=0.12)
    async with store.transaction() as tx:
        await enqueue_outbox(
            tx,
            kind="report",
            key="AS-Q1",
            payload={**reports.report_to_payload(report), "channel": "web"},
        )
    status = await services.report_status("as-q1")
    assert (status.status, status.assist_ref, status.council_ref) == ("received", "AS-Q1", None)
    assert status.service_name == "Street light fault"
