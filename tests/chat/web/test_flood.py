"""Issue 20 item 14, end to end: chats flooding the person queue from one address, on a real
uvicorn with real sockets from different loopback addresses, seen and closed by a supervisor."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import websockets

from assist.handoff.auth import add_staff

from .live import PASSWORD, Chat, Served, serve


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
