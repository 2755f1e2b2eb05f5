"""Every channel gives the same answer to "a person, please" (HUMANE.md 12, 14, 17, 22),
with a frozen clock: in hours with staff, in hours with nobody signed in, out of hours, a
bank holiday, and safeguarding out of hours (999 and the duty team first)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from assist.app import bind, create_app, open_service
from assist.chat.sms.router import create_sms_router
from assist.chat.terminal import run_terminal_chat
from assist.handoff import queue as hq
from assist.handoff import waiting
from assist.handoff.agents import sign_in
from assist.handoff.api import _stream
from assist.handoff.web import Console
from assist.ivr.twilio.phone import SimulatedPhone
from assist.service import Service
from tests.chat.sms.helpers import Phone as SmsPhone
from tests.chat.web.live import chat, serve
from tests.ivr.twilio.conftest import Clock, make_settings
from tests.ivr.twilio.test_closed_days import CountingServices

WEDNESDAY_11 = 1_783_504_800.0  # Wednesday 8 July 2026, 11:00 in London
FRIDAY_8PM = 1_783_710_000.0  # Friday 10 July 2026, 20:00 in London
BANK_HOLIDAY_10AM = 1_788_166_800.0  # Monday 31 August 2026, 10:00 in London
DUTY = "01223 000999"


@dataclass(frozen=True)
class Case:
    """One situation and what every channel must (and must not) say."""

    now: float
    staff: int
    keys: tuple[str, ...]
    """What the citizen presses or types to reach a person."""
    says: tuple[str, ...]
    never: tuple[str, ...]


PROMISE = "I'll put you through to a person now"
CASES = {
    "in hours with staff": Case(
        WEDNESDAY_11, 1, ("0",), ("You're number 1 in the queue",), ("Nobody can answer",)
    ),
    "in hours, nobody signed in": Case(
        WEDNESDAY_11, 0, ("0",), ("Nobody can answer just now",), (PROMISE, "in the queue")
    ),
    "out of hours": Case(
        FRIDAY_8PM, 0, ("0",), ("We're open again on Monday at 8am",), (PROMISE, "in the queue")
    ),
    "bank holiday": Case(
        BANK_HOLIDAY_10AM,
        0,
        ("0",),
        ("We're open again tomorrow at 8am",),
        (PROMISE, "in the queue"),
    ),
    "not understood twice out of hours": Case(
        FRIDAY_8PM,
        0,
        ("5", "5"),
        ("We're open again on Monday at 8am",),
        ("put you through", "in the queue"),
    ),
    "safeguarding out of hours": Case(
        FRIDAY_8PM,
        0,
        ("3", "1"),
        ("call 999 now", f"emergency duty team can help on {DUTY}", "on Monday at 8am"),
        ("putting you through", "in the queue"),
    ),
}

Channel = Callable[[Service, Any, Case], Awaitable[str]]


async def by_terminal(rt: Service, app: Any, case: Case) -> str:
    """`assist chat` with the keys piped in; what it printed."""
    stream = io.StringIO("".join(f"{k}\n" for k in case.keys))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        await run_terminal_chat(rt.parts, "+447700900900", None, stream, interactive=False)
    return out.getvalue()


async def by_phone(rt: Service, app: Any, case: Case) -> str:
    """The Twilio voice webhooks, signed as Twilio signs them; everything said."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        p = SimulatedPhone(client, rt.settings, "+447700900901")
        await p.dial()
        said: list[str] = []
        for key in case.keys:
            said = (await p.press(key)).said
    return " ".join(said)


async def by_sms(rt: Service, app: Any, case: Case) -> str:
    """Texts through the signed SMS webhook; the replies and any texts queued after them."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        phone = SmsPhone(client, rt.settings, "+447700900902")
        await phone.reply("hello")
        said = [await phone.reply(key) for key in case.keys]
    async with rt.store.transaction() as tx:
        rows = await tx.fetchall(
            "SELECT payload FROM outbox WHERE kind = 'sms' AND key LIKE 'sms-reply:%' ORDER BY id"
        )
    return " ".join([*said, *(json.loads(r["payload"])["text"] for r in rows)])


CHANNELS: dict[str, Channel] = {"terminal": by_terminal, "phone": by_phone, "sms": by_sms}


@pytest.fixture
async def service(
    tmp_path: Path, dialogue: Any, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Service]:
    monkeypatch.setattr("assist.service.load_dialogue", lambda: dialogue)
    settings = make_settings(
        tmp_path,
        opening_hours="Mon-Fri 08:00-18:00",
        timezone="Europe/London",
        emergency_duty_number=DUTY,
    )
    rt = await open_service(settings)
    # The council lists the summer bank holiday (the reference data lists only future ones).
    listed = CountingServices(["2026-08-31", "2026-12-25"])
    monkeypatch.setattr(rt.services, "service_info", listed.service_info)
    yield rt
    await rt.close()


@pytest.mark.parametrize("channel", list(CHANNELS))
@pytest.mark.parametrize("case_name", list(CASES))
async def test_every_channel_gives_the_same_answer(
    service: Service, channel: str, case_name: str
) -> None:
    """The same situation, the same answer, on every channel."""
    case = CASES[case_name]
    clock = Clock(case.now)
    service.conversations.clock = clock
    service.engine.clock = clock
    for n in range(case.staff):
        async with service.store.transaction() as tx:
            await sign_in(tx, f"staff{n}@council.example", [], case.now)
    app = create_app(service.settings, service=service)
    app.include_router(create_sms_router())
    bind(app, service)
    said = await CHANNELS[channel](service, app, case)
    for words in case.says:
        assert words in said, f"{channel}: {words!r} missing from {said!r}"
    for words in case.never:
        assert words not in said, f"{channel}: {words!r} said in {said!r}"


@pytest.mark.parametrize("case_name", list(CASES))
async def test_web_chat_gives_the_same_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case_name: str
) -> None:
    """The web chat over its WebSocket says what the other channels say."""
    case = CASES[case_name]
    async with serve(
        tmp_path,
        staffed=False,
        opening_hours="Mon-Fri 08:00-18:00",
        timezone="Europe/London",
        emergency_duty_number=DUTY,
    ) as served:
        rt = served.rt
        listed = CountingServices(["2026-08-31", "2026-12-25"])
        monkeypatch.setattr(rt.services, "service_info", listed.service_info)
        clock = Clock(case.now)
        rt.conversations.clock = clock
        rt.engine.clock = clock
        for n in range(case.staff):
            async with rt.store.transaction() as tx:
                await sign_in(tx, f"staff{n}@council.example", [], case.now)
        async with chat(served) as c:
            await c.hello()
            await c.until("ask")
            for key in case.keys:
                await c.send(type="choose", key=key)
            await c.until("queue")
            await c.quiet(0.3)
    said = " ".join(str(m.get("text", "")) for m in c.seen)
    for words in case.says:
        assert words in said, f"web: {words!r} missing from {said!r}"
    for words in case.never:
        assert words not in said, f"web: {words!r} said in {said!r}"
    queue = next(m for m in c.seen if m["type"] == "queue")
    if case.staff:
        assert queue["position"] == 1
    else:
        assert queue["position"] is None and queue["wait"] is None and queue["callback"]


async def test_a_callback_booked_out_of_hours_is_made_at_reopening(service: Service) -> None:
    """Friday 8pm by text: CALL books a callback confirmed for Monday at 8am, keeping the
    original place; at 8am on Monday the first member of staff to sign in gets it first."""
    clock = Clock(FRIDAY_8PM)
    service.conversations.clock = clock
    service.engine.clock = clock
    app = create_app(service.settings, service=service)
    app.include_router(create_sms_router())
    bind(app, service)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        phone = SmsPhone(client, service.settings, "+447700900903")
        await phone.reply("hello")
        closed = await phone.reply("0")
        assert "We're open again on Monday at 8am" in closed and "Reply CALL" in closed
        clock.advance(60)
        await phone.reply("CALL")
    session_id = await _session_id(service, "+447700900903")
    async with service.store.transaction() as tx:
        rows = await tx.fetchall(
            "SELECT payload FROM outbox WHERE kind = 'sms' AND recipient = ? ORDER BY id",
            ("+447700900903",),
        )
        entry = await hq.entry_for_session(tx, session_id)
    texts = [json.loads(r["payload"])["text"] for r in rows]
    assert any("on Monday at 8am" in t and "keep your place" in t for t in texts), texts
    assert entry is not None and entry.kind == "callback" and entry.enqueued_at == FRIDAY_8PM
    monday_8am = FRIDAY_8PM + 2 * 86400 + 12 * 3600
    before = await waiting.situation(service.store, service.settings, service.services, monday_8am)
    assert before.answering is waiting.Answering.NOBODY  # open, nobody signed in yet
    async with service.store.transaction() as tx:
        await sign_in(tx, "early@council.example", [], monday_8am)
        first = await hq.claim_next(tx, "early@council.example", [], monday_8am)
    assert first is not None and first.id == entry.id and first.kind == "callback"


async def _session_id(rt: Service, sender: str) -> str:
    async with rt.store.transaction() as tx:
        row = await tx.fetchone(
            "SELECT id FROM sessions WHERE sender = ? ORDER BY updated_at DESC", (sender,)
        )
    assert row is not None
    return str(row["id"])


class _Open:
    """A request that stays connected."""

    async def is_disconnected(self) -> bool:
        return False


async def _citizen_events(stream: Any, want: int, within_s: float) -> list[dict[str, Any]]:
    """Read the console stream until `want` citizen events arrived (or `within_s` passed)."""
    got: list[dict[str, Any]] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_s
    while len(got) < want:
        left = deadline - loop.time()
        if left <= 0:
            break
        try:
            chunk = await asyncio.wait_for(anext(stream), left)
        except TimeoutError:
            break
        if chunk.startswith("event: citizen"):
            got.append(json.loads(chunk.split("data: ", 1)[1]))
    return got


async def test_citizen_texts_reach_the_console_stream_once_within_a_second(
    service: Service,
) -> None:
    """A queued texter's words (sent twice by a Twilio retry) are on /api/handoff/events
    within 1 s, exactly once, with their queue entry."""
    clock = Clock(WEDNESDAY_11)
    service.conversations.clock = clock
    async with service.store.transaction() as tx:
        await sign_in(tx, "staff@council.example", [], WEDNESDAY_11)
    app = create_app(service.settings, service=service)
    app.include_router(create_sms_router())
    bind(app, service)
    console = Console(service.store, service.settings, clock=clock, prompts=service.parts.prompts)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        phone = SmsPhone(client, service.settings, "+447700900904")
        await phone.reply("hello")
        await phone.reply("0")
        stream = _stream(console, _Open())  # type: ignore[arg-type]
        assert await anext(stream) == "retry: 2000\n\n"
        started = time.monotonic()
        await phone.reply("The bin men skipped our road again", sid="SM" + "0e" * 16)
        await phone.reply("The bin men skipped our road again", sid="SM" + "0e" * 16)
        got = await _citizen_events(stream, 1, 1.0)
        took = time.monotonic() - started
        more = await _citizen_events(stream, 1, 1.0)
        await stream.aclose()
    assert [g["text"] for g in got] == ["The bin men skipped our road again"], got
    assert took < 1.0 + 0.5  # two webhook round trips included
    assert more == []
    session_id = await _session_id(service, "+447700900904")
    async with service.store.transaction() as tx:
        entry = await hq.entry_for_session(tx, session_id)
    assert entry is not None and got[0]["entry"] == entry.id


async def test_web_chat_words_reach_the_console_stream_once_within_a_second(
    tmp_path: Path,
) -> None:
    """A queued web citizen's line (resent with the same message id) is on the console's
    stream within 1 s, exactly once."""
    async with serve(tmp_path) as served:
        rt = served.rt
        console = Console(rt.store, rt.settings, prompts=rt.parts.prompts)
        async with chat(served) as c:
            await c.hello()
            await c.until("ask")
            await c.send(type="person")
            await c.until("queue")
            stream = _stream(console, _Open())  # type: ignore[arg-type]
            assert await anext(stream) == "retry: 2000\n\n"
            started = time.monotonic()
            await c.send(type="message", text="It's the third week running", id="m-1")
            await c.send(type="message", text="It's the third week running", id="m-1")
            got = await _citizen_events(stream, 1, 1.0)
            took = time.monotonic() - started
            more = await _citizen_events(stream, 1, 1.0)
            await stream.aclose()
    assert [g["text"] for g in got] == ["It's the third week running"]
    assert took < 1.0
    assert more == []
