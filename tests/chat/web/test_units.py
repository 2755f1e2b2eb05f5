"""The web chat's pure parts: protocol parsing, numbers, names, limits and origins."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assist.chat.web.limits import ConnectionCounter, SlidingWindow, origin_allowed, origin_of
from assist.chat.web.protocol import (
    MAX_TEXT,
    ProtocolError,
    first_name,
    parse_client,
    render_actions,
    uk_number,
)
from assist.chat.web.text import PAGE_LANGUAGES, all_page_strings, page_language
from assist.dialogue.prompts import Prompts
from assist.dialogue.types import Ask, End, Option, Say


def frame(**data: object) -> str:
    return json.dumps(data)


def test_hello_keeps_only_chat_ids_the_server_could_have_issued() -> None:
    """A well-formed chat id is kept; anything else becomes None (a new chat)."""
    good = "A" * 24
    assert parse_client(frame(type="hello", chat_id=good, language="pl-PL")).chat_id == good
    for bad in ("short", "../../x" * 4, 12345, None, "A" * 65):
        assert parse_client(frame(type="hello", chat_id=bad)).chat_id is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("not json", "not_json"),
        (frame(type="nope"), "bad_type"),
        (frame(text="no type"), "bad_type"),
        ("[1, 2]", "bad_type"),
        (frame(type="message", text=5), "bad_text"),
        (frame(type="message", text="x" * (MAX_TEXT + 1)), "too_long"),
        (frame(type="choose", key="12345"), "bad_key"),
        (frame(type="choose", key="<b>"), "bad_key"),
        (frame(type="message", text="hi", id="has spaces"), "bad_id"),
        (frame(type="hello", since="yesterday"), "bad_since"),
        ("x" * 9000, "too_long"),
    ],
)
def test_bad_frames_are_refused_with_a_reason(raw: str, reason: str) -> None:
    """Each kind of malformed frame raises ProtocolError with its own reason code."""
    with pytest.raises(ProtocolError) as exc:
        parse_client(raw)
    assert exc.value.reason == reason


def test_a_message_of_exactly_the_limit_is_accepted() -> None:
    """2,000 characters is allowed; the limit is inclusive."""
    assert parse_client(frame(type="message", text="x" * MAX_TEXT)).text == "x" * MAX_TEXT


@given(st.text(max_size=3000))
def test_any_text_either_parses_or_is_refused_cleanly(text: str) -> None:
    """No input text makes the parser raise anything but ProtocolError."""
    try:
        msg = parse_client(frame(type="message", text=text))
    except ProtocolError:
        assert len(text) > MAX_TEXT or len(frame(type="message", text=text)) > 8192
    else:
        assert msg.text == text


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("07700 900123", "+447700900123"),
        ("+44 7700 900123", "+447700900123"),
        ("0044 (0)1223 555 000".replace("(0)", ""), "+441223555000"),
        ("01223-555-000", "+441223555000"),
        ("12345", None),
        ("+1 415 555 0100", None),
        ("", None),
        ("0800 abc", None),
    ],
)
def test_uk_numbers_are_normalised_or_refused(raw: str, e164: str | None) -> None:
    """UK numbers in any common spelling become E.164; others are refused."""
    assert uk_number(raw) == e164


@pytest.mark.parametrize(
    ("agent", "shown"),
    [
        ("sam", "Sam"),
        ("sam.jones", "Sam"),
        ("Sam Jones", "Sam"),
        ("ann@council.gov.uk", "Ann"),
        ("", "A member of staff"),
        ("McKenzie", "McKenzie"),
    ],
)
def test_citizens_see_a_first_name(agent: str, shown: str) -> None:
    """Staff are shown by first name only."""
    assert first_name(agent) == shown


def test_actions_render_as_protocol_messages() -> None:
    """Say and Ask become say/ask with text, options and language; End renders nothing."""
    out = render_actions(
        [Say("Hello."), Ask("Which?", (Option("1", "Bins"),), "choice"), End()], "pl"
    )
    assert out == [
        {"type": "say", "text": "Hello.", "lang": "pl"},
        {
            "type": "ask",
            "text": "Which?",
            "options": [{"key": "1", "label": "Bins"}],
            "expect": "choice",
            "lang": "pl",
        },
    ]


def test_sliding_window_allows_the_limit_then_recovers() -> None:
    """N events pass in a window, the next is refused, and the window slides on."""
    now = [0.0]
    window = SlidingWindow(3, 10.0, clock=lambda: now[0])
    assert [window.allow() for _ in range(4)] == [True, True, True, False]
    now[0] = 10.0
    assert window.allow()


def test_connection_counter_limits_and_forgets() -> None:
    """Connections per address are capped and released."""
    c = ConnectionCounter(2)
    assert c.acquire("1.2.3.4") and c.acquire("1.2.3.4")
    assert not c.acquire("1.2.3.4")
    assert c.acquire("5.6.7.8")
    c.release("1.2.3.4")
    assert c.count("1.2.3.4") == 1 and c.acquire("1.2.3.4")


@pytest.mark.parametrize(
    ("origin", "host", "allowed"),
    [
        (None, "assist.example", True),
        ("https://assist.example", "internal:8000", True),
        ("https://assist.example:443", "internal:8000", True),
        ("http://127.0.0.1:8000", "127.0.0.1:8000", True),
        ("https://evil.example", "assist.example", False),
        ("https://assist.example.evil.example", "x", False),
        ("null", "assist.example", False),
        ("http://assist.example", "internal", False),
    ],
)
def test_origin_check(origin: str | None, host: str, allowed: bool) -> None:
    """Only the public origin or the same host may open the socket; no Origin = not a browser."""
    assert origin_allowed(origin, host, "https://assist.example") is allowed


def test_origin_of_drops_default_ports_and_paths() -> None:
    """Origins compare on scheme, host and non-default port."""
    assert origin_of("HTTPS://Assist.Example:443/chat?x=1") == "https://assist.example"
    assert origin_of("http://h:8080/") == "http://h:8080"


def test_every_page_language_has_every_label(prompts: Prompts) -> None:
    """Each page language translates every label English has, with the same placeholders."""
    for lang in PAGE_LANGUAGES:
        for key in all_page_strings(prompts)["en"]:
            assert prompts.has(lang, f"page.{key}"), (lang, key)
    page = all_page_strings(prompts)
    for lang, table in page.items():
        assert set(table) == set(page["en"]), lang
        for key, text in table.items():
            assert ("{n}" in text) == ("{n}" in page["en"][key]), (lang, key)
            assert ("{minutes}" in text) == ("{minutes}" in page["en"][key]), (lang, key)


def test_browser_language_tags_map_to_page_languages() -> None:
    """pl-PL gives pl, unknown or empty gives English."""
    assert page_language("pl-PL") == "pl"
    assert page_language("pt_BR") == "pt"
    assert page_language("de-DE") == "en"
    assert page_language(None) == "en"
