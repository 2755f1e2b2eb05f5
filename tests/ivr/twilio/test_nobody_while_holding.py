"""Issue 13: the hold loop asks the one waiting decision every time, so a caller already on
hold when the last member of staff signs out, or when the line closes, hears that nobody can
answer and is offered the callback (at reopening when closed), never a place or minutes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assist.handoff.agents import sign_out
from assist.service import Service
from assist.settings import Settings

from .conftest import ON_DUTY, Clock, PhoneFactory, make_settings

pytestmark = [pytest.mark.both_stores, pytest.mark.usefixtures("database_env")]

WEDNESDAY_1730_LONDON = 1_783_528_200.0  # Wednesday 8 July 2026, 17:30 BST


@pytest.fixture
def voice_settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path, opening_hours="Mon-Fri 08:00-18:00", timezone="Europe/London")


@pytest.fixture
def clock() -> Clock:
    return Clock(WEDNESDAY_1730_LONDON)


async def confirmation(rt: Service) -> str:
    async with rt.store.transaction() as tx:
        rows = await tx.fetchall("SELECT payload FROM outbox WHERE kind = 'sms' ORDER BY id")
    return " ".join(json.loads(r["payload"])["text"] for r in rows)


async def test_staff_signing_out_mid_wait(rt: Service, phone: PhoneFactory, clock: Clock) -> None:
    caller = phone("+447700900301")
    await caller.dial()
    assert "number 1 in the queue" in " ".join((await caller.press("0")).said)
    async with rt.store.transaction() as tx:
        await sign_out(tx, ON_DUTY, clock())
    clock.advance(30)
    said = " ".join((await caller.hold(120)).said)
    assert "Nobody can answer just now" in said and "press 1" in said
    assert "in the queue" not in said.replace("still in the queue", "") and "minute" not in said
    booked = " ".join((await caller.press("1")).said)
    assert "We'll ring you" in booked
    assert "when it's your turn" in await confirmation(rt)


async def test_the_line_closing_mid_wait(rt: Service, phone: PhoneFactory, clock: Clock) -> None:
    caller = phone("+447700900302")
    await caller.dial()
    await caller.press("0")
    clock.advance(40 * 60)  # 18:10: closed, although a member of staff is still signed in
    async with rt.store.transaction() as tx:
        await sign_out(tx, ON_DUTY, clock())
    said = " ".join((await caller.hold(120)).said)
    assert "We're open again tomorrow at 8am" in said and "press 1" in said
    assert "minute" not in said
    await caller.press("1")
    assert "tomorrow at 8am" in await confirmation(rt)
