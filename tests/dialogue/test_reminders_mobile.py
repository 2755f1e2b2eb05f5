"""Issue 19: bin-day reminders from any text channel: a chat asks for a mobile that must
agree by text; the phone and SMS use the citizen's own number, as before."""

from __future__ import annotations

import pytest

from assist.dialogue.engine import Engine
from assist.dialogue.types import CallBackend, Channel, Session

from .helpers import asks, new_session, say, texts

MOBILE = "+447700900777"


async def to_the_offer(engine: Engine, session: Session) -> None:
    """Bins → collection day → postcode → 12 Mill Road: the reminder offer is asked."""
    await engine.start(session)
    await say(engine, session, digits="1")
    await say(engine, session, digits="1")
    await say(engine, session, text="CB1 2AD")
    await say(engine, session, digits="1")
    assert session.position == "bin_day.offer_reminder"


@pytest.mark.parametrize("channel", [Channel.WEB, Channel.TERMINAL])
async def test_a_chat_asks_for_a_mobile_and_asks_it_to_agree(
    engine: Engine, channel: Channel
) -> None:
    """Yes to reminders in a chat asks for a mobile; a UK mobile gets one request to agree
    (no subscription yet), and the citizen is told to reply YES to the text."""
    s = new_session(channel, "chat-1")
    await to_the_offer(engine, s)
    out = await say(engine, s, digits="1")
    (ask,) = asks(out)
    assert ask.text == "What's your mobile number? We'll send one text to check it's yours."
    assert ask.expect == "mobile" and ask.entry
    out = await say(engine, s, text="07700 900777")
    (write,) = [a for a in out if isinstance(a, CallBackend)]
    assert write.operation == "ask_consent"
    assert write.payload["number"] == MOBILE and write.payload["address_id"] == "cam-1"
    assert write.payload["session_id"] == s.id
    assert "I've texted 07700 900777. Reply YES to that text" in texts(out)
    assert "subscribe" not in [a.operation for a in out if isinstance(a, CallBackend)]


async def test_a_number_that_is_not_a_uk_mobile_is_explained(engine: Engine) -> None:
    """A landline or short number is refused with what to type; a second miss is a person."""
    s = new_session(Channel.WEB, "chat-2")
    await to_the_offer(engine, s)
    await say(engine, s, digits="1")
    out = await say(engine, s, text="01223 457000")
    assert "isn't a UK mobile number" in texts(out) and "starts 07" in texts(out)
    assert s.position == "bin_day.mobile"
    out = await say(engine, s, text="+44 (0)7700 900 777")
    assert [a.operation for a in out if isinstance(a, CallBackend)] == ["ask_consent"]


async def test_no_mobile_is_fine(engine: Engine) -> None:
    """ "No" at the mobile question says what we can do instead and carries on."""
    s = new_session(Channel.WEB, "chat-3")
    await to_the_offer(engine, s)
    await say(engine, s, digits="1")
    out = await say(engine, s, text="no")
    assert "We can only send reminders to a mobile" in texts(out)
    assert s.position == "main.anything_else"
    assert not [a for a in out if isinstance(a, CallBackend)]


@pytest.mark.parametrize("channel", [Channel.SMS, Channel.VOICE])
async def test_the_phone_and_sms_use_the_citizens_own_number(
    engine: Engine, channel: Channel
) -> None:
    """By phone or text, yes subscribes the number we already have; nothing is asked."""
    s = new_session(channel, MOBILE)
    await to_the_offer(engine, s)
    out = await say(engine, s, digits="1")
    assert not [a for a in asks(out) if a.expect == "mobile"]
    (write,) = [a for a in out if isinstance(a, CallBackend)]
    assert write.operation == "subscribe" and write.payload["number"] == MOBILE
    assert "07700 900777" in texts(out) and "+44" not in texts(out)


async def test_stopping_reminders_in_a_chat_says_how(engine: Engine) -> None:
    """Stopping from a chat says to reply BINS OFF (a typed number could be anyone's)."""
    s = new_session(Channel.WEB, "chat-4")
    await engine.start(s)
    await say(engine, s, digits="1")
    await say(engine, s, digits="3")
    out = await say(engine, s, digits="2")
    assert "reply BINS OFF" in texts(out)
    assert not [a for a in out if isinstance(a, CallBackend)]


async def test_a_chat_hint_names_the_buttons_not_a_number(engine: Engine) -> None:
    """Not understood in a chat: "choose one of the answers"; by SMS: "reply with a number"."""
    web = new_session(Channel.WEB, "chat-5")
    await engine.start(web)
    await say(engine, web, digits="1")
    out = await say(engine, web, text="zzzz qqqq")
    assert "Choose one of the answers" in texts(out) and "Reply with a number" not in texts(out)
    sms = new_session(Channel.SMS, MOBILE)
    await engine.start(sms)
    await say(engine, sms, digits="1")
    out = await say(engine, sms, text="zzzz qqqq")
    assert "Reply with a number" in texts(out)
