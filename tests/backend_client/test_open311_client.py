"""Open311Client against the reference council over real HTTP, in JSON and in XML."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from assist.backend_client.open311 import Format, Open311Client
from assist.backend_client.protocol import InvalidRequest, NotFound
from assist.council.app import create_council_app
from tests.backend_client.conftest import API_KEY, FAST
from tests.council.live import LiveServer

pytestmark = pytest.mark.parametrize("fmt", ["json", "xml"])


@pytest.fixture
async def district(server: LiveServer, fmt: Format) -> AsyncIterator[Open311Client]:
    client = Open311Client(
        f"{server.url}/open311/v2",
        jurisdiction_id="cambridge",
        api_key=API_KEY,
        format=fmt,
        retry=FAST,
    )
    yield client
    await client.aclose()


async def test_discovery(district: Open311Client, server: LiveServer, fmt: str) -> None:
    """Discovery reads the same in both formats: the endpoint URL and its formats."""
    d = await district.discovery()
    (ep,) = d.endpoints
    assert ep.url == f"{server.url}/open311/v2"
    assert ep.specification == "http://wiki.open311.org/GeoReport_v2"
    assert set(ep.formats) == {"application/json", "text/xml"}


async def test_services_and_definition(district: Open311Client, fmt: str) -> None:
    """Services and definitions parse with booleans, keywords and ordered values."""
    services = await district.services()
    assert [s.service_code for s in services] == ["WS-MISSED", "ENV-FLY"]
    assert services[0].metadata is True and "bin" in services[0].keywords
    definition = await district.service_definition("WS-MISSED")
    bin_attr = definition.attribute("bin")
    assert bin_attr is not None and bin_attr.required is True and bin_attr.order == 1
    assert [k for k, _ in bin_attr.values] == ["black", "blue", "green"]
    with pytest.raises(NotFound):
        await district.service_definition("HW-POT")  # the county's, not the district's


async def test_create_get_and_search(district: Open311Client, fmt: str) -> None:
    """A created request can be read by id and found by service_code, status and date."""
    created = await district.create_request(
        "ENV-FLY",
        lat=52.2,
        long=0.13,
        description="Mattress dumped in the lane",
        attributes={"waste_type": "furniture"},
        phone="+447700900123",
    )
    assert created.service_request_id and created.token is None
    got = await district.request(created.service_request_id)
    assert got.status == "open" and got.service_code == "ENV-FLY"
    assert got.lat == pytest.approx(52.2) and got.long == pytest.approx(0.13)
    assert isinstance(got.requested_datetime, dt.datetime)
    assert got.requested_datetime.tzinfo is not None
    now = dt.datetime.now(dt.UTC)
    found = await district.requests(
        service_code="ENV-FLY",
        status=["open"],
        start_date=now - dt.timedelta(minutes=5),
        end_date=now + dt.timedelta(minutes=5),
    )
    assert [r.service_request_id for r in found] == [created.service_request_id]
    assert await district.requests(service_request_ids=["1", "2"]) == []
    with pytest.raises(NotFound):
        await district.request("999")


async def test_refusals_become_invalid_request_with_pairs(
    district: Open311Client, fmt: str
) -> None:
    """Open311 error arrays become InvalidRequest carrying every (code, description) pair."""
    with pytest.raises(InvalidRequest) as e:
        await district.create_request("WS-MISSED", description="x" * 4001)
    codes = {c for c, _ in e.value.errors}
    descriptions = " ".join(d for _, d in e.value.errors)
    assert codes == {"400"} and "location" in descriptions and "4000" in descriptions
    bad_key = Open311Client(
        district.base_url,
        jurisdiction_id="cambridge",
        api_key="nope",
        format=district.format,
        retry=FAST,
    )
    try:
        with pytest.raises(InvalidRequest) as e:
            await bad_key.create_request("ENV-FLY", lat=52.2, long=0.13)
        assert e.value.errors[0][0] == "403"
    finally:
        await bad_key.aclose()


async def test_unknown_jurisdiction_is_not_found(server: LiveServer, fmt: Format) -> None:
    """A jurisdiction the server does not know answers NotFound."""
    client = Open311Client(f"{server.url}/open311/v2", jurisdiction_id="essex", format=fmt)
    try:
        with pytest.raises(NotFound):
            await client.services()
    finally:
        await client.aclose()


async def test_tokens_are_exchanged_for_ids(tmp_path: Path, fmt: Format) -> None:
    """A server that answers POSTs with a token gives the id via tokens/{token}."""
    app = create_council_app(tmp_path / "deferred.db", API_KEY, defer_ids=True)
    with LiveServer(app) as live:
        client = Open311Client(
            f"{live.url}/open311/v2", jurisdiction_id="cambridgeshire", api_key=API_KEY, format=fmt
        )
        try:
            created = await client.create_request("HW-POT", address_string="Hills Road")
            assert created.service_request_id is None and created.token
            rid = await client.token(created.token)
            assert rid is not None and (await client.request(rid)).address == "Hills Road"
            with pytest.raises(NotFound):
                await client.token("not-a-token")
        finally:
            await client.aclose()
