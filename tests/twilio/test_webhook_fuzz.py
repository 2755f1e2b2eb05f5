"""Hypothesis on the Twilio webhooks: the signature check and SID shapes as properties, and
every SMS and voice route given any form, signed or not, answering less than 500."""

from __future__ import annotations

import string
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from assist.app import create_app
from assist.settings import Settings
from assist.twilio.webhooks import DEV_AUTH_TOKEN, sid_problem, sign

PUBLIC = "https://assist.example.org"
ROUTES = [
    "/twilio/sms",
    "/twilio/sms/status",
    "/twilio/voice",
    "/twilio/voice/turn",
    "/twilio/voice/status",
    "/twilio/voice/wait",
    "/twilio/voice/wait/key",
    "/twilio/voice/queued",
    "/twilio/voice/closed",
    "/twilio/voice/dial-done",
    "/twilio/voice/after-stream",
]
HEX = "0123456789abcdef"
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
"""Form text as Twilio could send it (form bodies are UTF-8: no lone surrogates)."""


def sid(prefix: str) -> st.SearchStrategy[str]:
    """A SID of Twilio's shape, or now and then anything at all."""
    good = st.text(HEX, min_size=32, max_size=32).map(lambda h: prefix + h)
    return st.one_of(good, good, good, TEXT)


NUMBERS = st.one_of(
    st.from_regex(r"\A\+44[0-9]{10}\Z"),
    st.sampled_from(["anonymous", "Restricted", "+266696687", "", "client:anna"]),
    TEXT,
)
FIELDS = {
    "MessageSid": sid("SM"),
    "SmsSid": sid("SM"),
    "CallSid": sid("CA"),
    "AccountSid": sid("AC"),
    "From": NUMBERS,
    "To": NUMBERS,
    "Body": st.one_of(TEXT, st.sampled_from(["2", "menu", "STOP", "START", "HELP", "yes"])),
    "Digits": st.one_of(st.text("0123456789*#", max_size=25), TEXT),
    "SpeechResult": TEXT,
    "Confidence": st.one_of(
        st.floats(allow_nan=True).map(str), TEXT, st.sampled_from(["nan", "inf", "-1"])
    ),
    "CallStatus": st.one_of(
        st.sampled_from(["ringing", "in-progress", "completed", "busy", "no-answer"]), TEXT
    ),
    "CallDuration": st.one_of(st.integers(-5, 10**12).map(str), TEXT),
    "MessageStatus": st.one_of(st.sampled_from(["delivered", "failed", "undelivered"]), TEXT),
    "ErrorCode": st.one_of(st.sampled_from(["21610", "30003"]), TEXT),
    "FromCountry": st.one_of(st.sampled_from(["GB", "PL", "LT", "RO", "PT"]), TEXT),
    "QueueResult": st.one_of(st.sampled_from(["hangup", "bridged", "leave"]), TEXT),
    "DialCallStatus": st.one_of(st.sampled_from(["completed", "busy", "no-answer"]), TEXT),
}
FORMS = st.fixed_dictionaries({}, optional=FIELDS).flatmap(
    lambda known: st.dictionaries(TEXT.filter(bool), TEXT, max_size=3).map(
        lambda extra: {**extra, **known}
    )
)
QUERIES = st.dictionaries(
    st.sampled_from(["step", "n", "entry", "agent", "leg", "lang", "x"]), TEXT, max_size=3
)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The whole app in development mode (webhooks signed with the development token)."""
    tmp: Path = tmp_path_factory.mktemp("webhooks")
    config = Settings(
        data_dir=tmp,
        public_url=PUBLIC,
        rasa_url="",
        opening_hours="Mon-Sun 00:00-23:59",
        _env_file=None,  # type: ignore[call-arg]
    )
    with TestClient(create_app(config), raise_server_exceptions=False) as c:
        yield c


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(route=st.sampled_from(ROUTES), form=FORMS, query=QUERIES)
def test_any_signed_form_on_any_route_is_answered_without_a_server_error(
    client: TestClient, route: str, form: dict[str, str], query: dict[str, str]
) -> None:
    """Signed by Twilio (so past the signature check) with any fields and values, every
    SMS and voice webhook answers 200 (204 for a status), or 403 for SIDs out of shape,
    never 5xx."""
    path = route + ("?" + urlencode(query) if query else "")
    signature = RequestValidator(DEV_AUTH_TOKEN).compute_signature(PUBLIC + path, form)
    r = client.post(path, data=form, headers={"X-Twilio-Signature": signature})
    assert r.status_code in (200, 204, 403), (r.status_code, r.text[:300])
    if r.status_code == 403:
        assert sid_problem(client.app.state.settings, form) is not None  # type: ignore[attr-defined]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    route=st.sampled_from(ROUTES),
    body=st.one_of(st.binary(max_size=300), TEXT.map(str.encode)),
    content_type=st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "multipart/form-data",
            "application/json",
            "text/plain",
            "",
        ]
    ),
    signature=st.one_of(st.just(""), TEXT.filter(lambda s: s.isascii())),
)
def test_any_body_without_a_good_signature_is_refused_not_a_crash(
    client: TestClient, route: str, body: bytes, content_type: str, signature: str
) -> None:
    """Raw bytes of any content type with no valid signature are refused (403) or rejected
    as a bad request, never a server error."""
    headers = {"X-Twilio-Signature": signature}
    if content_type:
        headers["Content-Type"] = content_type
    r = client.post(route, content=body, headers=headers)
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])


KEYS = st.sampled_from(["AccountSid", "Body", "From", "MessageSid", "To"])


@settings(max_examples=300, deadline=None)
@given(
    body=TEXT,
    sender=st.from_regex(r"\A\+44[0-9]{10}\Z"),
    message=st.text(HEX, min_size=32, max_size=32),
    cut=st.integers(1, 40),
    forward=st.booleans(),
    pair=st.integers(0, 3),
)
def test_moving_characters_between_parameters_never_makes_a_new_message(
    body: str, sender: str, message: str, cut: int, forward: bool, pair: int
) -> None:
    """Twilio signs names and values joined without separators. Moving characters across
    the boundary between two adjacent parameters may keep the signature, but what passes
    the SID check is the same message (same MessageSid) or has no MessageSid/From at all."""
    cfg = Settings(public_url=PUBLIC, rasa_url="", _env_file=None)  # type: ignore[call-arg]
    url = PUBLIC + "/twilio/sms"
    original = {
        "AccountSid": "AC" + "0" * 32,
        "Body": body,
        "From": sender,
        "MessageSid": "SM" + message,
        "To": "+441223000000",
    }
    signature = sign(cfg, url, original)
    items = sorted(original.items())
    (k1, v1), (k2, v2) = items[pair], items[pair + 1]
    if forward:  # the end of one value becomes the start of the next name
        moved = v1[-cut:] if cut <= len(v1) else None
        v1_new, k2_new = (v1[:-cut], moved + k2) if moved is not None else (v1, k2)
    else:  # the start of the next name becomes the end of this value
        v1_new, k2_new = (v1 + k2[:cut], k2[cut:]) if cut < len(k2) else (v1, k2)
    forged = dict(items)
    forged[k1] = v1_new
    del forged[k2]
    forged[k2_new] = v2
    if forged == original:
        return
    validator = RequestValidator(DEV_AUTH_TOKEN)
    if not validator.validate(url, forged, signature) or sid_problem(cfg, forged) is not None:
        return
    new_message = forged.get("MessageSid") and forged.get("From")
    assert not new_message or forged["MessageSid"] == original["MessageSid"], forged


@settings(max_examples=200, deadline=None)
@given(form=FORMS, path=st.text(string.ascii_letters + "/-", max_size=30))
def test_a_signature_fits_only_its_own_form_and_url(form: dict[str, str], path: str) -> None:
    """What `sign` makes validates for that URL and form, and not once a value or the URL
    changes."""
    cfg = Settings(public_url=PUBLIC, rasa_url="", _env_file=None)  # type: ignore[call-arg]
    url = PUBLIC + "/" + path
    signature = sign(cfg, url, form)
    validator = RequestValidator(DEV_AUTH_TOKEN)
    assert validator.validate(url, form, signature)
    assert not validator.validate(url + "x", form, signature)
    for key in form:
        assert not validator.validate(url, {**form, key: form[key] + "\u00e9"}, signature)
