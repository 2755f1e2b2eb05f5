"""`signature_valid` answers exactly what Twilio's `RequestValidator.validate` answers."""

from __future__ import annotations

from urllib.parse import urlparse

from hypothesis import given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator, add_port, remove_port

from assist.twilio.webhooks import signature_valid

tokens = st.text(min_size=1, max_size=40)
bases = st.sampled_from(
    [
        "https://assist.example.org",
        "https://assist.example.org:443",
        "https://assist.example.org:8443",
        "http://127.0.0.1:8000",
        "http://assist.test",
    ]
)
paths = st.sampled_from(
    ["/twilio/voice", "/twilio/voice/turn?step=main.menu&n=3", "/twilio/sms", "/x?a=%20b&c="]
)
forms = st.dictionaries(st.text(max_size=12), st.text(max_size=20), max_size=8)


@settings(max_examples=300, deadline=None)
@given(tokens, bases, paths, forms, st.integers(0, 3), st.text(max_size=30), st.booleans())
def test_same_answer_as_twilios_validator(
    token: str, base: str, path: str, form: dict[str, str], how: int, junk: str, other_key: bool
) -> None:
    """Signed over the URL as given, without its port, with it, by another token, or junk."""
    url = base + path
    parsed = urlparse(url)
    signer = RequestValidator(token + "x" if other_key else token)
    signed_url = [url, remove_port(parsed), add_port(parsed), url][how]
    signature = signer.compute_signature(signed_url, form) if how < 3 else junk
    expected = RequestValidator(token).validate(url, form, signature)
    assert signature_valid(token, url, form, signature) is expected


def test_a_good_signature_passes_and_a_changed_form_fails() -> None:
    form = {"CallSid": "CA" + "1" * 32, "From": "+447700900001", "Digits": "1"}
    url = "https://assist.example.org/twilio/voice/turn?step=main.menu&n=0"
    signature = RequestValidator("token").compute_signature(url, form)
    assert signature_valid("token", url, form, signature)
    assert not signature_valid("token", url, {**form, "Digits": "2"}, signature)
    assert not signature_valid("token", url, form, "")
    assert not signature_valid("token", url, form, "é" + signature[1:])
