"""Waiting for a person on the phone: announcements, callbacks, drops, hours, connecting."""

from __future__ import annotations

import asyncio
import itertools
import json
from pathlib import Path

import httpx
import pytest

from assist.app import bind, create_app, open_service
from assist.handoff import queue as hq
from assist.handoff.agents import sign_out
from assist.ivr.twilio.connect import handle_claim, run_claim_listener
from assist.ivr.twilio.phone import SimulatedPhone
from assist.service import Service
from assist.twilio.fake import create_twilio_fake, serving
from assist.twilio.rest import TwilioRest
from tests.ivr.twilio.conftest import ON_DUTY, Clock, PhoneFactory, count, make_settings, on_duty
from tests.ivr.twilio.rules import check_document

pytestmark = [pytest.mark.both_stores, pytest.mark.usefixtures("database_env")]


async def queued_caller(phone: PhoneFactory, caller: str) -> SimulatedPhone:
    p = phone(caller)
    await p.dial()
    heard = await p.press("0")
    assert heard.state == "queued"
    return p


async def entry_of(rt: Service, caller: str) -> hq.Entry:
    async with rt.store.transaction() as tx:
        row = await tx.fetchone(
            "SELECT id FROM handoff_entries WHERE sender = ? ORDER BY enqueued_at DESC LIMIT 1",
            (caller,),
        )
        assert row is not None
        return await hq.get_entry(tx, row["id"])


async def test_hold_announces_place_and_wait_from_our_queue_at_least_every_two_minutes(
    phone: PhoneFactory, clock: Clock
) -> None:
    """On entry: place and estimate (from OUR queue: second in line says 2). Then silence with
    a short reassurance every ~30 s, and the place and wait again within every 2 minutes."""
    await queued_caller(phone, "+447700900301")
    clock.advance(5)
    p = phone("+447700900302")
    await p.dial()
    first = await p.press("0")
    assert any(s.startswith("You're number 2 in the queue") for s in first.said)
    assert "<Play" not in first.documents[-1] and '<Pause length="25" />' in first.documents[-1]
    announced_at = [0]
    for _ in range(12):  # six minutes on hold
        clock.advance(30)
        heard = await p.hold(30)
        check_document(heard.documents[-1])
        assert heard.said, "something reassuring is said every 30 seconds"
        if any(s.startswith("You're number") for s in heard.said):
            announced_at.append(p.queue_time)
    gaps = [b - a for a, b in itertools.pairwise(announced_at)]
    assert gaps and max(gaps) <= 120
    assert 360 - announced_at[-1] <= 120


async def test_a_callback_on_hold_keeps_the_place_and_says_goodbye_politely(
    phone: PhoneFactory, rt: Service, clock: Clock
) -> None:
    """Pressing 1 on hold: confirmed, <Leave>, then goodbye and Hangup; the entry becomes a
    callback with its original joining time, and a confirmation text is queued."""
    p = await queued_caller(phone, "+447700900303")
    before = await entry_of(rt, "+447700900303")
    clock.advance(60)
    await p.hold(60)
    heard = await p.press("1")
    assert heard.state == "ended"
    assert heard.said[0].startswith("Thank you. We'll ring you on this number")
    assert heard.said[-1] == "Your place in the queue is kept. Goodbye for now."
    assert "<Leave />" in heard.documents[0] and "<Hangup />" in heard.documents[-1]
    after = await entry_of(rt, "+447700900303")
    assert after.kind == "callback" and after.status == "waiting"
    assert after.enqueued_at == before.enqueued_at
    assert (
        await count(
            rt,
            "SELECT COUNT(*) AS n FROM outbox WHERE kind = 'sms' AND recipient = ?",
            "+447700900303",
        )
        == 1
    )


async def test_a_queued_caller_who_hangs_up_keeps_their_place_for_30_minutes(
    phone: PhoneFactory, rt: Service, clock: Clock
) -> None:
    """Hang up on hold: the entry is kept (dropped, not abandoned); ring back within 30
    minutes, press 1 to carry on, and the same entry is back in the queue at its place."""
    p = await queued_caller(phone, "+447700900304")
    clock.advance(5)
    await queued_caller(phone, "+447700900305")
    original = await entry_of(rt, "+447700900304")
    await p.hang_up()
    assert (await entry_of(rt, "+447700900304")).status == "dropped"
    clock.advance(12 * 60)
    again = phone("+447700900304")
    back = await again.dial()
    assert back.said[0] == "Welcome back. You were waiting to speak to a person."
    heard = await again.press("1")
    assert heard.state == "queued", heard.said
    assert any(s.startswith("You're number 1 in the queue") for s in heard.said)
    rejoined = await entry_of(rt, "+447700900304")
    assert rejoined.id == original.id and rejoined.status == "waiting"


async def test_hold_music_plays_only_when_configured_and_5_turns_it_off(
    tmp_path: Path, clock: Clock, dialogue, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """With ASSIST_HOLD_MUSIC_URL set the hold loop plays it and says how to stop it; 5 stops it."""
    monkeypatch.setattr("assist.service.load_dialogue", lambda: dialogue)
    settings = make_settings(tmp_path, hold_music_url="https://assist.example.org/hold.mp3")
    rt = await open_service(settings)
    rt.conversations.clock = clock
    await on_duty(rt, clock())
    app = create_app(settings, service=rt)
    bind(app, rt)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t"
        ) as client:
            p = SimulatedPhone(client, settings, "+447700900306")
            await p.dial()
            first = await p.press("0")
            assert "<Play>https://assist.example.org/hold.mp3</Play>" in first.documents[-1]
            assert "To switch the music off, press 5." in first.said
            off = await p.press("5")
            assert off.said == ["The music is off."]
            later = await p.hold(30)
            assert "<Play" not in later.documents[-1] and "<Pause" in later.documents[-1]
    finally:
        await rt.close()


@pytest.mark.parametrize("choice", ["1", "silence"])
async def test_out_of_hours_says_when_we_reopen_and_books_a_callback(
    tmp_path: Path, dialogue, monkeypatch, choice: str
) -> None:  # type: ignore[no-untyped-def]
    """Outside opening hours with nobody signed in: when we reopen, and a callback then;
    pressing 1 (or staying silent twice) books it; goodbye only after that."""
    monkeypatch.setattr("assist.service.load_dialogue", lambda: dialogue)
    settings = make_settings(
        tmp_path, opening_hours="Mon-Fri 08:00-18:00", timezone="Europe/London"
    )
    rt = await open_service(settings)
    rt.conversations.clock = Clock(1_783_710_000.0)  # Friday 10 July 2026, 20:00 in London
    app = create_app(settings, service=rt)
    bind(app, rt)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t"
        ) as client:
            p = SimulatedPhone(client, settings, "+447700900307")
            await p.dial()
            closed = await p.press("0")
            assert closed.state == "listening"
            assert any("We're open again on Monday at 8am" in s for s in closed.said)
            check_document(closed.documents[-1])
            if choice == "1":
                done = await p.press("1")
            else:
                again = await p.silence()
                assert again.state == "listening"
                done = await p.silence()
            assert done.state == "ended"
            assert "We'll ring you back on Monday at 8am" in done.said[-1]
            check_document(done.documents[-1], hangup_allowed=True)
            entry = await entry_of(rt, "+447700900307")
            assert entry.kind == "callback"
    finally:
        await rt.close()


@pytest.fixture
def fake_twilio():  # type: ignore[no-untyped-def]
    app, state = create_twilio_fake()
    with serving(app) as url:
        yield url, state


async def test_a_claimed_caller_is_dialled_through_to_the_agent(
    tmp_path: Path, dialogue, monkeypatch, fake_twilio
) -> None:  # type: ignore[no-untyped-def]
    """Staff claim a waiting caller: their live call is updated (REST) to <Dial> the agent's
    Twilio Client identity; a claimed callback rings the agent first, then the citizen."""
    url, state = fake_twilio
    monkeypatch.setattr("assist.service.load_dialogue", lambda: dialogue)
    settings = make_settings(
        tmp_path,
        twilio_account_sid=state.account_sid,
        twilio_auth_token=state.auth_token,
        twilio_api_base_url=url,
        twilio_phone_number="+441223000000",
    )
    rt = await open_service(settings)
    await on_duty(rt, rt.conversations.clock())
    app = create_app(settings, service=rt)
    bind(app, rt)
    rest = TwilioRest(settings)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t"
        ) as client:
            live = SimulatedPhone(client, settings, "+447700900308")
            state.calls[live.call_sid] = {
                "sid": live.call_sid,
                "status": "in-progress",
                "twiml": None,
                "url": None,
            }
            await live.dial()
            await live.press("0")
            entry = await entry_of(rt, "+447700900308")
            async with rt.store.transaction() as tx:
                await hq.claim(tx, entry.id, "alice", rt.conversations.clock())
            listener = asyncio.create_task(run_claim_listener(rt.parts, rest))
            await asyncio.sleep(0.05)
            rt.bus.publish(
                "queue",
                {
                    "type": "claimed",
                    "entry_id": entry.id,
                    "session_id": entry.session_id,
                    "agent": "alice",
                    "channel": "voice",
                },
            )
            for _ in range(100):
                if state.call_updates:
                    break
                await asyncio.sleep(0.05)
            listener.cancel()
            update = state.call_updates[0]
            assert update["sid"] == live.call_sid
            assert "<Dial" in update["Twiml"] and "<Client>alice</Client>" in update["Twiml"]
            assert "Connecting you to a person now." in update["Twiml"]

            waiting = SimulatedPhone(client, settings, "+447700900309")
            await waiting.dial()
            await waiting.press("0")
            await waiting.press("1")  # a callback, keeping the place
            cb_entry = await entry_of(rt, "+447700900309")
            async with rt.store.transaction() as tx:
                await hq.claim(tx, cb_entry.id, "bob", rt.conversations.clock())
            result = await handle_claim(
                rt.parts,
                rest,
                {"type": "claimed", "entry_id": cb_entry.id, "agent": "bob", "channel": "voice"},
            )
            assert result == "callback"
            placed = [c for c in state.calls.values() if c.get("to") == "client:bob"]
            assert len(placed) == 1
            assert "<Number>+447700900309</Number>" in placed[0]["twiml"]
            assert "/twilio/voice/dial-done" in placed[0]["twiml"]
            sms = await count(rt, "SELECT COUNT(*) AS n FROM outbox WHERE kind = 'sms'")
            assert sms >= 1
            assert json.loads(json.dumps(update))  # the update is plain form data
    finally:
        await rt.close()


async def test_status_callbacks_are_recorded_per_call(phone: PhoneFactory, rt: Service) -> None:
    """The status callback stores the final status and duration on the call's row."""
    p = phone("+447700900310")
    await p.dial()
    await p.post("/twilio/voice/status", p._params(CallStatus="no-answer", CallDuration="0"))
    async with rt.store.transaction() as tx:
        row = await tx.fetchone("SELECT * FROM voice_calls WHERE call_sid = ?", (p.call_sid,))
    assert row is not None
    assert row["status"] == "no-answer" and row["ended_at"] is not None
    assert row["duration_s"] == 0


async def test_an_agent_who_does_not_answer_puts_the_caller_back_in_their_place(
    phone: PhoneFactory, rt: Service
) -> None:
    """The Dial to staff ends unanswered: the entry goes back to waiting (same place) and
    the caller hears so and is queued again, never hung up on."""
    p = await queued_caller(phone, "+447700900311")
    entry = await entry_of(rt, "+447700900311")
    async with rt.store.transaction() as tx:
        await hq.claim(tx, entry.id, "carol", rt.conversations.clock())
    document = await p.post(
        f"/twilio/voice/dial-done?entry={entry.id}&agent=carol&kind=live",
        p._params(DialCallStatus="no-answer"),
    )
    check_document(document)
    assert "couldn't take the call" in document and "<Enqueue" in document
    again = await entry_of(rt, "+447700900311")
    assert again.status == "waiting" and again.enqueued_at == entry.enqueued_at


async def test_a_claimed_caller_is_connected_from_the_hold_loop_without_rest(
    phone: PhoneFactory, rt: Service
) -> None:
    """With no REST connection (no credentials, no claim event), the next hold document
    leaves the queue and the Enqueue action dials the agent who claimed the caller."""
    p = await queued_caller(phone, "+447700900312")
    entry = await entry_of(rt, "+447700900312")
    async with rt.store.transaction() as tx:
        await hq.claim(tx, entry.id, "dave", rt.conversations.clock())
    heard = await p.hold(30)
    assert heard.said == [
        "A person is picking up your call now.",
        "Connecting you to a person now.",
    ]
    assert heard.state == "connected" and heard.dialled == "dave"
    assert "<Client>dave</Client>" in heard.documents[-1]
    check_document(heard.documents[-1])


async def test_in_hours_with_nobody_signed_in_says_so_and_offers_a_callback(
    phone: PhoneFactory, rt: Service, clock: Clock
) -> None:
    """In hours, nobody signed in: never "I'll put you through", no place or minutes; the
    caller hears that nobody can answer and 1 books a callback for when someone is free."""
    async with rt.store.transaction() as tx:
        await sign_out(tx, ON_DUTY, clock())
    p = phone("+447700900311")
    await p.dial()
    heard = await p.press("0")
    said = " ".join(heard.said)
    assert heard.state == "listening"
    assert "put you through" not in said and "number" not in said.split("press")[0]
    assert "Nobody can answer just now" in said
    assert "as soon as someone is free, press 1" in said
    done = await p.press("1")
    assert done.state == "ended"
    assert done.said[-1].startswith("Thank you. We'll ring you on this number")
    entry = await entry_of(rt, "+447700900311")
    assert entry.kind == "callback"
