"""Issue 19 over the chat socket: reminders agreed to by text, "Talk to a person" recorded as
what happened, choices by their labels, and the callback number's error and read-back."""

from __future__ import annotations

import asyncio
import time

import httpx

from assist.chat.sms.inbound import handle_text
from assist.notify import optouts
from assist.notify.config import NotifyConfig
from assist.notify.reminders import plan_bin_reminders
from assist.store import core

from .live import Chat, Served, chat
from .test_socket import entry_of, start

MOBILE = "+447700900777"


async def to_the_mobile_question(c: Chat) -> dict[str, object]:
    """Bins → collection day → CB1 2AD → 12 Mill Road → yes to reminders."""
    await start(c)
    for step in ({"key": "1"}, {"key": "1"}):
        await c.send(type="choose", **step)
        await c.until("ask")
    await c.send(type="message", text="CB1 2AD")
    await c.until("ask")
    await c.send(type="choose", key="1")
    offer = await c.until("ask")
    assert "text" in str(offer["text"]).lower()
    await c.send(type="choose", key="1")
    return await c.until("ask")


async def texts_to(served: Served, number: str) -> list[dict[str, object]]:
    """Outbox texts queued for `number` (any status), oldest first."""
    async with served.rt.store.transaction() as tx:
        rows = await tx.fetchall(
            "SELECT payload, status FROM outbox WHERE kind = 'sms' AND recipient = ? ORDER BY id",
            (number,),
        )
    import json

    return [{**json.loads(r["payload"]), "status": r["status"]} for r in rows]


async def eventually(check, timeout: float = 5.0):  # type: ignore[no-untyped-def]
    """Wait for the outbox loop: `check()` until it returns something true."""
    deadline = time.monotonic() + timeout
    while True:
        got = await check()
        if got or time.monotonic() > deadline:
            return got
        await asyncio.sleep(0.1)


async def subscriptions(served: Served, number: str) -> list[dict[str, object]]:
    async with served.rt.store.transaction() as tx:
        return await tx.fetchall("SELECT * FROM notify_subscriptions WHERE number = ?", (number,))


async def test_chat_reminders_start_when_the_mobile_replies_yes(served: Served) -> None:
    """A chat asks for a mobile, texts it once to agree and says what happens next; YES by
    text starts the reminders and says so; nothing else is sent before it."""
    async with chat(served) as c:
        ask = await to_the_mobile_question(c)
        assert ask["expect"] == "mobile" and ask["options"] == []
        await c.send(type="message", text="07700 900777")
        said = await c.until("say")
    assert "I've texted 07700 900777. Reply YES to that text" in said["text"]
    (asking,) = await eventually(lambda: texts_to(served, MOBILE))
    assert "reply YES to get bin-day reminders for 12 Mill Road, Cambridge" in asking["text"]
    assert asking["purpose"] == "consent"
    assert await subscriptions(served, MOBILE) == []
    config = NotifyConfig.from_settings(served.settings)
    parts = served.rt.parts
    await plan_bin_reminders(served.rt.store, parts.services, parts.prompts, config, time.time())
    async with served.rt.store.transaction() as tx:
        assert await tx.fetchall("SELECT * FROM notify_jobs WHERE number = ?", (MOBILE,)) == []

    (reply,) = await handle_text(parts, "SM-yes-1", MOBILE, "Yes")
    assert "Bin-day reminders are on for 12 Mill Road, Cambridge" in reply
    (sub,) = await subscriptions(served, MOBILE)
    assert (
        sub["active"] == 1
        and sub["address"] == "12 Mill Road, Cambridge"
        and sub["channel"] == "sms"
    )
    again = await handle_text(parts, "SM-yes-2", MOBILE, "Yes")
    assert all("reminders are on" not in r for r in again)  # answered once; now a conversation


async def test_no_text_to_an_opted_out_number_and_one_a_day(served: Served) -> None:
    """An opted-out number is never texted to agree; asking twice texts a number once."""
    async with served.rt.store.transaction() as tx:
        await optouts.suppress(tx, "+447700900111", "keyword", "stop", time.time())
    for number in ("07700 900111", "07700 900222", "07700 900222"):
        async with chat(served) as c:
            await to_the_mobile_question(c)
            await c.send(type="message", text=number)
            await c.until("say")
    await eventually(lambda: texts_to(served, "+447700900222"))
    await asyncio.sleep(0.5)
    assert await texts_to(served, "+447700900111") == []
    assert len(await texts_to(served, "+447700900222")) == 1


async def test_talk_to_a_person_is_recorded_as_what_happened(served: Served) -> None:
    """The person button is "Asked for a person" in the transcript, the staff packet and the
    download, never "0"; a button chosen is its label there too."""
    async with chat(served) as c:
        chat_id, _ = await start(c)
        await c.send(type="choose", key="1", id="m1")
        await c.until("ask")
        await c.send(type="person")
        await c.until("queue")
    entry = await entry_of(served, chat_id)
    async with served.rt.store.transaction() as tx:
        lines = await core.transcript(tx, entry.session_id)
    said = [line["text"] for line in lines if line["role"] == "citizen"]
    assert said == ["Bins and recycling", "Asked for a person"]
    packet = [line["text"] for line in entry.context["transcript"] if line["role"] == "citizen"]
    assert packet == said
    async with httpx.AsyncClient(base_url=served.url) as http:
        download = (await http.get(f"/chat/transcript/{chat_id}.txt")).text
    assert "You: Asked for a person" in download and "You: 0" not in download


async def test_an_empty_callback_number_says_what_to_enter(served: Served) -> None:
    """No number at all: the error says to enter a phone number, with an example."""
    async with chat(served) as c:
        await start(c)
        await c.send(type="person")
        await c.until("queue")
        await c.send(type="callback", number="  ")
        error = await c.until("error")
    assert error["code"] == "callback_empty"
    assert error["text"].startswith("Enter your phone number") and "07700 900123" in error["text"]
