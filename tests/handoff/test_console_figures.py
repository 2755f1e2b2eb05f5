"""Supervisor figures per channel and language for a period, their CSV, and the estimator's
workings shown to supervisors."""

import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from assist.backend_client import reports
from assist.backend_client.protocol import ReportRequest
from assist.dialogue.prompts import Prompts
from assist.handoff import figures, history
from assist.handoff.queue import HandoffQueue
from assist.handoff.schema import MIGRATIONS
from assist.store import SQLiteStore, core

from .conftest import Clock

PROMPTS = Prompts.load(Path(__file__).resolve().parents[2] / "dialogues" / "prompts")


@pytest.fixture
async def full_store(db_path: Path) -> AsyncIterator[SQLiteStore]:
    """A store with the core, handoff and reports tables."""
    s = SQLiteStore(db_path)
    await s.open([*core.MIGRATIONS, *MIGRATIONS, *reports.MIGRATIONS])
    yield s
    await s.close()


async def session(
    store: SQLiteStore, sid: str, channel: str, language: str, position: str, status: str, t: float
) -> None:
    flow, step = position.split(".")
    async with store.transaction() as tx:
        await core.save_session(
            tx,
            session_id=sid,
            channel=channel,
            sender=f"+44770090{len(sid):04d}",
            status=status,
            state={
                "channel": channel,
                "language": language,
                "flow": flow,
                "step": step,
                "status": status,
                "created_at": t,
                "updated_at": t,
            },
            now=t,
        )


async def test_figures_by_channel_and_language(full_store: SQLiteStore, clock: Clock) -> None:
    """Contacts, resolved without a person, handed over and dropped by step, waits, estimate
    accuracy, callbacks and reports add up per channel and language and in total."""
    store, start = full_store, clock()
    q = HandoffQueue(store, clock=clock)
    await session(store, "a", "web", "en", "main.anything_else", "active", start)  # resolved
    await session(store, "b", "web", "en", "missed_bin.address", "active", start)  # dropped
    await session(store, "c", "sms", "pl", "main.goodbye", "ended", start)  # resolved
    await session(store, "d", "sms", "pl", "report_pothole.location", "queued", start)
    await session(store, "e", "voice", "en", "missed_bin.which_bin", "queued", start)
    await session(store, "f", "voice", "en", "main.menu", "queued", start)
    await q.sign_in("ann")
    d = await q.enqueue(
        session_id="d",
        channel="sms",
        sender="+1",
        language="pl",
        reason="asked_for_person",
        step="report_pothole.location",
    )
    e = await q.enqueue(
        session_id="e",
        channel="voice",
        sender="+2",
        language="en",
        reason="not_understood",
        step="missed_bin.which_bin",
    )
    f = await q.enqueue(
        session_id="f",
        channel="voice",
        sender="+3",
        language="en",
        reason="asked_for_person",
        step="main.menu",
    )
    await q.estimate(d.id)  # announced to d: settled when a person answers
    clock.advance(30)
    await q.claim(d.id, "ann")
    clock.advance(60)
    await q.claim(e.id, "ann")
    await q.abandon(f.id)
    async with store.transaction() as tx:
        await reports.record_report(
            tx,
            ReportRequest("report_pothole", "Deep", "AS-AAAA11"),
            session_id="d",
            channel="sms",
            now=start,
        )
        await reports.mark_delivered(tx, "AS-AAAA11", council_ref="9", token=None, now=start)
        await reports.record_report(
            tx,
            ReportRequest("missed_bin", "Missed", "AS-BBBB22"),
            session_id="e",
            channel="voice",
            now=start,
        )
        await reports.mark_held(tx, "AS-BBBB22", "bad service code", start)
    clock.advance(3600)  # the web chat left mid-way is now idle long enough to count
    async with store.transaction() as tx:
        groups = await figures.period(tx, start - 60, start + 7200, clock())
    total = groups[0]
    assert (total.channel, total.language) == ("all", "all")
    assert total.contacts == 6 and total.resolved_without_person == 2
    assert total.handed_to_person == 3 and total.dropped == 2
    assert sorted(total.waits_s) == [30.0, 90.0] and total.wait_median_s == 60.0
    assert total.wait_p90_s == 90.0
    assert len(total.estimates) == 1 and total.within_bound == 1.0
    assert total.reports_delivered == 1 and total.reports_held == 1
    by = {(g.channel, g.language): g for g in groups[1:]}
    assert set(by) == {("web", "en"), ("sms", "pl"), ("voice", "en")}
    assert by[("web", "en")].dropped_by_step == {"missed_bin.address": 1}
    assert by[("sms", "pl")].handed_by_step == {"report_pothole.location": 1}
    assert by[("voice", "en")].dropped_by_step == {"queue:main.menu": 1}
    assert by[("voice", "en")].reports_held == 1 and by[("sms", "pl")].reports_delivered == 1
    assert figures.by_step(PROMPTS, by[("voice", "en")].dropped_by_step) == [
        ("waiting for a person, after at the main menu", 1)
    ]

    rows = list(csv.DictReader(io.StringIO(figures.to_csv(groups, PROMPTS))))
    assert rows[0]["channel"] == "all" and len(rows) == 4
    web = next(r for r in rows if r["channel"] == "web chat")
    assert web["dropped_by_step"] == "choosing their address for a missed bin: 1"
    assert rows[0]["wait_median_s"] == "60" and rows[0]["within_announced_bound"] == "1.00"


async def test_workings_say_what_the_estimate_rests_on(
    full_store: SQLiteStore, clock: Clock
) -> None:
    """With no handled conversations the default handle time is used and said to be so."""
    async with full_store.transaction() as tx:
        w = await history.workings(tx, clock(), 360.0)
    assert (w.handle_time_s, w.measured, w.handle_samples, w.agents) == (360.0, False, 0, 0)
    assert not w.estimate.confident
