"""The notifier: reminders across restarts, quiet hours, opt-outs, per-type stops, reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from assist.backend_client.memory import InMemoryCouncilServices
from assist.backend_client.protocol import ReportStatus
from assist.notify import optouts, reminders
from assist.notify.scheduler import Notifier
from assist.service import Service
from assist.store import core
from tests.chat.sms.helpers import drain, fast_config, make_settings, open_assist, sent_texts

pytestmark = [pytest.mark.both_stores, pytest.mark.usefixtures("database_env")]


LONDON = ZoneInfo("Europe/London")
NUMBER = "+447700900222"
MONDAY = dt.date(2026, 11, 23)  # the in-memory council collects on Thursdays


class Clock:
    """A clock the test moves by hand (London wall-clock times)."""

    def __init__(self, when: dt.datetime) -> None:
        self.t = when.timestamp()

    def __call__(self) -> float:
        return self.t

    def set(self, day: int, hour: int, minute: int = 0) -> None:
        self.t = dt.datetime(2026, 11, day, hour, minute, tzinfo=LONDON).timestamp()


def london(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=LONDON)


OPEN: list[Service] = []


@pytest.fixture(autouse=True)
async def close_runtimes() -> AsyncIterator[None]:
    """Close every runtime a test opened, even when it fails (no stray SQLite threads)."""
    yield
    while OPEN:
        await OPEN.pop().close()


async def start(tmp_path: Path, clock: Clock, **config: Any) -> tuple[Service, Notifier]:
    settings = make_settings(tmp_path)
    cfg = fast_config(settings, **config)
    rt, _ = await open_assist(settings, InMemoryCouncilServices(today=MONDAY), cfg, clock=clock)
    OPEN.append(rt)
    return rt, Notifier(rt.store, rt.services, rt.dialogue.prompts, cfg, clock=clock)


async def subscribe(rt: Service, number: str = NUMBER) -> None:
    """What the engine writes when a citizen asks for reminders, delivered by the outbox."""
    async with rt.store.transaction() as tx:
        await core.enqueue_outbox(
            tx,
            kind="subscribe",
            key=f"sub:{number}",
            now=rt.outbox.clock(),
            payload={
                "number": number,
                "topic": "bin_day",
                "address_id": "cam-1",
                "address": "12 Mill Road, Cambridge",
                "language": "en",
                "channel": "sms",
            },
        )
    await drain(rt)


async def jobs(rt: Service, day: str = "2026-11-26") -> list[dict[str, Any]]:
    """The jobs for one collection day (later days may be planned too)."""
    async with rt.store.transaction() as tx:
        return await tx.fetchall(
            "SELECT * FROM notify_jobs WHERE key LIKE ? ORDER BY id", (f"%{day}",)
        )


async def test_reminder_scheduled_across_a_restart_is_sent_once(tmp_path: Path) -> None:
    """A reminder planned before a restart is sent after it, once, the evening before."""
    clock = Clock(london(23, 12))
    rt, notifier = await start(tmp_path, clock)
    await subscribe(rt)
    await notifier.tick()
    (job,) = await jobs(rt)
    assert job["due_at"] == london(25, 18).timestamp()
    assert await sent_texts(rt) == []
    await OPEN.pop().close()  # restart

    clock.set(25, 18, 5)
    for _ in range(2):  # two restarts at the due time: still one text
        rt, notifier = await start(tmp_path, clock)
        await notifier.tick()
        await notifier.tick()
        await drain(rt)
        await OPEN.pop().close()
        rt, _ = await start(tmp_path, clock)
    (text,) = await sent_texts(rt, NUMBER)
    assert "black bin" in text["text"] and "Thursday" in text["text"]
    assert "12 Mill Road" in text["text"] and "BINS OFF" in text["text"]


async def test_quiet_hours_defer_not_drop(tmp_path: Path) -> None:
    """A reminder due in quiet hours waits for 08:00 and is then sent."""
    clock = Clock(london(23, 12))
    rt, notifier = await start(tmp_path, clock, bin_reminder_time=dt.time(21, 30))
    await subscribe(rt)
    await notifier.tick()
    clock.set(25, 21, 31)
    result = await notifier.tick()
    assert result.deferred == 1 and result.sent == 0
    (job,) = await jobs(rt)
    assert job["due_at"] == london(26, 8).timestamp()
    clock.set(26, 7, 59)
    assert (await notifier.tick()).sent == 0
    await drain(rt)
    assert await sent_texts(rt) == []


async def test_reminder_too_late_expires(tmp_path: Path) -> None:
    """Deferred past the collection day's start, a reminder expires instead of arriving late."""
    clock = Clock(london(23, 12))
    rt, notifier = await start(tmp_path, clock, bin_reminder_time=dt.time(21, 30))
    await subscribe(rt)
    await notifier.tick()
    clock.set(26, 8, 1)
    assert (await notifier.tick()).expired == 1


async def test_outbox_holds_notification_texts_in_quiet_hours(tmp_path: Path) -> None:
    """A notification text reaching the sender at night is retried in the morning."""
    clock = Clock(london(24, 22))
    rt, _ = await start(tmp_path, clock)
    async with rt.store.transaction() as tx:
        await core.enqueue_outbox(
            tx,
            kind="sms",
            key="late",
            now=clock(),
            payload={"to": NUMBER, "text": "x", "purpose": "notify:bin_day"},
        )
    await drain(rt)
    async with rt.store.transaction() as tx:
        row = await tx.fetchone("SELECT * FROM outbox WHERE key = 'late'")
    assert row is not None and row["status"] == "pending"
    assert row["next_attempt_at"] == london(25, 8).timestamp()
    assert await sent_texts(rt) == []


async def test_suppressed_number_never_texted(tmp_path: Path) -> None:
    """An opted-out subscriber's reminder is closed as suppressed; nothing is sent."""
    clock = Clock(london(23, 12))
    rt, notifier = await start(tmp_path, clock)
    await subscribe(rt)
    async with rt.store.transaction() as tx:
        await optouts.suppress(tx, NUMBER, "keyword", "stop", clock())
    await notifier.tick()
    clock.set(25, 18, 1)
    assert (await notifier.tick()).suppressed == 1
    await drain(rt)
    assert await sent_texts(rt) == []
    (job,) = await jobs(rt)
    assert job["status"] == "suppressed"


async def test_bins_off_cancels_and_bins_on_restores(tmp_path: Path) -> None:
    """Turning bin reminders off cancels pending ones; turning them on schedules again."""
    clock = Clock(london(23, 12))
    rt, notifier = await start(tmp_path, clock)
    await subscribe(rt)
    await notifier.tick()
    async with rt.store.transaction() as tx:
        await reminders.unsubscribe(tx, NUMBER, "bin_day", clock())
    assert [j["status"] for j in await jobs(rt)] == ["off"]
    async with rt.store.transaction() as tx:
        row = await reminders.resubscribe(tx, NUMBER, "bin_day", clock())
    assert row is not None and row["address"] == "12 Mill Road, Cambridge"
    notifier.config = fast_config(rt.settings, plan_interval_s=0)
    await notifier.tick()
    assert [j["status"] for j in await jobs(rt)] == ["pending"]


async def test_report_reference_then_status_changes_until_closed(tmp_path: Path) -> None:
    """The reporter is texted the council's reference, then each change, until it closes."""
    clock = Clock(london(24, 10))
    rt, notifier = await start(tmp_path, clock, report_poll_interval_s=0)
    async with rt.store.transaction() as tx:
        await core.enqueue_outbox(
            tx,
            kind="report",
            key="AS-TEST1",
            now=clock(),
            payload={
                "service": "report_pothole",
                "description": "Deep pothole",
                "assist_ref": "AS-TEST1",
                "phone": NUMBER,
                "channel": "sms",
                "session_id": None,
                "location_text": "Mill Road",
            },
        )
        await core.enqueue_outbox(
            tx,
            kind="report",
            key="AS-WEB1",
            now=clock(),
            payload={
                "service": "report_pothole",
                "description": "Web one",
                "assist_ref": "AS-WEB1",
                "phone": None,
                "channel": "web",
                "session_id": None,
                "location_text": "Hills Road",
            },
        )
    await drain(rt)
    await notifier.tick()
    services = rt.services
    assert isinstance(services, InMemoryCouncilServices)
    council_ref, (request, _) = next(
        (k, v) for k, v in services.reports.items() if v[0].assist_ref == "AS-TEST1"
    )
    await notifier.tick()  # no change: nothing new
    services.reports[council_ref] = (
        request,
        ReportStatus(council_ref, "closed", "Pothole", status_notes="Repaired today"),
    )
    await notifier.tick()
    await notifier.tick()
    await drain(rt)
    texts = [r["text"] for r in await sent_texts(rt)]
    assert len(texts) == 2
    assert "AS-TEST1" in texts[0] and council_ref in texts[0]
    assert "closed" in texts[1] and "Repaired today" in texts[1]
    async with rt.store.transaction() as tx:
        state = await tx.fetchone("SELECT * FROM notify_report_state WHERE assist_ref = 'AS-TEST1'")
    assert state is not None and state["closed"] == 1


async def test_updates_off_stops_report_texts(tmp_path: Path) -> None:
    """A number that turned report updates off gets none."""
    clock = Clock(london(24, 10))
    rt, notifier = await start(tmp_path, clock, report_poll_interval_s=0)
    async with rt.store.transaction() as tx:
        await optouts.set_pref(tx, NUMBER, "report_updates", False, clock())
        await core.enqueue_outbox(
            tx,
            kind="report",
            key="AS-TEST2",
            now=clock(),
            payload={
                "service": "report_pothole",
                "description": "Pothole",
                "assist_ref": "AS-TEST2",
                "phone": NUMBER,
                "channel": "voice",
                "session_id": None,
            },
        )
    await drain(rt)
    assert (await notifier.tick()).off == 1
    await drain(rt)
    assert await sent_texts(rt) == []
