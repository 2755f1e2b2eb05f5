"""Supervisor figures computed from the queue and conversations."""

import pytest

from assist.handoff import stats
from assist.handoff.queue import HandoffQueue
from assist.store import Store, core

from .conftest import Clock

pytestmark = pytest.mark.both_stores


async def test_figures(store: Store, clock: Clock) -> None:
    """Service level, waits, abandonment, self-service share, intents and steps add up."""
    start = clock()
    q = HandoffQueue(store, clock=clock)
    async with store.transaction() as tx:
        for n, intent in enumerate(["bin_day", "bin_day", "report_pothole", "council_tax"]):
            await core.save_session(
                tx,
                session_id=f"s{n}",
                channel="sms",
                sender=f"+{n}",
                status="ended",
                state={"intent": intent, "flow": "main"},
                now=clock(),
            )
    await q.sign_in("ann")
    fast = await q.enqueue(
        session_id="s2",
        channel="sms",
        sender="+2",
        language="en",
        reason="asked_for_person",
        step="pothole.location",
    )
    slow = await q.enqueue(
        session_id="s3",
        channel="sms",
        sender="+3",
        language="en",
        reason="two_failures",
        step="tax.account",
    )
    clock.advance(30)
    await q.claim(fast.id, "ann")
    clock.advance(90)
    await q.claim(slow.id, "ann")
    gone = await q.enqueue(
        session_id="s9",
        channel="voice",
        sender="+9",
        language="en",
        reason="asked_for_person",
        step="pothole.location",
    )
    await q.abandon(gone.id)
    clock.advance(31 * 60)
    await q.close(fast.id, "ann", "resolved")
    async with store.transaction() as tx:
        f = await stats.figures(tx, start, clock())
    assert f.served == 2 and f.abandoned == 1
    assert f.service_level == pytest.approx(1 / 3)  # one of three finished waits within 60 s
    assert f.average_wait_s == pytest.approx((30 + 120) / 2)
    assert f.resolved_without_person == pytest.approx(2 / 4)
    assert f.top_intents[0] == ("bin_day", 2)
    assert ("pothole.location", 2) in f.person_requested_at
    assert ("queue after pothole.location", 1) in f.gave_up_at
    assert f.agents_available == 1 and f.agents_busy == 1


def test_erlang_table_spans_the_chosen_staffing() -> None:
    """The calculator shows two staffing levels either side of the one asked about."""
    rows = stats.erlang_table(720, 240, 55, 15)
    assert [r.agents for r in rows] == [53, 54, 55, 56, 57]
    assert rows[2].p_wait == pytest.approx(0.2387, abs=1e-4)
