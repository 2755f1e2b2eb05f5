"""Twilio retries, resuming after a drop, and the pothole journey over the phone."""

from __future__ import annotations

import pytest

from assist.service import Service
from assist.twilio.webhooks import sign
from tests.ivr.twilio.conftest import PUBLIC, Clock, PhoneFactory, count

pytestmark = [pytest.mark.both_stores, pytest.mark.usefixtures("database_env")]


async def walk_to_confirm(phone: PhoneFactory, caller: str = "+447700900201"):  # type: ignore[no-untyped-def]
    p = phone(caller)
    await p.dial()
    await p.press("2")
    await p.press("1")
    await p.say("Mill Road, Cambridge, outside number 12")
    confirm = await p.say("A deep pothole about a foot wide")
    assert "Shall I report it?" in " ".join(confirm.said)
    return p


async def test_a_twilio_retry_of_the_same_turn_files_exactly_one_report(
    phone: PhoneFactory, rt: Service
) -> None:
    """The same CallSid, step, turn and key sent twice gets the same TwiML and one report."""
    p = await walk_to_confirm(phone)
    assert p.gather is not None
    action = p.gather.action
    params = p._params(Digits="1")
    first = await p.post(action, params)
    again = await p.post(action, params)
    assert first == again
    assert "Your reference is" in first
    assert await count(rt, "SELECT COUNT(*) AS n FROM outbox WHERE kind = 'report'") == 1


async def test_a_retried_incoming_call_is_greeted_once(
    phone: PhoneFactory, rt: Service, client
) -> None:  # type: ignore[no-untyped-def]
    """Twilio retrying the incoming-call webhook gets the same greeting, one session."""
    p = phone("+447700900202")
    params = p._params(CallStatus="ringing")
    url = PUBLIC + "/twilio/voice"
    headers = {"X-Twilio-Signature": sign(p.settings, url, params)}
    a = await client.post("/twilio/voice", data=params, headers=headers)
    b = await client.post("/twilio/voice", data=params, headers=headers)
    assert a.text == b.text
    assert (
        await count(rt, "SELECT COUNT(*) AS n FROM sessions WHERE sender = ?", "+447700900202") == 1
    )


async def test_a_caller_cut_off_mid_report_is_welcomed_back_within_30_minutes(
    phone: PhoneFactory, clock: Clock
) -> None:
    """Redialling within 30 minutes: "Welcome back, you were reporting a pothole", carry on
    with 1 and the report continues where it stopped, without asking again."""
    p = phone("+447700900203")
    await p.dial()
    await p.press("2")
    await p.press("1")
    await p.say("Mill Road, Cambridge")
    await p.hang_up()
    clock.advance(10 * 60)
    again = phone("+447700900203")
    back = await again.dial()
    assert back.said[0].startswith("Welcome back. You were reporting a pothole")
    carry = await again.press("1")
    assert any("Tell me about the problem" in s for s in carry.said)


async def test_after_30_minutes_a_caller_starts_afresh(phone: PhoneFactory, clock: Clock) -> None:
    """Redialling after the window: the ordinary greeting, no welcome back."""
    p = phone("+447700900204")
    await p.dial()
    await p.press("2")
    await p.hang_up()
    clock.advance(31 * 60)
    fresh = await phone("+447700900204").dial()
    assert fresh.said[0].startswith("Hello, you've reached")


async def test_withheld_numbers_never_share_a_conversation(phone: PhoneFactory) -> None:
    """Two withheld callers each get a fresh greeting, not the other's welcome back."""
    a = phone("anonymous")
    await a.dial()
    await a.press("2")
    b = await phone("anonymous").dial()
    assert b.said[0].startswith("Hello, you've reached")


async def test_speech_reaches_the_engine_in_your_own_words(phone: PhoneFactory) -> None:
    """Saying "I want to report a pothole" at the top menu goes straight to the pothole flow."""
    p = phone("+447700900205")
    await p.dial()
    heard = await p.say("I want to report a pothole")
    assert any("Where is it?" in s for s in heard.said)


async def test_choosing_polish_speaks_polish_with_a_polish_voice(phone: PhoneFactory) -> None:
    """6 then 1 (Polski): the menu comes back in Polish, said by Polly.Ewa, heard as pl-PL."""
    p = phone("+447700900206")
    await p.dial()
    menu = await p.press("6")
    assert "Polski: naciśnij 1." in menu.said  # offered in Polish (issue 19)
    chosen = await p.press("1")
    assert chosen.state == "listening"
    doc = chosen.documents[0]
    assert 'voice="Polly.Ewa"' in doc and 'language="pl-PL"' in doc
    assert chosen.gather is not None and chosen.gather.language == "pl-PL"
    assert "naciśnij 1" in " ".join(chosen.said)
