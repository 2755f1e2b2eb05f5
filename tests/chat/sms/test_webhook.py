"""The SMS channel end to end: signed webhooks on a real server, real store, fake Twilio REST."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from assist.chat.sms.router import twiml_reply
from assist.dialogue.prompts import Prompts
from assist.notify.scheduler import Notifier
from assist.service import Service
from assist.twilio.fake import TwilioState, create_twilio_fake
from assist.twilio.fake import serving as serving_in_thread
from assist.twilio.webhooks import sign
from tests.chat.sms.helpers import PUBLIC, Phone, drain, fast_config, running_assist, sent_texts
from tests.conftest import Database

SID = "AC" + "5" * 32
TOKEN = "webhook-and-rest-token"
CITIZEN = "+447700900111"

pytestmark = pytest.mark.both_stores


@pytest.fixture
def twilio() -> Iterator[tuple[str, TwilioState]]:
    app, state = create_twilio_fake(SID, TOKEN)
    with serving_in_thread(app) as url:
        yield url, state


@pytest.fixture
async def assist(
    tmp_path: Path, twilio: tuple[str, TwilioState], database: Database
) -> AsyncIterator[tuple[Service, Phone, TwilioState]]:
    url, state = twilio
    async with running_assist(
        tmp_path,
        database_url=database.url,
        twilio_account_sid=SID,
        twilio_auth_token=SecretStr(TOKEN),
        twilio_phone_number="+441223000000",
        twilio_api_base_url=url,
    ) as (rt, _sender, client):
        yield rt, Phone(client, rt.settings, CITIZEN), state


async def report_rows(rt: Service) -> list[dict[str, object]]:
    async with rt.store.transaction() as tx:
        return await tx.fetchall("SELECT * FROM outbox WHERE kind = 'report'")


async def test_unsigned_webhook_is_refused(assist: tuple[Service, Phone, TwilioState]) -> None:
    """A text without a valid X-Twilio-Signature gets 403 and does nothing."""
    rt, phone, _ = assist
    response = await phone.client.post(
        "/twilio/sms",
        data={"MessageSid": "SM1", "From": CITIZEN, "Body": "STOP"},
        headers={"X-Twilio-Signature": "forged"},
    )
    assert response.status_code == 403
    async with rt.store.transaction() as tx:
        assert await tx.fetchall("SELECT * FROM notify_optouts") == []


async def test_reply_is_twiml_message(assist: tuple[Service, Phone, TwilioState]) -> None:
    """The reply is Messaging TwiML: <Response><Message>...</Message></Response>, XML type."""
    _, phone, _ = assist
    response = await phone.text("hello")
    assert response.headers["content-type"].startswith("application/xml")
    assert response.text.startswith('<?xml version="1.0" encoding="UTF-8"?><Response><Message>')
    assert "Reply 1 Bins" in response.text
    assert twiml_reply([]) == '<?xml version="1.0" encoding="UTF-8"?><Response />'


async def missed_bin(phone: Phone, confirm_sid: str = "SM" + "c" * 32) -> str:
    """Report a missed black bin at 12 Mill Road; returns the confirmation reply."""
    assert "Reply 1 Bins" in await phone.reply("hello")
    bins_menu = await phone.reply("1")
    key = re.search(r"(\d) A missed bin", bins_menu)
    assert key, bins_menu
    assert "postcode" in (await phone.reply(key.group(1))).lower()
    assert "12 Mill Road" in await phone.reply("CB1 2AD")
    assert "Which bin" in await phone.reply("1")
    assert "Is that right" in await phone.reply("1")
    return await phone.reply("1", sid=confirm_sid)


async def test_missed_bin_by_sms_gets_reference_then_council_reference(
    assist: tuple[Service, Phone, TwilioState],
) -> None:
    """A full report by text: Assist's reference at once, then the council's reference by text."""
    rt, phone, twilio = assist
    done = await missed_bin(phone)
    ref = re.search(r"reference is (AS[-\w]+)", done)
    assert ref, done
    await drain(rt)  # the report reaches the council
    notifier = Notifier(
        rt.store,
        rt.services,
        rt.dialogue.prompts,
        fast_config(rt.settings, quiet_start=dt.time(0), quiet_end=dt.time(0)),
    )
    await notifier.tick()
    await drain(rt)
    texts = [m for m in twilio.messages if m["to"] == CITIZEN]
    assert len(texts) == 1
    assert ref.group(1) in texts[0]["body"]
    assert "1001" in texts[0]["body"]  # the in-memory council's first reference
    await notifier.tick()
    await drain(rt)
    assert len([m for m in twilio.messages if m["to"] == CITIZEN]) == 1


async def test_message_sid_retry_makes_one_report(
    assist: tuple[Service, Phone, TwilioState],
) -> None:
    """Twilio retrying the confirming text (same MessageSid) gets the same reply, one report."""
    rt, phone, _ = assist
    first = await missed_bin(phone, confirm_sid="SM" + "7" * 32)
    again = await phone.reply("1", sid="SM" + "7" * 32)
    assert again == first
    assert len(await report_rows(rt)) == 1


async def test_stop_suppresses_every_later_text(assist: tuple[Service, Phone, TwilioState]) -> None:
    """After STOP: a confirmation, no replies, and the outbox never texts the number."""
    rt, phone, twilio = assist
    assert "won't get any more texts" in await phone.reply(" Stop ")
    assert await phone.reply("hello") == ""
    async with rt.store.transaction() as tx:
        from assist.store import core

        await core.enqueue_outbox(
            tx,
            kind="sms",
            key="reminder-x",
            payload={"to": CITIZEN, "text": "Bins tomorrow", "purpose": "info"},
            recipient=CITIZEN,
        )
        await core.enqueue_outbox(
            tx,
            kind="staff_reply",
            key="staff-x",
            payload={
                "session_id": "s",
                "channel": "sms",
                "to": CITIZEN,
                "text": "Hello from staff",
            },
            recipient=CITIZEN,
        )
    await drain(rt)
    assert twilio.messages == []
    async with rt.store.transaction() as tx:
        rows = await tx.fetchall("SELECT status FROM outbox WHERE key IN ('reminder-x','staff-x')")
    assert [r["status"] for r in rows] == ["failed", "failed"]
    assert "back on" in await phone.reply("YES")
    assert "Reply 1" in await phone.reply("hello")


async def test_stop_please_is_a_conversation_not_an_opt_out(
    assist: tuple[Service, Phone, TwilioState],
) -> None:
    """'stop please' goes to the conversation; the number is not suppressed."""
    rt, phone, _ = assist
    await phone.reply("stop please")
    async with rt.store.transaction() as tx:
        assert await tx.fetchall("SELECT * FROM notify_optouts") == []


async def test_polish_opt_out_confirmed_and_help(
    assist: tuple[Service, Phone, TwilioState],
) -> None:
    """KONIEC opts out; HELP says what the number is, the phone number and the hours."""
    rt, phone, _ = assist
    assert await phone.reply("KONIEC")
    async with rt.store.transaction() as tx:
        row = await tx.fetchone("SELECT * FROM notify_optouts WHERE number = ?", (CITIZEN,))
    assert row is not None and row["source"] == "keyword"
    help_text = await phone.reply("HELP")
    assert rt.settings.phone_number_display in help_text
    assert rt.settings.opening_hours in help_text
    assert rt.settings.council_name in help_text


async def test_status_callback_recorded_and_21610_flags(
    assist: tuple[Service, Phone, TwilioState],
) -> None:
    """Delivery callbacks are stored with their history; an undelivered 21610 suppresses."""
    rt, phone, _ = assist
    for status, code in (("sent", None), ("undelivered", "21610")):
        params = {
            "MessageSid": "SM" + "5" * 32,
            "MessageStatus": status,
            "To": CITIZEN,
            "AccountSid": SID,
            **({"ErrorCode": code} if code else {}),
        }
        sig = sign(rt.settings, PUBLIC + "/twilio/sms/status", params)
        r = await phone.client.post(
            "/twilio/sms/status", data=params, headers={"X-Twilio-Signature": sig}
        )
        assert r.status_code == 204
    async with rt.store.transaction() as tx:
        row = await tx.fetchone("SELECT * FROM sms_status WHERE sid = ?", ("SM" + "5" * 32,))
        opted = await tx.fetchone("SELECT * FROM notify_optouts WHERE number = ?", (CITIZEN,))
    assert row is not None and row["status"] == "undelivered" and row["error_code"] == "21610"
    assert opted is not None and opted["source"] == "provider"


async def test_twilio_21610_on_send_flags_the_number(
    assist: tuple[Service, Phone, TwilioState],
) -> None:
    """Twilio refusing with 21610 marks the number suppressed and fails the row for good."""
    rt, _, twilio = assist
    twilio.unsubscribed.add(CITIZEN)
    async with rt.store.transaction() as tx:
        from assist.store import core

        await core.enqueue_outbox(
            tx, kind="sms", key="k21610", payload={"to": CITIZEN, "text": "Hi", "purpose": "info"}
        )
    await drain(rt)
    async with rt.store.transaction() as tx:
        row = await tx.fetchone("SELECT status, last_error FROM outbox WHERE key = 'k21610'")
        opted = await tx.fetchone("SELECT * FROM notify_optouts WHERE number = ?", (CITIZEN,))
    assert row is not None and row["status"] == "failed" and "21610" in row["last_error"]
    assert opted is not None


async def test_twilio_429_retries_after_retry_after(
    assist: tuple[Service, Phone, TwilioState],
) -> None:
    """A 429 leaves the row pending until Retry-After; then it is sent once."""
    rt, _, twilio = assist
    twilio.rate_limit_next(retry_after=30)
    async with rt.store.transaction() as tx:
        from assist.store import core

        await core.enqueue_outbox(
            tx, kind="sms", key="k429", payload={"to": CITIZEN, "text": "Hi", "purpose": "info"}
        )
    await drain(rt)
    async with rt.store.transaction() as tx:
        row = await tx.fetchone("SELECT * FROM outbox WHERE key = 'k429'")
    assert row is not None and row["status"] == "pending"
    assert row["next_attempt_at"] - row["updated_at"] == pytest.approx(30, abs=1)
    assert twilio.messages == []
    rt.outbox.clock = lambda: row["next_attempt_at"] + 1
    await drain(rt)
    assert len(twilio.messages) == 1
    await drain(rt)
    assert len(twilio.messages) == 1


async def test_keyword_texts_have_english_defaults(prompts: Prompts) -> None:
    """Every prompt key the channel uses has an English fallback text (in en.yaml)."""
    for key in ("sms.help", "sms.stopped", "sms.started", "sms.call_offer"):
        assert prompts.has("en", key), key


async def test_dev_sink_without_credentials(tmp_path: Path) -> None:
    """With no Twilio credentials, texts are recorded in sms_sent (via 'dev'), not sent."""
    async with running_assist(tmp_path) as (rt, _sender, client):
        async with rt.store.transaction() as tx:
            from assist.store import core

            await core.enqueue_outbox(
                tx, kind="sms", key="dev1", payload={"to": CITIZEN, "text": "Hi", "purpose": "info"}
            )
        await drain(rt)
        (row,) = await sent_texts(rt, CITIZEN)
        assert row["via"] == "dev" and row["text"] == "Hi"
        page = await client.get("/dev/sms")
        assert page.status_code == 200
        assert page.json()["texts"][0]["text"] == "Hi"


async def test_dev_texts_hidden_when_twilio_is_configured(
    assist: tuple[Service, Phone, TwilioState],
) -> None:
    """With real credentials there is no development page of texts."""
    _, phone, _ = assist
    assert (await phone.client.get("/dev/sms")).status_code == 404


async def test_a_signed_text_cannot_be_replayed_by_moving_characters(
    assist: tuple[Service, Phone, TwilioState],
) -> None:
    """Issue 20 item 4: Twilio's signature joins names and values without separators, so
    `NumMedia` folded into `MessageSid` kept the signature and made a "new" message: "2"
    was processed twice. A SID out of shape, or another account's, is refused."""
    rt, phone, _ = assist
    sid = "SM" + "4" * 32
    params = {
        "MessageSid": sid,
        "AccountSid": SID,
        "From": CITIZEN,
        "To": "+441223000000",
        "Body": "2",
        "NumMedia": "0",
        "NumSegments": "1",
    }
    signature = sign(rt.settings, PUBLIC + "/twilio/sms", params)
    first = await phone.client.post(
        "/twilio/sms", data=params, headers={"X-Twilio-Signature": signature}
    )
    assert first.status_code == 200
    forged = {k: v for k, v in params.items() if k != "NumMedia"}
    forged["MessageSid"] = sid + "NumMedia0"
    assert sign(rt.settings, PUBLIC + "/twilio/sms", forged) == signature  # still signed
    replayed = await phone.client.post(
        "/twilio/sms", data=forged, headers={"X-Twilio-Signature": signature}
    )
    assert replayed.status_code == 403
    other = {**params, "MessageSid": "SM" + "6" * 32, "AccountSid": "AC" + "9" * 32}
    res = await phone.client.post(
        "/twilio/sms",
        data=other,
        headers={"X-Twilio-Signature": sign(rt.settings, PUBLIC + "/twilio/sms", other)},
    )
    assert res.status_code == 403
    async with rt.store.transaction() as tx:
        rows = await tx.fetchall("SELECT * FROM transcripts WHERE role = 'citizen' AND text = '2'")
    assert len(rows) == 1
