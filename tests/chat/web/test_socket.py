"""The web chat WebSocket on a real uvicorn: protocol, resume, queue, staff, protection."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

import httpx
import pytest
import websockets

from assist.chat.web.limits import WebChatLimits
from assist.handoff import queue as hq
from assist.handoff import replies
from assist.store import core

from .live import Chat, Served, chat, serve


async def start(c: Chat, **hello: object) -> tuple[str, dict[str, object]]:
    """Say hello; returns the chat id and the first question."""
    welcome = await c.hello(**hello)  # type: ignore[arg-type]
    ask = await c.until("ask")
    return str(welcome["chat_id"]), ask


async def entry_of(served: Served, chat_id: str) -> hq.Entry:
    """The queue entry of the chat's latest session."""
    async with served.rt.store.transaction() as tx:
        row = await tx.fetchone(
            "SELECT id FROM sessions WHERE channel='web' AND sender=? ORDER BY updated_at DESC",
            (chat_id,),
        )
        assert row is not None
        entry = await hq.entry_for_session(tx, row["id"])
    assert entry is not None
    return entry


async def test_hello_gives_a_chat_id_and_the_first_question(served: Served) -> None:
    """A new chat gets a random chat id, a greeting and the top menu with its options."""
    async with chat(served) as c:
        chat_id, ask = await start(c)
    assert len(chat_id) >= 16
    assert ask["text"] == "What would you like to do?"
    assert [o["key"] for o in ask["options"]] == ["1", "2", "3", "4"]  # type: ignore[index]
    assert all(isinstance(m.get("text"), str) for m in c.seen if m["type"] in ("say", "ask"))
    async with chat(served) as other:
        other_id, _ = await start(other)
    assert other_id != chat_id


async def test_bin_day_conversation_over_the_socket(served: Served) -> None:
    """Choosing bins, collection day, a postcode and an address gives the collection days."""
    async with chat(served) as c:
        await start(c)
        await c.send(type="choose", key="1")
        await c.until("ask")
        await c.send(type="message", text="your collection day")
        assert (await c.until("ask"))["expect"] == "postcode"
        await c.send(type="message", text="cb1 2ad")
        ask = await c.until("ask")
        assert ask["options"][0]["label"] == "12 Mill Road, Cambridge"
        await c.send(type="choose", key="1")
        said = await c.until("say")
        assert re.match(r"At 12 Mill Road, Cambridge: \w+ bin \w+day \d+ \w+", said["text"])


async def test_a_typed_option_key_counts_as_choosing_it(served: Served) -> None:
    """Typing "2" where options are offered picks option 2, as pressing the button would."""
    async with chat(served) as c:
        await start(c)
        await c.send(type="message", text="2")
        ask = await c.until("ask")
    assert ask["text"] == "What would you like to report?"


async def test_reload_resumes_with_the_transcript(served: Served) -> None:
    """A second socket saying hello with the same chat id gets the transcript and carries on."""
    async with chat(served) as c:
        chat_id, _ = await start(c)
        await c.send(type="choose", key="1")
        await c.until("ask")
    async with chat(served) as again:
        welcome = await again.hello(chat_id)
        assert welcome["resumed"] is True and welcome["chat_id"] == chat_id
        history = await again.until("history")
        texts = [(m["role"], m["text"]) for m in history["messages"]]
        assert ("citizen", "Bins and recycling") in texts, "a button choice shows its label"
        assert texts[-1] == ("assistant", "What do you need to know about your bins?")
        pending = await again.until("ask")
        assert pending["repeat"] is True
        assert pending["text"] == "What do you need to know about your bins?"
        await again.send(type="choose", key="1")
        assert (await again.until("ask"))["expect"] == "postcode"


async def test_reconnect_replays_only_what_was_missed(served: Served) -> None:
    """A hello with `since` replays only transcript lines newer than that time."""
    async with chat(served) as c:
        chat_id, _ = await start(c)
        last = c.seen[-1]["at"]
    async with chat(served) as again:
        await again.hello(chat_id, since=last)
        history = await again.until("history")
    assert history["messages"] == []


async def test_unknown_or_malformed_chat_ids_start_a_new_chat(served: Served) -> None:
    """A chat id the server never issued (or a malformed one) is replaced with a fresh one."""
    async with chat(served) as c:
        welcome = await c.hello("../../etc/passwd")
    assert welcome["chat_id"] != "../../etc/passwd"
    assert welcome["resumed"] is False


async def test_person_queues_with_place_wait_and_callback(served: Served) -> None:
    """Talk to a person puts the citizen in the queue, shows place and wait, offers a callback."""
    async with chat(served) as c:
        await start(c)
        await c.send(type="person")
        queued = await c.until("queue")
    assert queued["position"] == 1
    assert isinstance(queued["wait"], str) and queued["wait"]
    assert "number 1 in the queue" in queued["text"]
    assert queued["callback"] is True


async def test_place_updates_live_only_on_change(served: Served) -> None:
    """When someone ahead is served the waiting citizen is told their new place, once."""
    async with chat(served) as first, chat(served) as second:
        first_id, _ = await start(first)
        await start(second)
        await first.send(type="person")
        await first.until("queue")
        await second.send(type="person")
        assert (await second.until("queue"))["position"] == 2
        assert not [m for m in await second.quiet(1.2) if m["type"] == "queue"]
        entry = await entry_of(served, first_id)
        async with served.rt.store.transaction() as tx:
            await hq.claim(tx, entry.id, "sam", time.time())
        update = await second.until("queue", timeout=5)
        assert update["position"] == 1
        joined = await first.until("joined", timeout=5)
        assert joined["agent"] == "Sam"
        assert joined["text"] == "You're now talking to Sam."


async def test_staff_reply_reaches_the_citizen_and_the_assistant_stops(served: Served) -> None:
    """A staff reply shows with their first name; citizen messages then go to staff, not bot."""
    async with chat(served) as c:
        chat_id, _ = await start(c)
        await c.send(type="person")
        await c.until("queue")
        entry = await entry_of(served, chat_id)
        async with served.rt.store.transaction() as tx:
            await hq.claim(tx, entry.id, "sam.jones", time.time())
            await replies.staff_reply(
                tx, entry.id, "sam.jones", "Hello, I'm Sam. How can I help?", time.time()
            )
        served.rt.bus.publish(
            f"session:{entry.session_id}",
            {"type": "staff", "text": "Hello, I'm Sam. How can I help?", "agent": "sam.jones"},
        )
        staff = await c.until("staff")
        assert staff == {
            "type": "staff",
            "text": "Hello, I'm Sam. How can I help?",
            "agent": "Sam",
            "at": staff["at"],
        }
        async with served.rt.bus.subscribe(f"session:{entry.session_id}") as console:
            await c.send(type="message", text="1")
            event = await asyncio.wait_for(console.get(), 3)
        assert event["type"] == "citizen" and event["text"] == "1"
        assert [m for m in await c.quiet(0.5) if m["type"] in ("ask", "say")] == []
        assert not [m for m in c.seen if m["type"] == "staff"][1:], "staff line shown twice"
        async with served.rt.store.transaction() as tx:
            lines = await core.transcript(tx, entry.session_id)
        assert (lines[-1]["role"], lines[-1]["text"]) == ("citizen", "1")


async def test_staff_reply_without_a_bus_event_is_found_in_the_transcript(
    served: Served,
) -> None:
    """Even when nothing is published, a staff reply written to the store reaches the chat."""
    async with chat(served) as c:
        chat_id, _ = await start(c)
        await c.send(type="person")
        await c.until("queue")
        entry = await entry_of(served, chat_id)
        async with served.rt.store.transaction() as tx:
            await hq.claim(tx, entry.id, "ann", time.time())
            await replies.staff_reply(tx, entry.id, "ann", "Hi, it's Ann.", time.time())
        staff = await c.until("staff", timeout=5)
    assert staff["agent"] == "Ann" and staff["text"] == "Hi, it's Ann."


async def test_closing_by_staff_says_so_and_the_assistant_carries_on(served: Served) -> None:
    """When staff close the conversation the citizen is told the person has finished, and
    the assistant carries on the same conversation ("Is there anything else?"), not a new
    greeting."""
    async with chat(served) as c:
        chat_id, _ = await start(c)
        await c.send(type="person")
        await c.until("queue")
        entry = await entry_of(served, chat_id)
        async with served.rt.store.transaction() as tx:
            await hq.claim(tx, entry.id, "ann", time.time())
        await c.until("joined")
        async with served.rt.store.transaction() as tx:
            await hq.close(tx, entry.id, "ann", "resolved", time.time())
        left = await c.until("say")
        more = await c.until("say")
        await c.send(type="message", text="my bin wasn't collected")
        answer = await c.until("ask")
    assert left["text"] == "Ann has finished the conversation. Thank you for getting in touch."
    assert more["text"] == "Is there anything else we can help with?"
    assert "Hello" not in answer["text"]


async def test_callback_keeps_the_place_and_rejects_bad_numbers(served: Served) -> None:
    """A UK number turns the wait into a callback (SMS confirmation queued); nonsense is refused."""
    async with chat(served) as c:
        chat_id, _ = await start(c)
        await c.send(type="person")
        await c.until("queue")
        await c.send(type="callback", number="12345")
        bad = await c.until("error")
        assert bad["code"] == "callback_bad_number"
        await c.send(type="callback", number="07700 900123")
        done = await c.until("callback")
        assert done["number"] == "+447700900123"
        assert "07700 900123" in done["text"]  # read back as people write it
    entry = await entry_of(served, chat_id)
    assert entry.kind == "callback" and entry.status == "waiting"
    async with served.rt.store.transaction() as tx:
        sms = await tx.fetchall("SELECT recipient FROM outbox WHERE kind='sms'")
    assert {"recipient": "+447700900123"} in sms


async def test_closing_the_window_keeps_the_place_and_coming_back_restores_it(
    served: Served,
) -> None:
    """A waiting citizen whose last window closes is marked dropped; returning rejoins."""
    async with chat(served) as c:
        chat_id, _ = await start(c)
        await c.send(type="person")
        await c.until("queue")
    for _ in range(50):
        if (await entry_of(served, chat_id)).status == "dropped":
            break
        await asyncio.sleep(0.05)
    assert (await entry_of(served, chat_id)).status == "dropped"
    async with chat(served) as again:
        await again.hello(chat_id)
        queued = await again.until("queue")
    assert queued["position"] == 1
    assert (await entry_of(served, chat_id)).status == "waiting"


async def test_transcript_download_is_plain_text(served: Served) -> None:
    """The transcript is text/plain, an attachment, with markup left exactly as typed."""
    async with chat(served) as c:
        chat_id, _ = await start(c)
        await c.send(type="message", text="<script>alert(1)</script>")
        await c.until("ask")
    async with httpx.AsyncClient(base_url=served.url) as http:
        r = await http.get(f"/chat/transcript/{chat_id}.txt")
        missing = await http.get("/chat/transcript/AAAAAAAAAAAAAAAAAAAAAAAA.txt")
        bad = await http.get("/chat/transcript/..%2Fetc.txt")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    assert r.headers["content-disposition"].startswith("attachment")
    assert r.headers["cache-control"] == "no-store"
    assert "You: <script>alert(1)</script>" in r.text
    assert "Assistant: What would you like to do?" in r.text
    assert missing.status_code == 404 and bad.status_code == 404


async def test_escaping_the_server_echoes_markup_as_data(served: Served) -> None:
    """Markup typed by a citizen is stored and returned as text, never interpreted."""
    async with chat(served) as c:
        chat_id, _ = await start(c)
        await c.send(type="message", text="<img src=x onerror=alert(1)>")
        await c.until("ask")
    async with chat(served) as again:
        await again.hello(chat_id)
        history = await again.until("history")
    assert {"role": "citizen", "text": "<img src=x onerror=alert(1)>"} in [
        {"role": m["role"], "text": m["text"]} for m in history["messages"]
    ]


async def test_too_long_messages_get_a_clear_error(served: Served) -> None:
    """A message over 2,000 characters is refused with a plain explanation; the chat goes on."""
    async with chat(served) as c:
        await start(c)
        await c.send(type="message", text="x" * 2001)
        error = await c.until("error")
        assert error["code"] == "too_long"
        assert "2000 characters" in error["text"]
        await c.send(type="message", text="x" * 2000)
        assert (await c.until("say"))["type"] == "say"


async def test_malformed_frames_get_an_error_not_a_crash(served: Served) -> None:
    """Bad JSON, unknown types and messages before hello are answered with an error."""
    async with chat(served) as c:
        await c.send(type="message", text="before hello")
        assert (await c.until("error"))["code"] == "bad_message"
        await c.conn.send("{not json")
        assert (await c.until("error"))["code"] == "bad_message"
        await c.send(type="explode")
        assert (await c.until("error"))["code"] == "bad_message"
        await c.conn.send(b"\x00\x01binary")
        assert (await c.until("error"))["code"] == "bad_message"
        await start(c)
        await c.send(type="choose", key="<b>")
        assert (await c.until("error"))["code"] == "bad_message"


async def test_rate_limit_per_connection(tmp_path: Path) -> None:
    """More than the allowed messages in the window are refused with a friendly error."""
    limits = WebChatLimits(messages=5, window_s=10.0)
    async with serve(tmp_path, limits) as s, chat(s) as c:
        await start(c)
        for _ in range(6):
            await c.send(type="keepalive")
        error = await c.until("error")
    assert error["code"] == "too_fast"
    assert sum(1 for m in c.seen if m["type"] == "kept") == 4


async def test_connection_limit_per_address(tmp_path: Path) -> None:
    """Over the per-address limit a new socket is closed with code 1013; others keep working."""
    limits = WebChatLimits(connections_per_ip=2)
    async with serve(tmp_path, limits) as s, chat(s) as a, chat(s) as b:
        await a.hello()
        await b.hello()
        async with websockets.connect(s.ws_url, additional_headers={"Origin": s.url}) as extra:
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(extra.recv(), 5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1013
        await a.send(type="keepalive")
        assert (await a.until("kept"))["type"] == "kept"


async def test_foreign_origin_is_refused_with_1008(served: Served) -> None:
    """A socket from another site's page is closed with policy violation 1008."""
    async with websockets.connect(
        served.ws_url, additional_headers={"Origin": "https://evil.example"}
    ) as ws:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008


async def test_public_origin_is_accepted(tmp_path: Path) -> None:
    """A page served from the configured public URL may open the chat socket."""
    async with (
        serve(tmp_path, public_url="https://assist.example.gov.uk") as s,
        chat(s, origin="https://assist.example.gov.uk") as c,
    ):
        welcome = await c.hello()
    assert welcome["type"] == "welcome"


async def test_language_switch_follows_the_engine(served: Served) -> None:
    """Choosing Polski switches the conversation and the page's language."""
    async with chat(served) as c:
        await start(c)
        await c.send(type="language", language="pl")
        lang = await c.until("language")
    assert lang["language"] == "pl"
    said = [m["text"] for m in c.seen if m["type"] in ("say", "ask")]
    assert said[-1] != "What would you like to do?"


async def test_metrics_count_refusals(served: Served) -> None:
    """Refused sockets are counted in the metrics."""
    async with websockets.connect(
        served.ws_url, additional_headers={"Origin": "http://evil.example"}
    ) as ws:
        with pytest.raises(websockets.ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 5)
    async with httpx.AsyncClient(base_url=served.url) as http:
        text = (await http.get("/metrics")).text
    assert 'assist_webchat_refused_total{reason="origin"} 1' in text
