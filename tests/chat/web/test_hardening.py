"""Issue 20: the web chat's parser, Origin check, chat ids and socket under attack."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

import pytest
import websockets
from hypothesis import given, settings
from hypothesis import strategies as st

from assist.chat.web.limits import WebChatLimits, origin_allowed
from assist.chat.web.protocol import (
    ProtocolError,
    issue_chat_id,
    issued_chat_id,
    parse_client,
)

from .live import Served, chat, serve

JSONISH = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
FRAMES = st.one_of(
    st.text(max_size=300),
    JSONISH.map(json.dumps),
    st.fixed_dictionaries(
        {"type": st.sampled_from(["hello", "message", "choose", "callback", "language"])},
        optional={
            "text": JSONISH,
            "key": JSONISH,
            "chat_id": JSONISH,
            "id": JSONISH,
            "since": JSONISH,
            "language": JSONISH,
            "number": JSONISH,
        },
    ).map(json.dumps),
    st.integers(1, 9000).map(lambda n: "[" * n),
    st.integers(1, 9000).map(lambda n: '{"a":' * n),
)


@settings(max_examples=300, deadline=None)
@given(FRAMES)
def test_any_frame_parses_or_is_a_protocol_error(raw: str) -> None:
    """Whatever a client sends, the parser answers a message or a ProtocolError."""
    try:
        msg = parse_client(raw)
    except ProtocolError:
        return
    for value in (msg.text, msg.key, msg.chat_id, msg.language, msg.number, msg.id):
        if value is not None:
            assert isinstance(value, str)
            value.encode("utf-8")  # no lone surrogate gets through


def test_eight_thousand_brackets_are_a_bad_message_not_a_recursion_error() -> None:
    """Item 9: a frame of 8,000 `[` raised RecursionError and dropped the socket."""
    with pytest.raises(ProtocolError):
        parse_client("[" * 8000)


def test_a_lone_surrogate_is_a_bad_message() -> None:
    """Item 7: a lone surrogate never reaches the store (it cannot be written as UTF-8)."""
    with pytest.raises(ProtocolError):
        parse_client('{"type":"message","text":"\\ud800"}')


@pytest.mark.parametrize(
    "origin",
    ["http://127.0.0.1:abc", "http://127.0.0.1:99999", "http://[::1", "http://:"],
)
def test_an_origin_with_a_bad_port_is_refused_not_a_crash(origin: str) -> None:
    """Item 8: a non-numeric port in Origin raised ValueError (500 on the handshake)."""
    assert origin_allowed(origin, "127.0.0.1:8000", "http://127.0.0.1:8000") is False


def test_https_origin_is_refused_when_the_public_url_is_http() -> None:
    """Item 5: `https://host` was accepted for `http://host` through the Host header."""
    assert origin_allowed("https://example.org", "example.org", "http://example.org") is False
    assert origin_allowed("http://example.org", "example.org", "http://example.org") is True
    assert origin_allowed("http://localhost:8000", "localhost:8000", "http://127.0.0.1:8000")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60), st.text(max_size=60) | st.none())
def test_origin_check_never_raises(origin: str, host: str | None) -> None:
    """Any Origin and Host header give True or False."""
    assert origin_allowed(origin, host, "https://assist.example.gov.uk") in (True, False)


def test_chat_ids_are_issued_and_checked() -> None:
    """An id is valid only with this server's key; one a citizen chose never is."""
    chat_id = issue_chat_id("k" * 32)
    assert issued_chat_id(chat_id, "k" * 32)
    assert not issued_chat_id(chat_id, "other-key-" * 4)
    assert not issued_chat_id("a" * 44, "k" * 32)
    assert not issued_chat_id("my-own-chosen-chat-id", "k" * 32)


async def test_a_chosen_chat_id_is_replaced_by_a_server_issued_one(served: Served) -> None:
    """Item 5: a citizen could pick their own chat id (16-64 characters); now the server
    issues a new one, and a real one still resumes."""
    chosen = "attacker-chosen-id-0001"
    async with chat(served) as c:
        welcome = await c.hello(chosen)
        await c.until("ask")
    assert welcome["chat_id"] != chosen
    assert issued_chat_id(welcome["chat_id"], "test-secret-key-webchat")
    async with chat(served) as again:
        back = await again.hello(welcome["chat_id"])
    assert back["resumed"] is True and back["chat_id"] == welcome["chat_id"]


async def test_binary_frames_count_against_the_rate_limit(tmp_path: Path) -> None:
    """Item 16: binary frames bypassed the rate limit."""
    limits = WebChatLimits(messages=3, window_s=60.0, queue_poll_s=0.5, staff_poll_s=0.3)
    async with serve(tmp_path, limits) as served, chat(served) as c:
        for _ in range(6):
            await c.conn.send(b"\x00\x01")
        codes = [m.get("code") for m in await c.quiet(0.5)]
    assert "too_fast" in codes, codes


async def test_origin_with_a_bad_port_closes_with_policy(served: Served) -> None:
    """Item 8 end to end: the handshake is refused with 1008, not a 500."""
    ws_url = served.ws_url
    async with websockets.connect(
        ws_url, additional_headers={"Origin": "http://127.0.0.1:abc"}, open_timeout=5
    ) as conn:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(conn.recv(), 5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008


async def test_leaving_mid_turn_is_not_an_error(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    """Item 16: a client leaving mid-turn was logged as an ERROR with a traceback."""
    conversations = served.rt.conversations
    real = conversations.handle

    async def slow(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(0.6)
        return await real(*args, **kwargs)

    async with chat(served) as c:
        await c.hello()
        await c.until("ask")
        conversations.handle = slow  # type: ignore[method-assign]
        try:
            with caplog.at_level(logging.INFO):
                await c.send(type="message", text="when is my bin collected")
                await asyncio.sleep(0.1)
                await c.conn.close()
                await asyncio.sleep(1.2)
        finally:
            conversations.handle = real  # type: ignore[method-assign]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
