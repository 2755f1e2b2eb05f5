"""Reminder times people choose: morning of collection, across restarts, in quiet hours."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from assist.chat.sms.inbound import handle_text
from assist.notify import timing
from assist.notify.config import NotifyConfig
from assist.service import Service
from tests.chat.sms.helpers import drain, sent_texts
from tests.notify.test_notifier import LONDON, NUMBER, OPEN, Clock, jobs, london, start, subscribe


@pytest.fixture(autouse=True)
async def close_runtimes() -> AsyncIterator[None]:
    """Close every runtime a test opened, even when it fails."""
    yield
    while OPEN:
        await OPEN.pop().close()


async def choose(rt: Service, body: str) -> list[str]:
    """The citizen texts a time keyword (no conversation in progress)."""
    return await handle_text(rt.parts, "SM" + body.replace(" ", ""), NUMBER, body)


async def test_morning_reminder_across_a_restart_sent_once_after_quiet_hours(
    tmp_path: Path,
) -> None:
    """BINS MORNING (7am) with quiet hours until 8am: the reminder is planned for 8am on
    collection day, survives restarts, is sent once then, and nothing the evening before."""
    clock = Clock(london(23, 12))
    rt, notifier = await start(tmp_path, clock)
    await subscribe(rt)
    (reply,) = await choose(rt, "BINS MORNING")
    assert "8am on each collection day" in reply
    await notifier.tick()
    (job,) = await jobs(rt)
    assert job["due_at"] == london(26, 8).timestamp()
    assert job["expires_at"] == london(26, 12).timestamp()
    await OPEN.pop().close()  # restart

    clock.set(25, 18, 5)  # the default evening time: nothing now
    rt, notifier = await start(tmp_path, clock)
    await notifier.tick()
    clock.set(26, 7, 59)
    await notifier.tick()
    await drain(rt)
    assert await sent_texts(rt) == []
    await OPEN.pop().close()

    clock.set(26, 8, 1)
    for _ in range(2):  # two restarts at the due time: still one text
        rt, notifier = await start(tmp_path, clock)
        await notifier.tick()
        await notifier.tick()
        await drain(rt)
        await OPEN.pop().close()
    rt, _ = await start(tmp_path, clock)
    (text,) = await sent_texts(rt, NUMBER)
    assert "today" in text["text"] and "out now" in text["text"]
    assert "12 Mill Road" in text["text"] and "BINS OFF" in text["text"]
    assert text["at"] == london(26, 8, 1).timestamp()


async def test_morning_time_kept_when_quiet_hours_end_earlier(tmp_path: Path) -> None:
    """With quiet hours ending at 6am, a 7am choice is kept: due at 7am on the day."""
    clock = Clock(london(23, 12))
    rt, notifier = await start(tmp_path, clock, quiet_end=dt.time(6, 0))
    await subscribe(rt)
    await choose(rt, "bins 7am")
    await notifier.tick()
    (job,) = await jobs(rt)
    assert job["due_at"] == london(26, 7).timestamp()
    clock.set(26, 6, 59)
    assert (await notifier.tick()).sent == 0
    clock.set(26, 7, 0)
    assert (await notifier.tick()).sent == 1


async def test_changing_the_time_moves_a_planned_reminder(tmp_path: Path) -> None:
    """A reminder planned for the evening moves to the morning within a minute of BINS
    MORNING (not at the next hourly pass), and is sent once, in the morning."""
    clock = Clock(london(23, 12))
    rt, notifier = await start(tmp_path, clock)
    await subscribe(rt)
    await notifier.tick()
    (job,) = await jobs(rt)
    assert job["due_at"] == london(25, 18).timestamp()
    clock.set(23, 12, 30)
    await choose(rt, "BINS MORNING")
    (job,) = await jobs(rt)
    assert job["status"] == timing.REPLAN
    clock.set(23, 12, 31)
    await notifier.tick()
    (job,) = await jobs(rt)
    assert job["status"] == "pending" and job["due_at"] == london(26, 8).timestamp()
    assert "today" in job["text"]
    clock.set(25, 18, 5)
    assert (await notifier.tick()).sent == 0
    clock.set(26, 8, 0)
    assert (await notifier.tick()).sent == 1
    clock.set(26, 9, 0)
    assert (await notifier.tick()).sent == 0
    await drain(rt)
    assert len(await sent_texts(rt, NUMBER)) == 1


async def test_no_second_reminder_after_switching_once_sent(tmp_path: Path) -> None:
    """The evening reminder went; switching to mornings then sends nothing more for that
    collection."""
    clock = Clock(london(23, 12))
    rt, notifier = await start(tmp_path, clock)
    await subscribe(rt)
    await notifier.tick()
    clock.set(25, 18, 5)
    assert (await notifier.tick()).sent == 1
    clock.set(25, 19, 0)
    await choose(rt, "BINS MORNING")
    clock.set(25, 20, 0)
    await notifier.tick()
    clock.set(26, 8, 30)
    await notifier.tick()
    await drain(rt)
    assert len(await sent_texts(rt, NUMBER)) == 1
    (job,) = await jobs(rt)
    assert job["status"] == "sent"


def test_slots_never_fall_in_quiet_hours() -> None:
    """Morning times before quiet hours end move to their end; evening times inside them
    move to half an hour before they start; others are kept (morning = before noon)."""
    config = NotifyConfig(tz=LONDON)  # quiet 21:00-08:00, default 18:00
    assert timing.slot(None, config) == timing.Slot(dt.time(18, 0), morning=False)
    assert timing.slot(dt.time(7, 0), config) == timing.Slot(dt.time(8, 0), morning=True)
    assert timing.slot(dt.time(0, 30), config) == timing.Slot(dt.time(8, 0), morning=True)
    assert timing.slot(dt.time(9, 15), config) == timing.Slot(dt.time(9, 15), morning=True)
    assert timing.slot(dt.time(19, 0), config) == timing.Slot(dt.time(19, 0), morning=False)
    assert timing.slot(dt.time(22, 0), config) == timing.Slot(dt.time(20, 30), morning=False)
    quiet_off = NotifyConfig(tz=LONDON, quiet_start=dt.time(0, 0), quiet_end=dt.time(0, 0))
    assert timing.slot(dt.time(6, 0), quiet_off) == timing.Slot(dt.time(6, 0), morning=True)
