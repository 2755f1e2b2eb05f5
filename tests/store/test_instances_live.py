"""Two instances on one PostgreSQL share live events: what staff do on one reaches a citizen's
socket on the other within a second, and what the citizen types reaches the other's console."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from assist.chat.web.limits import WebChatLimits
from assist.events import EventBus
from assist.events_pg import PgEventBridge
from tests.chat.web.live import PASSWORD, Served, add_staff, chat, serve
from tests.conftest import Database

pytestmark = pytest.mark.parametrize("store_kind", ["postgres"], indirect=True)

SLOW = WebChatLimits(queue_poll_s=30, staff_poll_s=30)
"""Polls too slow to matter: only a live event can bring news within the test's second."""


@contextlib.asynccontextmanager
async def two_instances(tmp_path: Path, database: Database) -> AsyncIterator[tuple[Served, Served]]:
    """Instances A and B on the test's database, their event bridges listening."""
    async with (
        serve(tmp_path / "a", SLOW, database_url=database.url) as a,
        serve(tmp_path / "b", SLOW, database_url=database.url) as b,
    ):
        for served in (a, b):
            assert served.rt.instances is not None
            await asyncio.wait_for(served.rt.instances.bridge.listening.wait(), 10)
        yield a, b


@contextlib.asynccontextmanager
async def staff_on(
    served: Served, name: str
) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str]]]:
    """A signed-in staff client on `served` and its CSRF header."""
    await add_staff(served.rt, name)
    async with httpx.AsyncClient(base_url=served.url) as client:
        r = await client.post("/api/handoff/session", json={"username": name, "password": PASSWORD})
        assert r.status_code == 200, r.text
        yield client, {"X-CSRF-Token": r.json()["csrf"]}


async def test_staff_on_b_reach_a_citizen_on_a_within_a_second(
    store_kind: str, database: Database, tmp_path: Path
) -> None:
    """A citizen waiting on instance A is told within a second when staff on instance B take
    the conversation, and sees B's reply within a second of it being sent."""
    async with two_instances(tmp_path, database) as (a, b), chat(a) as c:
        await c.hello()
        await c.until("ask")
        await c.send(type="person")
        await c.until("queue")
        async with staff_on(b, "bob") as (bob, csrf):
            started = time.monotonic()
            claimed = await bob.post("/api/handoff/claim-next", headers=csrf)
            assert claimed.status_code == 200, claimed.text
            joined = await c.until("joined", timeout=1.0)
            assert joined["agent"] == "Bob" or joined["agent"]
            assert time.monotonic() - started < 1.0
            started = time.monotonic()
            r = await bob.post(
                f"/api/handoff/entries/{claimed.json()['id']}/reply",
                json={"text": "Hello, this is Bob from the council."},
                headers=csrf,
            )
            assert r.status_code == 200, r.text
            staff = await c.until("staff", timeout=1.0)
            assert staff["text"] == "Hello, this is Bob from the council."
            assert time.monotonic() - started < 1.0
        assert b.rt.instances is not None and a.rt.instances is not None
        assert a.rt.instances.bridge.received > 0


async def citizen_events(client: httpx.AsyncClient, seen: list[dict[str, Any]]) -> None:
    """Read the console's event stream, keeping each `citizen` event's data."""
    async with client.stream("GET", "/api/handoff/events") as stream:
        event = None
        async for line in stream.aiter_lines():
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
            elif line.startswith("data: ") and event == "citizen":
                seen.append(json.loads(line.removeprefix("data: ")))


async def test_a_citizen_typing_on_a_reaches_the_console_on_b(
    store_kind: str, database: Database, tmp_path: Path
) -> None:
    """What a waiting citizen types on instance A's chat arrives on instance B's console
    event stream within a second or so."""
    async with two_instances(tmp_path, database) as (a, b), chat(a) as c:
        await c.hello()
        await c.until("ask")
        await c.send(type="person")
        await c.until("queue")
        seen: list[dict[str, Any]] = []
        async with staff_on(b, "sue") as (sue, _):
            reader = asyncio.create_task(citizen_events(sue, seen))
            try:
                await asyncio.sleep(0.5)  # the stream has started reading
                started = time.monotonic()
                await c.send(type="message", text="The bin lorry skipped our street again")
                while not seen:
                    assert time.monotonic() - started < 1.5, "no citizen event on B"
                    await asyncio.sleep(0.05)
            finally:
                reader.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await reader
        assert seen[0]["text"] == "The bin lorry skipped our street again"


async def test_bridged_buses_share_events_once_and_never_echo(
    store_kind: str, database: Database
) -> None:
    """An event published on one instance's bus reaches the other's subscribers once, and its
    own subscribers once (its bridge ignores its own notification coming back)."""
    assert database.url is not None
    buses = [EventBus(), EventBus()]
    bridges = [PgEventBridge(bus, database.url) for bus in buses]
    stop = asyncio.Event()
    for bridge in bridges:
        bridge.attach()
    tasks = [asyncio.create_task(bridge.run(stop)) for bridge in bridges]
    try:
        for bridge in bridges:
            await asyncio.wait_for(bridge.listening.wait(), 10)
        async with buses[0].subscribe("queue") as here, buses[1].subscribe("queue") as there:
            buses[0].publish("queue", {"type": "claimed", "n": 1})
            buses[0].publish("queue", {"type": "big", "text": "x" * 9000})  # too large to share
            assert await asyncio.wait_for(there.get(), 2) == {"type": "claimed", "n": 1}
            assert (await here.get())["n"] == 1 and (await here.get())["type"] == "big"
            await asyncio.sleep(0.3)
            assert here.empty() and there.empty()
        assert bridges[0].dropped == 1 and bridges[1].received == 1
        assert bridges[0].received == 0
    finally:
        stop.set()
        await asyncio.gather(*tasks)
