"""`TwilioRest` against the fake Twilio REST API on a real HTTP server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from assist.settings import Settings
from assist.twilio.fake import TwilioState, create_twilio_fake, serving
from assist.twilio.rest import (
    PermanentSendError,
    TemporarySendError,
    TwilioRest,
    TwilioSendError,
    Unsubscribed,
    classify,
)

SID = "AC" + "1" * 32


@pytest.fixture
def fake() -> Iterator[tuple[str, TwilioState]]:
    app, state = create_twilio_fake(SID, "secret-token")
    with serving(app) as url:
        yield url, state


def rest_for(url: str, tmp_path: Path, token: str = "secret-token") -> TwilioRest:
    settings = Settings(
        data_dir=tmp_path,
        twilio_account_sid=SID,
        twilio_auth_token=SecretStr(token),
        twilio_phone_number="+441223000000",
        twilio_api_base_url=url,
    )
    return TwilioRest(settings)


async def test_send_sms_posts_the_documented_form(
    fake: tuple[str, TwilioState], tmp_path: Path
) -> None:
    """A text is POSTed to Messages.json with To, From, Body, StatusCallback; SID returned."""
    url, state = fake
    sid = await rest_for(url, tmp_path).send_sms(
        "+447700900001", "Hello", status_callback="https://x.test/twilio/sms/status"
    )
    assert sid.startswith("SM")
    (req,) = state.requests
    assert req["path"] == f"/2010-04-01/Accounts/{SID}/Messages.json"
    assert req["form"] == {
        "To": "+447700900001",
        "From": "+441223000000",
        "Body": "Hello",
        "StatusCallback": "https://x.test/twilio/sms/status",
    }
    assert state.messages[0]["sid"] == sid


async def test_rate_limit_is_temporary_with_retry_after(
    fake: tuple[str, TwilioState], tmp_path: Path
) -> None:
    """A 429 becomes a TemporarySendError carrying Retry-After; nothing is sent."""
    url, state = fake
    state.rate_limit_next(retry_after=7)
    with pytest.raises(TemporarySendError) as err:
        await rest_for(url, tmp_path).send_sms("+447700900001", "Hello")
    assert err.value.retry_after_s == 7.0
    assert err.value.code == 20429
    assert state.messages == []


async def test_unsubscribed_recipient_is_permanent(
    fake: tuple[str, TwilioState], tmp_path: Path
) -> None:
    """Error 21610 becomes Unsubscribed, a permanent failure."""
    url, state = fake
    state.unsubscribed.add("+447700900002")
    with pytest.raises(Unsubscribed) as err:
        await rest_for(url, tmp_path).send_sms("+447700900002", "Hello")
    assert isinstance(err.value, PermanentSendError)
    assert err.value.code == 21610


async def test_invalid_number_and_server_error(
    fake: tuple[str, TwilioState], tmp_path: Path
) -> None:
    """21211 is permanent (not Unsubscribed); a 500 is temporary."""
    url, state = fake
    state.invalid.add("+4412")
    rest = rest_for(url, tmp_path)
    with pytest.raises(PermanentSendError) as err:
        await rest.send_sms("+4412", "Hello")
    assert not isinstance(err.value, Unsubscribed)
    state.server_error_next()
    with pytest.raises(TemporarySendError):
        await rest.send_sms("+447700900001", "Hello")


async def test_wrong_token_is_refused(fake: tuple[str, TwilioState], tmp_path: Path) -> None:
    """The fake checks basic auth: a wrong token gets 401 / 20003."""
    url, _ = fake
    with pytest.raises(TwilioSendError) as err:
        await rest_for(url, tmp_path, token="wrong").send_sms("+447700900001", "Hello")
    assert err.value.status == 401


async def test_calls_create_and_update(fake: tuple[str, TwilioState], tmp_path: Path) -> None:
    """Calls.json creates a CA call with Twiml; Calls/{Sid}.json updates it."""
    url, state = fake
    rest = rest_for(url, tmp_path)
    sid = await rest.create_call("+447700900001", "+441223000000", twiml="<Response/>")
    assert sid.startswith("CA")
    await rest.update_call(sid, "<Response><Say>Hi</Say></Response>")
    assert state.call_updates[0]["Twiml"] == "<Response><Say>Hi</Say></Response>"
    with pytest.raises(PermanentSendError):
        await rest.update_call("CA" + "9" * 32, "<Response/>")


async def test_unreachable_twilio_is_temporary(tmp_path: Path) -> None:
    """A refused connection is a temporary failure."""
    with pytest.raises(TemporarySendError):
        await rest_for("http://127.0.0.1:9", tmp_path).send_sms("+447700900001", "Hi")


@pytest.mark.parametrize(
    ("status", "code", "kind"),
    [
        (400, 21610, Unsubscribed),
        (400, 21211, PermanentSendError),
        (400, 21614, PermanentSendError),
        (429, 20429, TemporarySendError),
        (429, None, TemporarySendError),
        (503, None, TemporarySendError),
        (500, 20500, TemporarySendError),
    ],
)
def test_classify_table(status: int, code: int | None, kind: type[Exception]) -> None:
    """Twilio's status and error codes map to permanent or temporary failures."""
    assert type(classify(status, code, "x")) is kind
