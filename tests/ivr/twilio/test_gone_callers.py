"""Issue 13: a caller whose hang-up never reached us (a lost status callback, a closed
`/try/phone` tab, a restart) is dropped once the hold loop falls silent, so the queue and
the estimate count real people; a caller still there gets their place straight back."""

from __future__ import annotations

import pytest

from assist.handoff import liveness
from assist.handoff import queue as hq
from assist.handoff.entries import DROPPED, WAITING
from assist.service import Service

from .conftest import Clock, PhoneFactory

pytestmark = [pytest.mark.both_stores, pytest.mark.usefixtures("database_env")]


async def entry_of(rt: Service, caller: str) -> hq.Entry:
    async with rt.store.transaction() as tx:
        row = await tx.fetchone(
            "SELECT id FROM handoff_entries WHERE sender = ? ORDER BY enqueued_at DESC", (caller,)
        )
        assert row is not None
        return await hq.get_entry(tx, row["id"])


async def place(rt: Service, entry_id: str) -> int | None:
    async with rt.store.transaction() as tx:
        return await hq.position(tx, entry_id)


async def sweep(rt: Service, clock: Clock) -> list[str]:
    async with rt.store.transaction() as tx:
        return await liveness.drop_silent(tx, clock(), rt.settings.abandon_after_s)


async def test_a_silent_hold_loop_drops_the_caller_and_a_fetch_restores_them(
    rt: Service, phone: PhoneFactory, clock: Clock
) -> None:
    gone, there = phone("+447700900201"), phone("+447700900202")
    for p in (gone, there):
        await p.dial()
        assert (await p.press("0")).said, "queued"
        clock.advance(1)
    first, second = await entry_of(rt, gone.caller), await entry_of(rt, there.caller)
    assert await place(rt, second.id) == 2
    assert await sweep(rt, clock) == []  # both just heard from

    for _ in range(5):  # 150 s: only the second caller's hold loop keeps fetching
        clock.advance(30)
        await there.hold(30)
    assert await sweep(rt, clock) == [first.id]
    assert (await hq.HandoffQueue(rt.store, clock=clock).get(first.id)).status == DROPPED
    assert await place(rt, second.id) == 1
    assert "number 1 in the queue" in " ".join((await there.hold(120)).said)

    # The first caller was there after all (their hold fetch was only late): place back.
    await gone.hold(150)
    assert (await hq.HandoffQueue(rt.store, clock=clock).get(first.id)).status == WAITING
    assert await place(rt, first.id) == 1 and await place(rt, second.id) == 2


async def test_texts_and_callbacks_are_never_dropped_for_silence(
    rt: Service, phone: PhoneFactory, clock: Clock
) -> None:
    """Only channels that check in are judged by silence: a caller who chose a callback is
    rung whatever happens on the line."""
    caller = phone("+447700900203")
    await caller.dial()
    await caller.press("0")
    await caller.press("1")  # a callback keeping the place
    entry = await entry_of(rt, caller.caller)
    assert entry.kind == "callback"
    clock.advance(3600)
    assert entry.id not in await sweep(rt, clock)
