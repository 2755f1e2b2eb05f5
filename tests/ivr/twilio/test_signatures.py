"""Every phone webhook checks X-Twilio-Signature against the public URL (403 otherwise)."""

from __future__ import annotations

import httpx
import pytest

from assist.settings import Settings
from assist.twilio.webhooks import sign
from tests.ivr.twilio.conftest import PUBLIC

CALL = {
    "CallSid": "CA" + "1" * 32,
    "AccountSid": "AC" + "0" * 32,
    "From": "+447700900001",
    "To": "+441223000000",
    "CallStatus": "ringing",
    "Direction": "inbound",
}
HOOKS = [
    "/twilio/voice",
    "/twilio/voice/turn?step=main.menu&n=0",
    "/twilio/voice/status",
    "/twilio/voice/wait",
    "/twilio/voice/wait/key",
    "/twilio/voice/queued",
    "/twilio/voice/closed?n=0",
    "/twilio/voice/dial-done?entry=h_1&agent=a&kind=live",
]


async def test_a_correctly_signed_call_is_answered_with_twiml(
    client: httpx.AsyncClient, voice_settings: Settings
) -> None:
    """A request signed over the public URL and form gets 200 and text/xml TwiML."""
    r = await client.post(
        "/twilio/voice",
        data=CALL,
        headers={"X-Twilio-Signature": sign(voice_settings, PUBLIC + "/twilio/voice", CALL)},
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/xml")
    assert r.text.startswith('<?xml version="1.0" encoding="UTF-8"?><Response>')


@pytest.mark.parametrize("path", HOOKS)
async def test_every_hook_refuses_a_missing_signature(client: httpx.AsyncClient, path: str) -> None:
    """Without X-Twilio-Signature every phone webhook answers 403 and says nothing more."""
    r = await client.post(path, data=CALL)
    assert r.status_code == 403
    assert "signature" not in r.text.lower()


@pytest.mark.parametrize("path", HOOKS)
async def test_every_hook_refuses_a_tampered_form(
    client: httpx.AsyncClient, voice_settings: Settings, path: str
) -> None:
    """A form changed after signing (another caller's number) is refused with 403."""
    signature = sign(voice_settings, PUBLIC + path, CALL)
    r = await client.post(
        path, data={**CALL, "From": "+447700900999"}, headers={"X-Twilio-Signature": signature}
    )
    assert r.status_code == 403


async def test_a_signature_for_another_url_is_refused(
    client: httpx.AsyncClient, voice_settings: Settings
) -> None:
    """Signed for the internal address instead of ASSIST_PUBLIC_URL: 403 (proxy-safe check)."""
    signature = sign(voice_settings, "http://127.0.0.1:8000/twilio/voice", CALL)
    r = await client.post("/twilio/voice", data=CALL, headers={"X-Twilio-Signature": signature})
    assert r.status_code == 403


async def test_a_changed_query_string_is_refused(
    client: httpx.AsyncClient, voice_settings: Settings
) -> None:
    """The step and turn in the action URL are signed too: changing them gives 403."""
    signed = PUBLIC + "/twilio/voice/turn?step=main.menu&n=0"
    signature = sign(voice_settings, signed, CALL)
    r = await client.post(
        "/twilio/voice/turn?step=main.menu&n=5",
        data=CALL,
        headers={"X-Twilio-Signature": signature},
    )
    assert r.status_code == 403
    ok = await client.post(
        "/twilio/voice/turn?step=main.menu&n=0",
        data=CALL,
        headers={"X-Twilio-Signature": signature},
    )
    assert ok.status_code == 200


def test_signing_matches_twilios_published_example(tmp_path: object) -> None:
    """The simulator's signing reproduces Twilio's documented test vector."""
    settings = Settings(_env_file=None, twilio_auth_token="12345")  # type: ignore[call-arg,arg-type]
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    assert (
        sign(settings, "https://mycompany.com/myapp.php?foo=1&bar=2", params)
        == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    )


def test_production_without_a_token_refuses_webhooks(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """In production with no Twilio token every webhook is refused (403), never a 500."""
    from fastapi.testclient import TestClient

    from assist.app import create_app
    from assist.settings import Settings

    settings = Settings(
        data_dir=tmp_path,
        environment="production",
        council_api_key="k-123",
        secret_key="s-123456789-production",
        rasa_url="",
        _env_file=None,  # type: ignore[call-arg]
    )
    with TestClient(create_app(settings)) as client:
        res = client.post(
            "/twilio/voice",
            data={"CallSid": "CA1", "From": "+447700900001"},
            headers={"X-Twilio-Signature": "x"},
        )
        page = client.get("/try/phone")
    assert res.status_code == 403
    assert page.status_code == 404  # the simulator is for development only
