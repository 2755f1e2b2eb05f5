"""Who is really waiting, end to end on a real uvicorn with real sockets: chats flooding the
person queue from one address (issue 20 item 14) and chats gone silent (issue 13)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import websockets

from assist.handoff import liveness
from assist.handoff import queue as hq
from assist.handoff.auth import add_staff
from assist.handoff.entries import DROPPED

from .live import PASSWORD, Chat, Served, serve

pytestmark = [pytest.mark.both_stores, pytest.mark.usefixtures("database_env")]


@contextlib.asynccontextmanager
async def chat_from(served: Served, address: str) -> AsyncIterator[Chat]:
    """A chat socket whose client address is `address` (any 127.x.y.z is this machine)."""
    async with websockets.connect(
        served.ws_url,
        additional_headers={"Origin": served.url},
        open_timeout=5,
        local_addr=(address, 0),
    ) as conn:
        yield Chat(conn)


async def ask_for_person(c: Chat) -> dict[str, object]:
    await c.hello()
    await c.until("ask")
    await c.send(type="person")
    return await c.until("queue")


async def test_a_flood_from_one_address_does_not_push_a_citizen_back(tmp_path: Path) -> None:
    """Ten chats from 127.0.0.2 ask for a person: the first three queue normally, the rest
    are suspects; a citizen from 127.0.0.3 is told they are fourth, and a supervisor sees the
    flood and closes it."""
    async with serve(tmp_path, queue_per_source=3) as served, contextlib.AsyncExitStack() as st:
        places = []
        for _ in range(10):
            flooder = await st.enter_async_context(chat_from(served, "127.0.0.2"))
            places.append((await ask_for_person(flooder))["position"])
        assert places[:3] == [1, 2, 3]
        citizen = await st.enter_async_context(chat_from(served, "127.0.0.3"))
        queued = await ask_for_person(citizen)
        assert queued["position"] == 4
        assert "number 4 in the queue" in str(queued["text"])

        async with served.rt.store.transaction() as tx:
            await add_staff(tx, "sue", "supervisor", PASSWORD, time.time())
        async with httpx.AsyncClient(base_url=served.url) as sue:
            r = await sue.post(
                "/api/handoff/session", json={"username": "sue", "password": PASSWORD}
            )
            csrf = {"X-CSRF-Token": r.json()["csrf"]}
            seen = (await sue.get("/api/handoff/floods")).json()
            assert [(f["suspects"], f["open_entries"], f["channels"]) for f in seen] == [
                (7, 10, ["web"])
            ]
            queue = (await sue.get("/api/handoff/queue")).json()
            flagged = [row for row in queue["entries"] if row["suspect"]]
            assert len(flagged) == 7
            source = seen[0]["source"]
            assert (await sue.post(f"/api/handoff/floods/{source}/close")).status_code == 403
            done = await sue.post(f"/api/handoff/floods/{source}/close", headers=csrf)
            assert done.json()["entries"] == 7
            assert (await sue.get("/api/handoff/floods")).json() == []
            bad = await sue.post("/api/handoff/floods/not-a-source/close", headers=csrf)
            assert bad.status_code == 422
            metrics = (await sue.get("/metrics")).text
            assert "assist_queue_suspected_floods 0" in metrics


async def test_an_open_chat_stays_in_the_queue_and_a_silent_one_is_dropped(
    tmp_path: Path,
) -> None:
    """Issue 13: an open chat checks in while it waits, so the silence sweep leaves it alone
    however long the wait; an entry whose chat stopped checking in (its socket lost in a
    restart) is dropped, and coming back with the chat id gives the place back."""
    async with serve(tmp_path) as served:
        rt = served.rt
        now = [time.time()]
        rt.conversations.clock = lambda: now[0]
        async with chat_from(served, "127.0.0.4") as c:
            welcome = await c.hello()
            await c.until("ask")
            await c.send(type="person")
            await c.until("queue")
            for _ in range(3):  # ten minutes pass while the chat is open
                now[0] += 200
                await c.quiet(0.8)  # a few queue polls
                async with rt.store.transaction() as tx:
                    assert await liveness.drop_silent(tx, now[0], 120) == []
        for _ in range(50):  # the server sees the socket close: dropped
            async with rt.store.transaction() as tx:
                row = await tx.fetchone("SELECT id, status FROM handoff_entries")
            assert row is not None
            if row["status"] == DROPPED:
                break
            await asyncio.sleep(0.1)
        assert row["status"] == DROPPED
        async with rt.store.transaction() as tx:
            await hq.rejoin(tx, row["id"], now[0])
            now[0] += 200
            assert await liveness.drop_silent(tx, now[0], 120) == [row["id"]]
        async with chat_from(served, "127.0.0.4") as again:
            await again.hello(welcome["chat_id"])
            assert (await again.until("queue"))["position"] == 1
