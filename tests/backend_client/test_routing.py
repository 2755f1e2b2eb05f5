"""RoutedCouncilServices over real HTTP: addresses, bins, info, reports routed per body, status."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pytest

from assist.backend_client import reports
from assist.backend_client.protocol import (
    Address,
    InvalidRequest,
    NotFound,
    OutsideArea,
    ReportRequest,
)
from assist.backend_client.report_form import MAX_DESCRIPTION, reference_marker
from assist.backend_client.routing import RoutedCouncilServices
from assist.council.app import create_council_app
from assist.store import SQLiteStore
from tests.backend_client.conftest import API_KEY, FAST, client_settings
from tests.backend_client.faults import FaultyApp
from tests.council.live import LiveServer

pytestmark = [pytest.mark.both_stores, pytest.mark.usefixtures("database_env")]


MILL_ROAD = Address("cam-0001", "12 Mill Road, Cambridge", "CB1 2AD", "cambridge", 52.2005, 0.1340)


def council_requests(url: str, jurisdiction: str) -> list[dict[str, object]]:
    got = httpx.get(f"{url}/open311/v2/requests.json", params={"jurisdiction_id": jurisdiction})
    result: list[dict[str, object]] = got.json()
    return result


async def test_addresses_bins_and_info(services: RoutedCouncilServices) -> None:
    """Addresses by postcode, bins soonest first, and service information come through."""
    found = await services.find_addresses("cb1 2ad")
    assert [a.id for a in found] == ["cam-0001", "cam-0002", "cam-0003"]
    assert found[0] == MILL_ROAD
    bins = await services.bin_collections("cam-0001")
    assert bins == sorted(bins, key=lambda c: c.date) and {c.bin for c in bins} >= {"black"}
    assert bins[0].date >= dt.date(2026, 12, 14)
    info = await services.service_info("opening_hours")
    assert info.phone and info.hours and info.call_cost
    assert info.extra["closed_on"][0]["title"] == "Christmas Day"


@pytest.mark.parametrize(
    ("postcode", "error"),
    [("SW1A 1AA", OutsideArea), ("CB1 9ZZ", NotFound), ("not a postcode", NotFound)],
)
async def test_postcode_problems_are_typed(
    services: RoutedCouncilServices, postcode: str, error: type[Exception]
) -> None:
    """Outside Cambridgeshire is OutsideArea; unknown or malformed is NotFound."""
    with pytest.raises(error):
        await services.find_addresses(postcode)


async def test_unknown_address_and_topic_are_not_found(services: RoutedCouncilServices) -> None:
    """Unknown address ids and topics raise NotFound."""
    with pytest.raises(NotFound):
        await services.bin_collections("nowhere")
    with pytest.raises(NotFound):
        await services.service_info("parking")


async def test_reports_go_to_the_body_that_runs_the_service(
    services: RoutedCouncilServices, server: LiveServer
) -> None:
    """Potholes go to the county's jurisdiction, missed bins to the district's."""
    pothole = await services.create_report(
        ReportRequest(
            "report_pothole", "Deep pothole by the bus stop", "AS-POT1", lat=52.2, long=0.12
        )
    )
    missed = await services.create_report(
        ReportRequest(
            "missed_bin",
            "Missed black bin",
            "AS-BIN1",
            address=MILL_ROAD,
            attributes={"bin": "black"},
        )
    )
    assert (pothole.body, missed.body) == ("county", "district")
    county = council_requests(server.url, "cambridgeshire")
    district = council_requests(server.url, "cambridge")
    assert [r["service_request_id"] for r in county] == [pothole.council_ref]
    assert [r["service_request_id"] for r in district] == [missed.council_ref]
    assert district[0]["address_id"] == "cam-0001" and district[0]["zipcode"] == "CB1 2AD"
    assert reference_marker("AS-BIN1") in str(district[0]["description"])


async def test_county_and_district_can_be_different_servers(
    tmp_path: Path, store: SQLiteStore
) -> None:
    """With separate county and district URLs each report reaches its own server."""
    county_app = create_council_app(tmp_path / "county.db", API_KEY)
    district_app = create_council_app(tmp_path / "district.db", API_KEY)
    with LiveServer(county_app) as county, LiveServer(district_app) as district:
        svc = RoutedCouncilServices.from_settings(
            client_settings(tmp_path, district.url),
            store,
            retry=FAST,
            county_url=f"{county.url}/open311/v2",
            district_url=f"{district.url}/open311/v2",
        )
        try:
            await svc.create_report(
                ReportRequest(
                    "report_streetlight",
                    "Light out",
                    "AS-SL1",
                    lat=52.21,
                    long=0.11,
                    attributes={"fault": "out"},
                )
            )
            await svc.create_report(
                ReportRequest(
                    "report_flytipping", "Sofa", "AS-FT1", location_text="Behind the Co-op, Histon"
                )
            )
        finally:
            await svc.aclose()
        assert len(council_requests(county.url, "cambridgeshire")) == 1
        assert council_requests(county.url, "cambridge") == []
        assert len(council_requests(district.url, "cambridge")) == 1
        assert council_requests(district.url, "cambridgeshire") == []


async def test_create_report_twice_makes_one_council_request(
    services: RoutedCouncilServices, server: LiveServer, faulty: FaultyApp
) -> None:
    """create_report is idempotent on the Assist reference: the second call finds the first."""
    report = ReportRequest("report_flytipping", "Bags of rubbish", "AS-TWICE", lat=52.2, long=0.13)
    first = await services.create_report(report)
    second = await services.create_report(report)
    assert first.council_ref == second.council_ref
    assert sum(1 for m, _ in faulty.seen if m == "POST") == 1
    assert len(council_requests(server.url, "cambridge")) == 1


async def test_a_10000_character_description_is_shortened_keeping_the_reference(
    services: RoutedCouncilServices, server: LiveServer
) -> None:
    """A 10,000-character description is cut to 4000 at a word, marked, reference kept."""
    words = ("The bin was not emptied again and the street smells terrible. " * 200)[:10_000]
    receipt = await services.create_report(
        ReportRequest(
            "missed_bin", words, "AS-LONG1", address=MILL_ROAD, attributes={"bin": "blue"}
        )
    )
    (stored,) = council_requests(server.url, "cambridge")
    text = str(stored["description"])
    assert receipt.council_ref == stored["service_request_id"]
    assert len(text) <= MAX_DESCRIPTION
    assert text.endswith(reference_marker("AS-LONG1"))
    kept = text.split(" … [shortened")[0]
    assert words.startswith(kept) and words[len(kept)] == " "  # cut between words
    assert len(kept) > MAX_DESCRIPTION - 300


async def test_attributes_the_council_does_not_define_go_into_the_description(
    services: RoutedCouncilServices, server: LiveServer
) -> None:
    """Details the service has no attribute for are kept as text, not dropped or refused."""
    await services.create_report(
        ReportRequest(
            "report_pothole",
            "Pothole",
            "AS-ATTR1",
            lat=52.2,
            long=0.12,
            attributes={"size": "large", "depth_cm": "12"},
        )
    )
    (stored,) = council_requests(server.url, "cambridgeshire")
    assert "depth cm: 12" in str(stored["description"])


async def test_refused_report_raises_invalid_request(services: RoutedCouncilServices) -> None:
    """A missed bin without the required bin attribute is refused with the council's reason."""
    with pytest.raises(InvalidRequest) as e:
        await services.create_report(
            ReportRequest("missed_bin", "Missed", "AS-NOBIN", address=MILL_ROAD)
        )
    assert "attribute[bin]" in e.value.errors[0][1]
    with pytest.raises(InvalidRequest):
        await services.create_report(ReportRequest("parking", "x", "AS-X"))


async def test_status_by_council_and_assist_reference(
    services: RoutedCouncilServices, server: LiveServer, store: SQLiteStore
) -> None:
    """Status reads by council reference, and by Assist reference through the reports table."""
    report = ReportRequest("report_pothole", "Pothole", "AS-STAT1", lat=52.2, long=0.12)
    async with store.transaction() as tx:
        await reports.enqueue_report(
            tx, report, session_id="s1", channel="sms", citizen_number="+447700900123"
        )
    pending = await services.report_status("as-stat1")
    # Not with the council yet: "received" (on its way), never a server's words (issue 14).
    assert (pending.status, pending.council_ref, pending.status_notes) == ("received", None, None)
    receipt = await services.create_report(report)
    assert receipt.council_ref is not None
    async with store.transaction() as tx:
        await reports.mark_delivered(
            tx, "AS-STAT1", council_ref=receipt.council_ref, token=None, now=0
        )
    httpx.post(
        f"{server.url}/staff/requests/{receipt.council_ref}",
        data={"api_key": API_KEY, "status": "closed", "status_notes": "Repaired"},
    )
    by_ref = await services.report_status("AS-STAT1")
    assert (by_ref.status, by_ref.status_notes) == ("closed", "Repaired")
    assert (by_ref.assist_ref, by_ref.council_ref) == ("AS-STAT1", receipt.council_ref)
    by_council = await services.report_status(receipt.council_ref)
    assert by_council.status == "closed" and by_council.service_name == "Pothole or damaged road"
    async with store.transaction() as tx:
        row = await reports.get_report(tx, "AS-STAT1")
    assert row is not None and row["status"] == "closed"  # cached for the notifier
    with pytest.raises(NotFound):
        await services.report_status("AS-NOPE")
    with pytest.raises(NotFound):
        await services.report_status("424242")


def test_routes_must_name_known_bodies(services: RoutedCouncilServices) -> None:
    """A routing table naming a body with no endpoint is refused at construction."""
    from assist.backend_client.routing import ServiceRoute

    with pytest.raises(ValueError, match="parish"):
        RoutedCouncilServices(
            bodies=services.bodies,
            waste=services.waste,
            info=services.info,
            routes={"x": ServiceRoute("parish", "P", "Parish thing")},
        )


def test_embedded_defaults_come_from_public_url(tmp_path: Path) -> None:
    """With no URLs set, every client points at {public_url}/council/... ."""
    from assist.settings import Settings

    settings = Settings(_env_file=None, public_url="http://assist.test:9000/")  # type: ignore[call-arg]
    svc = RoutedCouncilServices.from_settings(settings)
    assert svc.bodies["county"].base_url == "http://assist.test:9000/council/open311/v2"
    assert svc.bodies["county"].jurisdiction_id == "cambridgeshire"
    assert svc.bodies["district"].jurisdiction_id == "cambridge"
    assert svc.send_address_id is True


async def test_health_names_the_bodies_that_are_down(
    services: RoutedCouncilServices, faulty: FaultyApp
) -> None:
    """Health is `ok` when discovery answers, and names the bodies that do not."""
    assert await services.health() == "ok"
    faulty.set("500")
    assert await services.health() == "down: county, district"
