"""Faults at the council's edge: down, slow, failing or talking nonsense -> BackendUnavailable."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assist.backend_client.http import RetryPolicy
from assist.backend_client.info import InfoClient
from assist.backend_client.open311 import Format, Open311Client
from assist.backend_client.protocol import BackendError, BackendUnavailable
from assist.backend_client.waste import WasteClient
from tests.backend_client.conftest import API_KEY, FAST, TIMEOUT_S
from tests.backend_client.faults import FaultyApp
from tests.council.live import LiveServer, free_port


def open311(url: str, fmt: Format = "json", **kw: Any) -> Open311Client:
    return Open311Client(
        f"{url}/open311/v2",
        jurisdiction_id="cambridge",
        api_key=API_KEY,
        format=fmt,
        timeout_s=TIMEOUT_S,
        retry=FAST,
        **kw,
    )


@pytest.fixture
async def client(server: LiveServer) -> AsyncIterator[Open311Client]:
    c = open311(server.url)
    yield c
    await c.aclose()


def posts(faulty: FaultyApp) -> int:
    return sum(1 for method, _ in faulty.seen if method == "POST")


async def test_server_down_is_unavailable_after_bounded_retries() -> None:
    """Nothing listening: BackendUnavailable after the policy's attempts, quickly."""
    c = open311(f"http://127.0.0.1:{free_port()}")
    started = time.monotonic()
    try:
        with pytest.raises(BackendUnavailable, match="Connect"):
            await c.services()
        with pytest.raises(BackendUnavailable):
            await c.create_request("ENV-FLY", lat=52.2, long=0.13)
    finally:
        await c.aclose()
    assert time.monotonic() - started < 2


async def test_timeout_is_unavailable_and_retried(client: Open311Client, faulty: FaultyApp) -> None:
    """A server slower than the timeout: each read attempt times out, then BackendUnavailable."""
    faulty.set("slow", delay_s=TIMEOUT_S * 2)
    with pytest.raises(BackendUnavailable, match="Timeout"):
        await client.services()
    assert len(faulty.seen) == FAST.attempts


async def test_slow_but_within_timeout_succeeds(client: Open311Client, faulty: FaultyApp) -> None:
    """A slow answer inside the timeout is simply a slow answer."""
    faulty.set("slow", delay_s=TIMEOUT_S / 3)
    assert len(await client.services()) == 2


async def test_a_passing_500_is_retried_for_reads(client: Open311Client, faulty: FaultyApp) -> None:
    """One 500 on a read is retried and the second attempt succeeds."""
    faulty.set("500", times=1)
    assert len(await client.services()) == 2
    assert len(faulty.seen) == 2


async def test_persistent_500_is_unavailable(client: Open311Client, faulty: FaultyApp) -> None:
    """Repeated 500s: BackendUnavailable naming the status."""
    faulty.set("500")
    with pytest.raises(BackendUnavailable, match="500"):
        await client.request("100001")


async def test_post_is_not_retried_after_an_ambiguous_failure(
    client: Open311Client, faulty: FaultyApp
) -> None:
    """A POST that got a 500 or a timeout is not sent again by the client (it may exist)."""
    faulty.set("500", method="POST")
    with pytest.raises(BackendUnavailable):
        await client.create_request("ENV-FLY", lat=52.2, long=0.13)
    faulty.set("hang_after_commit", method="POST", delay_s=TIMEOUT_S * 2)
    with pytest.raises(BackendUnavailable):
        await client.create_request("ENV-FLY", lat=52.2, long=0.13)
    assert posts(faulty) == 2


@pytest.mark.parametrize(
    ("fmt", "body", "ctype"),
    [
        ("json", b'[{"service_code": "A", ', "application/json"),
        ("json", b"<html>Service temporarily down</html>", "text/html"),
        ("json", b'{"hello": "world"}', "application/json"),
        ("json", b'"just a string"', "application/json"),
        ("json", b"[1, 2, 3]", "application/json"),
        ("json", b'[{"service_name": "no code"}]', "application/json"),
        ("xml", b"<services><service><service_code>A</service_code>", "text/xml"),
        ("xml", b"<foo>bar</foo>", "text/xml"),
        ("xml", b'{"services": []}', "application/json"),
        ("xml", b'<!DOCTYPE x [<!ENTITY a "aaaa">]><services>&a;</services>', "text/xml"),
    ],
)
async def test_malformed_or_nonsense_answers_are_unavailable(
    server: LiveServer, faulty: FaultyApp, fmt: Format, body: bytes, ctype: str
) -> None:
    """Broken JSON/XML, HTML, or well-formed nonsense: BackendUnavailable, never a crash."""
    faulty.set("text", body=body, content_type=ctype)
    c = open311(server.url, fmt)
    try:
        with pytest.raises(BackendUnavailable):
            await c.services()
    finally:
        await c.aclose()


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'{"addresses": [{"id": 1}]}',
        b"[]",
        b'{"collections": [{"bin": "black", "date": "soon"}]}',
    ],
)
async def test_waste_and_info_nonsense_is_unavailable(
    server: LiveServer, faulty: FaultyApp, body: bytes
) -> None:
    """The waste and info adapters turn nonsense into BackendUnavailable too."""
    faulty.set("text", body=body)
    waste = WasteClient(f"{server.url}/waste", retry=FAST)
    info = InfoClient(f"{server.url}/info", retry=FAST)
    try:
        with pytest.raises(BackendUnavailable):
            await waste.find_addresses("CB1 2AD")
        with pytest.raises(BackendUnavailable):
            await waste.collections("cam-0001")
        with pytest.raises(BackendUnavailable):
            await info.info("opening_hours")
    finally:
        await waste.aclose()
        await info.aclose()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "service_code",
                    "service_request_id",
                    "token",
                    "code",
                    "description",
                    "attributes",
                    "values",
                    "lat",
                    "status",
                    "x",
                ]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=json_values, status=st.sampled_from([200, 400, 404, 422, 503]))
async def test_any_json_answer_gives_a_result_or_a_backend_error(value: Any, status: int) -> None:
    """Whatever JSON a server answers, the client returns or raises a BackendError only."""
    body = json.dumps(value).encode()
    transport = httpx.MockTransport(lambda request: httpx.Response(status, content=body))
    c = Open311Client(
        "http://council.invalid/open311/v2",
        jurisdiction_id="x",
        retry=RetryPolicy(attempts=1),
        transport=transport,
    )
    try:
        calls = (
            c.services,
            lambda: c.service_definition("A"),
            c.requests,
            lambda: c.request("1"),
            lambda: c.create_request("A", lat=1.0, long=1.0),
            lambda: c.token("t"),
            c.discovery,
        )
        for call in calls:
            with contextlib.suppress(BackendError):
                await call()  # type: ignore[operator]
    finally:
        await c.aclose()
