"""Retention and erasure scrub the queue's personal data; the runner adapter queues in-turn."""

import json

import pytest

from assist.dialogue.types import Channel, HandOff, Priority, Session
from assist.handoff.queue import HandoffQueue
from assist.handoff.retention import erase_handoff, purge_handoff
from assist.handoff.session_queue import StoreHandoffQueue, entry_id_of
from assist.store import Store

from .conftest import Clock

pytestmark = pytest.mark.both_stores


async def test_purge_scrubs_only_old_finished_entries(store: Store, clock: Clock) -> None:
    """Old finished entries lose number, packet and notes; open ones and timings stay."""
    q = HandoffQueue(store, clock=clock)
    done = await q.enqueue(
        session_id="s1",
        channel="sms",
        sender="+441",
        language="en",
        reason="person",
        slots={"name": "Ann Smith"},
    )
    await q.claim(done.id, "ann")
    await q.close(done.id, "ann", "resolved", notes="lives at 12 Mill Road")
    still = await q.enqueue(
        session_id="s2", channel="sms", sender="+442", language="en", reason="person"
    )
    clock.advance(100)
    async with store.transaction() as tx:
        assert await purge_handoff(tx, clock()) >= 1
    gone, kept = await q.get(done.id), await q.get(still.id)
    assert gone.sender == "" and gone.context == {} and gone.notes == ""
    assert gone.handled_s is not None and gone.outcome == "resolved"
    assert kept.sender == "+442"


async def test_erase_closes_and_scrubs(store: Store, clock: Clock) -> None:
    """Erasing a number closes its open entry and removes its personal data."""
    q = HandoffQueue(store, clock=clock)
    e = await q.enqueue(
        session_id="s1", channel="voice", sender="+441", language="en", reason="person"
    )
    async with store.transaction() as tx:
        assert await erase_handoff(tx, "+441") >= 1
    after = await q.get(e.id)
    assert after.status == "closed" and after.outcome == "erased" and after.sender == ""
    assert await q.waiting() == []


async def test_runner_adapter_enqueues_inside_the_turn(store: Store, clock: Clock) -> None:
    """The adapter writes the entry in the caller's transaction and returns its handle."""
    session = Session(
        id="s1",
        channel=Channel.SMS,
        sender="+441",
        language="pl",
        flow="pothole",
        step="location",
        intent="report_pothole",
        slots={"location": "Mill Road", "_internal": 1},
        refs=["AS-9"],
    )
    async with store.transaction() as tx:
        number = await StoreHandoffQueue().enqueue_in_tx(
            tx,
            session=session,
            handoff=HandOff("safeguarding", Priority.URGENT),
            transcript=[{"role": "citizen", "text": "help", "at": 1.0, "meta": {}}],
            now=clock(),
        )
    entry = await HandoffQueue(store, clock=clock).get(entry_id_of(number))
    assert entry.priority == Priority.URGENT and entry.language == "pl"
    assert entry.context["slots"] == {"location": "Mill Road"}
    assert entry.context["step"] == "pothole.location"
    assert json.dumps(entry.context["transcript"]) == json.dumps(
        [{"role": "citizen", "text": "help", "at": 1.0, "meta": {}}]
    )
