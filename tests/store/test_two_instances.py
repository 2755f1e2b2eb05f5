"""Two instances on one PostgreSQL behave as one service: each citizen claimed once, each
outbox item delivered once, however the instances' work interleaves."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from typing import Any

import pytest

from assist.dialogue.types import Priority
from assist.handoff.queue import HandoffQueue
from assist.outbox import OutboxWorker
from assist.store import Store
from assist.store.core import enqueue_outbox
from tests.conftest import Database

pytestmark = pytest.mark.parametrize("store_kind", ["postgres"], indirect=True)

CITIZENS = 40


async def two_stores(database: Database) -> tuple[Store, Store]:
    """Two stores on the same database, as two `assist serve` processes would hold."""
    a, b = await asyncio.gather(database.open(), database.open())
    return a, b


async def test_two_queue_instances_never_claim_one_citizen_twice(
    store_kind: str, database: Database
) -> None:
    """Agents on two instances claiming at once get every waiting citizen exactly once."""
    a, b = await two_stores(database)
    try:
        qa, qb = HandoffQueue(a), HandoffQueue(b)
        for n in range(CITIZENS):
            q = qa if n % 2 else qb
            await q.enqueue(
                session_id=f"s{n}",
                channel="sms",
                sender=f"+4477009{n:05d}",
                language="en",
                reason="asked_for_person",
                priority=Priority.URGENT if n % 10 == 0 else Priority.NORMAL,
            )

        async def agent(q: HandoffQueue, name: str) -> list[str]:
            got: list[str] = []
            while (entry := await q.claim_next(name)) is not None:
                got.append(entry.id)
                await asyncio.sleep(random.random() / 100)
            return got

        results = await asyncio.gather(
            *(agent(qa, f"a{i}") for i in range(6)), *(agent(qb, f"b{i}") for i in range(6))
        )
        claimed = Counter(entry_id for got in results for entry_id in got)
        assert len(claimed) == CITIZENS and set(claimed.values()) == {1}
        assert sum(map(len, results[:6])) > 0 and sum(map(len, results[6:])) > 0
        assert await qa.waiting() == [] and await qb.waiting() == []
        names = [f"a{i}" for i in range(6)] + [f"b{i}" for i in range(6)]
        for got, who in zip(results, names, strict=True):
            for entry_id in got:
                assert (await qa.get(entry_id)).claimed_by == who
    finally:
        await a.close()
        await b.close()


async def test_two_outbox_workers_deliver_each_item_exactly_once(
    store_kind: str, database: Database
) -> None:
    """Workers on two instances passing over the outbox at once deliver every item once."""
    a, b = await two_stores(database)
    delivered: list[str] = []

    async def handler(row: dict[str, Any], payload: dict[str, Any]) -> None:
        await asyncio.sleep(random.random() / 200)
        delivered.append(payload["n"])

    try:
        async with a.transaction() as tx:
            for n in range(60):
                await enqueue_outbox(tx, kind="x", key=f"k{n}", payload={"n": str(n)})
        workers = [OutboxWorker(s, {"x": handler}, lease_s=60) for s in (a, b, a, b)]

        async def drain(w: OutboxWorker) -> None:
            while await w.run_once(limit=5):
                pass

        await asyncio.gather(*(drain(w) for w in workers))
        counts = Counter(delivered)
        assert len(counts) == 60 and set(counts.values()) == {1}
        async with b.transaction() as tx:
            rows = await tx.fetchall("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status")
        assert rows == [{"status": "done", "n": 60}]
    finally:
        await a.close()
        await b.close()
