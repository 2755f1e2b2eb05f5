"""Issue 20 item 14: one address or number cannot push real citizens down the person queue."""

from __future__ import annotations

import pytest

from assist.dialogue.types import Channel, HandOff, Priority, Session
from assist.handoff import floods
from assist.handoff.entries import CLOSED, WAITING
from assist.handoff.queue import HandoffQueue
from assist.handoff.session_queue import StoreHandoffQueue, entry_id_of
from assist.store import SQLiteStore, core

from .conftest import Clock

pytestmark = pytest.mark.both_stores


async def join(
    store: SQLiteStore, clock: Clock, n: int, sender: str, origin: str | None = None, **kw: object
) -> str:
    """Queue a new web or phone session through the runner's queue, as a turn would."""
    channel = Channel.WEB if origin else Channel.VOICE
    session = Session(f"s{n}", channel, sender)
    handoff = HandOff(reason="asked_for_person", **kw)  # type: ignore[arg-type]
    q = StoreHandoffQueue(per_source=3, secret=b"k" * 32)
    async with store.transaction() as tx:
        await core.save_session(
            tx,
            session_id=session.id,
            channel=channel.value,
            sender=sender,
            status="queued",
            state=session.to_json(),
            now=clock(),
        )
        number = await q.enqueue_in_tx(
            tx, session=session, handoff=handoff, transcript=[], now=clock(), origin=origin
        )
    clock.advance(1)
    return entry_id_of(number)


async def test_a_flooding_address_goes_behind_a_real_citizen(
    store: SQLiteStore, clock: Clock
) -> None:
    """Twelve chats from one address: three queue normally, nine are suspects; a citizen
    from elsewhere who joins after them is fourth, not thirteenth, and served fourth."""
    flood = [await join(store, clock, i, f"chat{i}", origin="203.0.113.9") for i in range(12)]
    real = await join(store, clock, 99, "real-chat", origin="198.51.100.7")
    q = HandoffQueue(store, clock=clock)
    assert await q.position(real) == 4
    assert [(await q.get(e)).suspect for e in flood] == [False] * 3 + [True] * 9
    assert [e.id for e in await q.waiting()][:4] == [*flood[:3], real]
    served = [(await q.claim_next(f"agent{i}")).id for i in range(4)]  # type: ignore[union-attr]
    assert served == [*flood[:3], real]


async def test_one_number_is_limited_like_one_address(store: SQLiteStore, clock: Clock) -> None:
    """Calls from one number count together whatever their sessions; urgent still goes by
    source first: a flooding number cannot jump the queue by saying urgent words."""
    mine = [
        await join(store, clock, i, "+447700900123", priority=Priority.URGENT) for i in range(4)
    ]
    other = await join(store, clock, 50, "+447700900999")
    q = HandoffQueue(store, clock=clock)
    assert [(await q.get(e)).suspect for e in mine] == [False, False, False, True]
    assert await q.position(other) == 4
    assert await q.position(mine[3]) == 5


async def test_staff_see_floods_and_can_trust_or_close_them(
    store: SQLiteStore, clock: Clock
) -> None:
    """The supervisor sees one line per source; trusting puts suspects back at their original
    time; closing ends their sessions with outcome `flood`."""
    lib = [await join(store, clock, i, f"lib{i}", origin="192.0.2.1") for i in range(5)]
    bot = [await join(store, clock, 10 + i, f"bot{i}", origin="192.0.2.66") for i in range(6)]
    async with store.transaction() as tx:
        seen = await floods.suspected(tx)
        assert [(f.suspects, f.open_entries) for f in seen] == [(3, 6), (2, 5)]
        assert seen[0].channels == ["web"]
        assert "192.0.2" not in seen[0].source  # never the address itself
        assert await floods.count_suspects(tx) == 5
        assert await floods.trust(tx, seen[1].source, "sue", clock()) == 2
        assert await floods.close_suspects(tx, seen[0].source, "sue", clock()) == 3
        assert await floods.suspected(tx) == []
    q = HandoffQueue(store, clock=clock)
    assert [e.id for e in await q.waiting()] == [*lib, *bot[:3]]
    closed = await q.get(bot[5])
    assert closed.status == CLOSED and closed.outcome == "flood"
    async with store.transaction() as tx:
        session = await core.load_session(tx, "s15")
    assert session is not None and session["status"] == "ended"
    assert (await q.get(lib[4])).status == WAITING


async def test_no_limit_when_set_to_zero(store: SQLiteStore, clock: Clock) -> None:
    """`ASSIST_QUEUE_PER_SOURCE=0` switches the limit off."""
    async with store.transaction() as tx:
        assert not await floods.over_limit(tx, "abc", 0)
        assert not await floods.over_limit(tx, None, 3)


def test_source_keys_are_keyed_hashes() -> None:
    """The same address groups under one key; another server key gives another hash."""
    a = floods.source_key(b"one", "203.0.113.9")
    assert a == floods.source_key(b"one", "203.0.113.9") != floods.source_key(b"two", "203.0.113.9")
    assert len(a) == 20 and "203" not in a
