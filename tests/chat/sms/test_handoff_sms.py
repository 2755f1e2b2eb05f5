"""Waiting for a person by text: place and wait, CALL, live relay, staff replies, updates."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from assist.chat.sms.handoff import material, send_updates
from assist.dialogue.render import sms_segments
from assist.dialogue.types import Channel, Status
from assist.handoff import queue as hq
from assist.handoff import waiting
from assist.service import Service
from assist.store import core
from tests.chat.sms.helpers import Phone, drain, running_assist, sent_texts

pytestmark = [pytest.mark.both_stores, pytest.mark.usefixtures("database_env")]


CITIZEN = "+447700900333"
OTHER = "+447700900444"


@pytest.fixture
async def assist(tmp_path: Path) -> AsyncIterator[tuple[Service, Phone]]:
    async with running_assist(tmp_path) as (rt, _sender, client):
        yield rt, Phone(client, rt.settings, CITIZEN)


async def test_queue_text_has_place_wait_and_call_offer(tmp_path: Path) -> None:
    """Asking for a person by text gets place, honest wait and, when the wait is over 3
    minutes (the one rule, HUMANE.md 14), the call-back offer, in one text."""
    async with running_assist(tmp_path / "short") as (rt, _s, client):
        first = Phone(client, rt.settings, OTHER)
        await first.reply("hello")
        short = await first.reply("0")
        async with rt.store.transaction() as tx:  # served: the next test part starts afresh
            waiting_now = await hq.waiting(tx, rt.conversations.clock())
            for entry in waiting_now:
                await hq.claim(tx, entry.id, "agent-0", rt.conversations.clock())
    assert "less than 2 minutes" in short and "Reply CALL" not in short
    async with running_assist(tmp_path, default_handle_time_s=900.0) as (rt, _s, client):
        for n in range(3):  # three texters ahead: a long wait
            ahead = Phone(client, rt.settings, f"+44770090050{n}")
            await ahead.reply("hello")
            await ahead.reply("0")
        phone = Phone(client, rt.settings, CITIZEN)
        await phone.reply("hello")
        reply = await phone.reply("0")
        session = await rt.conversations.find(Channel.SMS, CITIZEN)
        assert session is not None and session.status == Status.QUEUED
        async with rt.store.transaction() as tx:
            entry = await hq.entry_for_session(tx, session.id)
    assert entry is not None and entry.channel == "sms" and entry.status == "waiting"
    assert "number 4 in the queue" in reply
    assert "The wait is" in reply
    assert "Reply CALL" in reply
    assert "put you through to a person now" not in reply  # not "now" with a place
    assert "|" not in reply  # one message
    assert sms_segments(reply) == 1


async def test_texts_while_queued_reach_the_console_not_the_engine(
    assist: tuple[Service, Phone],
) -> None:
    """While queued, texts go to the transcript and live on the bus, once per MessageSid."""
    rt, phone = assist
    await phone.reply("hello")
    await phone.reply("0")
    session = await rt.conversations.find(Channel.SMS, CITIZEN)
    assert session is not None
    turns = session.turns
    async with rt.bus.subscribe(f"session:{session.id}") as events:
        assert await phone.reply("My bin is still not collected", sid="SM" + "8" * 32) == ""
        assert await phone.reply("My bin is still not collected", sid="SM" + "8" * 32) == ""
        assert events.get_nowait() == {"type": "citizen", "text": "My bin is still not collected"}
        assert events.empty()
    async with rt.store.transaction() as tx:
        lines = await core.transcript(tx, session.id)
    assert [ln["text"] for ln in lines].count("My bin is still not collected") == 1
    after = await rt.conversations.find(Channel.SMS, CITIZEN)
    assert after is not None and after.turns == turns


async def test_call_converts_to_a_callback_keeping_the_place(assist: tuple[Service, Phone]) -> None:
    """CALL while queued makes a callback with the original entry time, confirmed by text."""
    rt, phone = assist
    await phone.reply("hello")
    await phone.reply("0")
    session = await rt.conversations.find(Channel.SMS, CITIZEN)
    assert session is not None
    async with rt.store.transaction() as tx:
        before = await hq.entry_for_session(tx, session.id)
    assert await phone.reply("Call") == ""
    async with rt.store.transaction() as tx:
        after = await hq.entry_for_session(tx, session.id)
    assert before is not None and after is not None
    assert after.kind == "callback" and after.enqueued_at == before.enqueued_at
    await drain(rt)
    (confirmation,) = await sent_texts(rt, CITIZEN)
    assert "ring you" in confirmation["text"]


async def test_call_outside_the_queue_is_a_conversation(assist: tuple[Service, Phone]) -> None:
    """CALL from someone not queued goes to the conversation, not the callback machinery."""
    rt, phone = assist
    assert await phone.reply("CALL") != ""
    async with rt.store.transaction() as tx:
        assert await tx.fetchall("SELECT * FROM handoff_entries WHERE kind = 'callback'") == []


async def test_staff_replies_by_channel(assist: tuple[Service, Phone]) -> None:
    """A staff reply goes as a text on SMS, and on the bus for web chat."""
    rt, _ = assist
    async with rt.bus.subscribe("session:web-1") as events:
        async with rt.store.transaction() as tx:
            await core.enqueue_outbox(
                tx,
                kind="staff_reply",
                key="r1",
                payload={
                    "session_id": "s1",
                    "channel": "sms",
                    "to": CITIZEN,
                    "text": "Hello, I'm Sam",
                },
            )
            await core.enqueue_outbox(
                tx,
                kind="staff_reply",
                key="r2",
                payload={
                    "session_id": "web-1",
                    "channel": "web",
                    "to": "chat-1",
                    "text": "Hi there",
                    "agent": "sam",
                },
            )
        await drain(rt)
        assert events.get_nowait() == {"type": "staff", "text": "Hi there", "agent": "sam"}
    (text,) = await sent_texts(rt, CITIZEN)
    assert text["text"] == "Hello, I'm Sam" and text["purpose"] == "staff"


@pytest.mark.parametrize(
    ("last", "now", "worth"),
    [
        ((None, None), (3, 300.0), True),
        ((3, 300.0), (3, 300.0), False),
        ((3, 300.0), (2, 300.0), False),
        ((4, 300.0), (2, 300.0), True),
        ((2, 300.0), (1, 300.0), True),
        ((3, 300.0), (3, 600.0), True),
    ],
)
def test_material_change(
    last: tuple[int | None, float | None], now: tuple[int, float], worth: bool
) -> None:
    """Updates are worth a text when the wait bucket changes, the place moves 2+, or you're next."""
    assert material(last[0], last[1], now[0], now[1]) is worth


async def test_updates_at_most_every_five_minutes_and_only_on_change(
    assist: tuple[Service, Phone],
) -> None:
    """A waiting texter gets an update when they move up, and never sooner than 5 minutes."""
    rt, phone = assist
    other = Phone(phone.client, rt.settings, OTHER)
    await other.reply("hello")
    await other.reply("0")  # OTHER is first in the queue
    await phone.reply("hello")
    assert "number 2 in the queue" in await phone.reply("0")
    t0 = rt.conversations.clock()
    prompts, handle = rt.dialogue.prompts, rt.settings.default_handle_time_s
    assert await send_updates(rt.store, prompts, t0 + 60, handle) == 0
    async with rt.store.transaction() as tx:
        first = (await hq.waiting(tx, t0))[0]
        await hq.claim(tx, first.id, "agent-1", t0 + 90)
    assert await send_updates(rt.store, prompts, t0 + 120, handle) == 0  # too soon
    assert await send_updates(rt.store, prompts, t0 + 301, handle) == 1  # now next in line
    assert await send_updates(rt.store, prompts, t0 + 700, handle) == 0  # nothing changed
    rt.outbox.clock = lambda: t0 + 800
    await drain(rt)
    texts = [r["text"] for r in await sent_texts(rt, CITIZEN)]
    assert len(texts) == 1 and "number 1 in the queue" in texts[0]


@pytest.mark.parametrize("finish", ["close", "hand_back"])
async def test_after_staff_finish_the_assistant_carries_on_the_same_conversation(
    assist: tuple[Service, Phone], finish: str
) -> None:
    """When staff close or hand back a text conversation, the citizen's next text is answered
    in the same conversation, with what they already said, not with a new greeting."""
    rt, phone = assist
    await phone.reply("hello")
    await phone.reply("0")
    session = await rt.conversations.find(Channel.SMS, CITIZEN)
    assert session is not None
    now = rt.conversations.clock()
    async with rt.store.transaction() as tx:
        entry = await hq.entry_for_session(tx, session.id)
        assert entry is not None
        await hq.claim(tx, entry.id, "ann", now)
        if finish == "close":
            await hq.close(tx, entry.id, "ann", "resolved", now)
        else:
            await hq.hand_back(tx, entry.id, "ann", now)
    reply = await phone.reply("my bin wasn't collected")
    assert "Hello" not in reply
    after = await rt.conversations.find(Channel.SMS, CITIZEN)
    assert after is not None and after.id == session.id
    assert after.status == Status.ACTIVE and after.intent == "missed_bin"


async def test_a_texter_waiting_when_nobody_can_answer_is_told_once(
    assist: tuple[Service, Phone],
) -> None:
    """Issue 13: staff sign out (or the line closes) while someone waits by text: one text
    says so with the callback offer, never a place or minutes; when staff are back the
    place is texted again."""
    rt, phone = assist
    await phone.reply("hello")
    assert "number 1 in the queue" in await phone.reply("0")
    t0 = rt.conversations.clock()
    prompts, handle = rt.dialogue.prompts, rt.settings.default_handle_time_s
    nobody = waiting.availability(
        "Mon-Sun 00:00-23:59", "Europe/London", dt.datetime.now(dt.UTC), (), 0
    )
    staffed = waiting.availability(
        "Mon-Sun 00:00-23:59", "Europe/London", dt.datetime.now(dt.UTC), (), 1
    )
    assert await send_updates(rt.store, prompts, t0 + 301, handle, nobody) == 1
    assert await send_updates(rt.store, prompts, t0 + 700, handle, nobody) == 0  # told already
    assert await send_updates(rt.store, prompts, t0 + 1100, handle, staffed) == 1
    rt.outbox.clock = lambda: t0 + 1200
    await drain(rt)
    texts = [r["text"] for r in await sent_texts(rt, CITIZEN)]
    told = [t for t in texts if "Nobody can answer just now" in t]
    assert len(told) == 1 and "CALL" in told[0] and "minute" not in told[0]
    assert "number 1 in the queue" in texts[-1]
