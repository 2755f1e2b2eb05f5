"""BINS, BINS OFF and UPDATES OFF by text, and long replies split across messages."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from assist.chat.sms import inbound as sms_inbound
from assist.chat.sms.inbound import handle_text
from assist.dialogue.render import sms_segments
from assist.notify import optouts
from assist.service import Service
from tests.chat.sms.helpers import Phone, drain, running_assist

CITIZEN = "+447700900666"


@pytest.fixture
async def assist(tmp_path: Path) -> AsyncIterator[tuple[Service, Phone]]:
    async with running_assist(tmp_path) as (rt, _sender, client):
        yield rt, Phone(client, rt.settings, CITIZEN)


async def subscriptions(rt: Service) -> list[dict[str, object]]:
    async with rt.store.transaction() as tx:
        return await tx.fetchall("SELECT * FROM notify_subscriptions WHERE number = ?", (CITIZEN,))


async def test_bins_starts_reminders_then_off_and_back_on(assist: tuple[Service, Phone]) -> None:
    """BINS with no address on record starts the reminders flow; BINS OFF stops them; BINS
    later turns them back on for the address on record."""
    rt, phone = assist
    assert "start or stop bin-day reminder" in await phone.reply("BINS")
    assert "postcode" in (await phone.reply("1")).lower()
    assert "12 Mill Road" in await phone.reply("CB1 2AD")
    assert "evening before each collection" in await phone.reply("1")
    await drain(rt)
    (sub,) = await subscriptions(rt)
    assert sub["active"] == 1 and sub["address_id"] == "cam-1"
    assert "reminders are off" in await phone.reply("bins off")
    (sub,) = await subscriptions(rt)
    assert sub["active"] == 0
    later = time.time() + 3600  # the conversation has lapsed
    rt.conversations.clock = lambda: later
    assert "on for 12 Mill Road" in await phone.reply("Bins")
    (sub,) = await subscriptions(rt)
    assert sub["active"] == 1


async def test_updates_off_and_on(assist: tuple[Service, Phone]) -> None:
    """UPDATES OFF turns report updates off for the number; UPDATES ON back on."""
    rt, phone = assist
    assert "won't text you about your reports" in await phone.reply("UPDATES OFF")
    async with rt.store.transaction() as tx:
        assert not await optouts.pref_enabled(tx, CITIZEN, "report_updates")
    assert "when your reports change" in await phone.reply("updates on")
    async with rt.store.transaction() as tx:
        assert await optouts.pref_enabled(tx, CITIZEN, "report_updates")


async def test_long_reply_is_split_through_the_outbox(
    assist: tuple[Service, Phone], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reply over 3 segments: the first part in TwiML, the rest queued in order."""
    rt, _ = assist
    long = " ".join(f"Sentence number {i} of a long answer." for i in range(40))
    monkeypatch.setattr(sms_inbound, "actions_text", lambda *_: long)
    (first,) = await handle_text(rt.parts, "SMlong", CITIZEN, "hello")
    assert sms_segments(first) <= 3
    async with rt.store.transaction() as tx:
        rows = await tx.fetchall(
            "SELECT * FROM outbox WHERE key LIKE 'sms-reply:SMlong:%' ORDER BY next_attempt_at"
        )
    assert len(rows) >= 1
    assert [r["key"] for r in rows] == [f"sms-reply:SMlong:{i}" for i in range(1, len(rows) + 1)]
    parts = [first, *(json.loads(r["payload"])["text"] for r in rows)]
    assert " ".join(parts) == long
    assert all(sms_segments(p) <= 3 for p in parts)
