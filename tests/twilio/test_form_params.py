"""`form_params` reads a webhook's form exactly as Starlette's `request.form()` does."""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.requests import Request

from assist.twilio.webhooks import form_params

URLENCODED = "application/x-www-form-urlencoded"


def request(body: bytes, content_type: str = URLENCODED, chunk: int = 0) -> Request:
    """A Starlette request carrying `body`, delivered in pieces of `chunk` bytes (0: whole)."""
    pieces = [body[i : i + chunk] for i in range(0, len(body), chunk)] if chunk else []
    pieces = pieces or [body]
    messages = [
        {"type": "http.request", "body": piece, "more_body": i < len(pieces) - 1}
        for i, piece in enumerate(pieces)
    ]

    async def receive() -> dict[str, object]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/twilio/voice",
        "headers": [(b"content-type", content_type.encode("latin-1"))],
        "query_string": b"",
    }
    return Request(scope, receive)


async def starlettes(body: bytes, content_type: str = URLENCODED, chunk: int = 0) -> dict[str, str]:
    form = await request(body, content_type, chunk).form()
    return {k: str(v) for k, v in form.multi_items()}


def both(body: bytes, content_type: str = URLENCODED, chunk: int = 0) -> tuple[object, object]:
    async def read() -> tuple[object, object]:
        return (
            await form_params(request(body, content_type, chunk)),
            await starlettes(body, content_type, chunk),
        )

    return asyncio.run(read())


raw = st.binary(max_size=80) | st.text(
    alphabet=st.sampled_from("ab=&+%2F0 ;é\x00"), max_size=40
).map(lambda t: t.encode("utf-8"))
pairs = st.lists(st.tuples(st.text(max_size=10), st.text(max_size=20)), max_size=8)


@settings(max_examples=400, deadline=None)
@given(raw, st.integers(0, 7))
def test_any_body_reads_as_starlette_reads_it(body: bytes, chunk: int) -> None:
    """Any bytes at all (separators, empty names and values, bad escapes, non-UTF-8)."""
    mine, theirs = both(body, chunk=chunk)
    assert mine == theirs


@settings(max_examples=200, deadline=None)
@given(pairs, st.sampled_from([URLENCODED, "application/x-www-form-urlencoded; charset=utf-8"]))
def test_encoded_forms_read_as_starlette_reads_them(fields: list[tuple[str, str]], ct: str) -> None:
    """Forms as a client encodes them (repeated names: the last value)."""
    mine, theirs = both(urlencode(fields).encode(), ct)
    assert mine == theirs


def test_a_twilio_form() -> None:
    body = b"CallSid=CA0123&From=%2B447700900001&SpeechResult=Mill+Road%2C+Cambridge&Digits="
    mine, theirs = both(body)
    assert (
        mine
        == theirs
        == {
            "CallSid": "CA0123",
            "From": "+447700900001",
            "SpeechResult": "Mill Road, Cambridge",
            "Digits": "",
        }
    )


def test_other_content_types_go_through_starlette() -> None:
    multipart = b'--xyz\r\nContent-Disposition: form-data; name="Digits"\r\n\r\n1\r\n--xyz--\r\n'
    mine, theirs = both(multipart, "multipart/form-data; boundary=xyz")
    assert mine == theirs == {"Digits": "1"}
    assert both(b"Digits=1", "text/plain") == ({}, {})
