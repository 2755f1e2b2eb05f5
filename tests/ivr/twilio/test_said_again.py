"""Saying a turn again (9 repeat, 8 slower) says its words, never an action again: "I've
sent the menu to you by text" is said once, when the text is sent (issue 19)."""

from __future__ import annotations

from assist.service import Service
from tests.ivr.twilio.conftest import PhoneFactory, count

SENT = "I've sent the menu to you by text."
SLOWER = "I'll speak more slowly."
MENU_TEXTS = "SELECT COUNT(*) AS n FROM outbox WHERE kind = 'sms' AND key LIKE 'sms:%'"


async def test_slower_after_the_menu_text_does_not_say_it_was_sent_again(
    rt: Service, phone: PhoneFactory
) -> None:
    """7 texts the menu and says so; 8 then 9 say the menu again, slowly, without claiming
    another text, and no other text is sent."""
    p = phone("+447700900301")
    await p.dial()
    texted = await p.press("7")
    assert SENT in texted.said
    assert await count(rt, MENU_TEXTS) == 1
    slower = await p.press("8")
    assert slower.said[0] == SLOWER
    assert SENT not in slower.said
    assert "What would you like to do?" in slower.said
    assert "Bins and recycling: press 1." in slower.said
    again = await p.press("9")
    assert SENT not in again.said and SLOWER not in again.said
    assert "What would you like to do?" in again.said
    assert await count(rt, MENU_TEXTS) == 1


async def test_pressing_8_twice_says_slower_once_each_time(phone: PhoneFactory) -> None:
    """The second 8 says "I'll speak more slowly" once, not once for each press so far."""
    p = phone("+447700900302")
    await p.dial()
    await p.press("8")
    twice = await p.press("8")
    assert twice.said.count(SLOWER) == 1


async def test_repeat_after_choosing_a_language_does_not_announce_it_again(
    phone: PhoneFactory,
) -> None:
    """6, 1 (Polski) says "Będę mówić po polsku"; 9 repeats the Polish menu without it."""
    p = phone("+447700900303")
    await p.dial()
    await p.press("6")
    chosen = await p.press("1")
    assert "Będę mówić po polsku." in chosen.said
    again = await p.press("9")
    assert "Będę mówić po polsku." not in again.said
    assert "W czym możemy pomóc?" in again.said


async def test_a_withheld_caller_is_never_told_the_menu_was_texted(
    rt: Service, phone: PhoneFactory
) -> None:
    """No number, no text: 7 says it cannot be sent (and queues nothing), then the menu."""
    p = phone("anonymous")
    await p.dial()
    heard = await p.press("7")
    assert SENT not in heard.said
    assert heard.said[0] == "Sorry, I can't send texts to this number. Here are the options again."
    assert "Bins and recycling: press 1." in heard.said
    assert await count(rt, "SELECT COUNT(*) AS n FROM outbox WHERE kind = 'sms'") == 0
