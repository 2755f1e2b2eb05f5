"""Out of hours, a safeguarding hand-off hears 999 and the emergency duty team before the
callback offer, and is never hung up on."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from assist.app import bind, create_app, open_service
from assist.ivr.twilio.phone import SimulatedPhone
from tests.ivr.twilio.conftest import Clock, make_settings
from tests.ivr.twilio.rules import check_document

FRIDAY_8PM = 1_783_710_000.0  # Friday 10 July 2026, 20:00 in London
DUTY = "01733 234 724"
DANGER = "If anyone is in immediate danger, call 999 now."
DUTY_LINE = f"Out of hours, the emergency duty team can help on {DUTY}."
OFFER = "For a call back when we reopen, press 1. To end the call, press 2."

Caller = Callable[[str], Awaitable[SimulatedPhone]]


@pytest.fixture
def duty_number() -> str | None:
    return DUTY


@pytest.fixture
async def closed_line(
    tmp_path: Path, dialogue: Any, monkeypatch: pytest.MonkeyPatch, duty_number: str | None
) -> AsyncIterator[Caller]:
    """A phone line outside opening hours with nobody signed in; yields a caller factory."""
    monkeypatch.setattr("assist.service.load_dialogue", lambda: dialogue)
    settings = make_settings(
        tmp_path,
        opening_hours="Mon-Fri 08:00-18:00",
        timezone="Europe/London",
        emergency_duty_number=duty_number,
    )
    rt = await open_service(settings)
    rt.conversations.clock = Clock(FRIDAY_8PM)
    app = create_app(settings, service=rt)
    bind(app, rt)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:

        async def call(number: str) -> SimulatedPhone:
            p = SimulatedPhone(c, settings, number)
            await p.dial()
            return p

        yield call
    await rt.close()


def before(said: list[str], first: str, then: str) -> bool:
    """True when `first` is heard (within some Say) before `then` is."""
    i = next(n for n, s in enumerate(said) if first in s)
    j = next(n for n, s in enumerate(said) if then in s)
    return i < j


async def test_a_safeguarding_caller_hears_999_and_the_duty_team_before_the_offer(
    closed_line: Caller,
) -> None:
    """Care, then "someone is at risk": 999 and the duty team number, then when we reopen
    and the callback offer, in that order; the call stays open and 1 books the callback."""
    p = await closed_line("+447700900601")
    await p.press("3")
    heard = await p.press("1")
    assert heard.state == "listening"
    assert before(heard.said, DANGER, DUTY_LINE)
    assert before(heard.said, DUTY_LINE, "We're open again on Monday at 8am")
    assert heard.said[-1] == OFFER
    assert sum(DANGER in s for s in heard.said) == 1, "999 is said once, not twice in a row"
    assert not any("putting you through" in s for s in heard.said), "no promise of a person"
    check_document(heard.documents[-1])
    assert "<Hangup" not in heard.documents[-1]
    done = await p.press("1")
    assert done.state == "ended" and "We'll ring you back on Monday at 8am" in done.said[-1]


async def test_a_silent_safeguarding_caller_hears_the_safety_numbers_again(
    closed_line: Caller,
) -> None:
    """After one silence the 999 and duty team lines come again with the offer."""
    p = await closed_line("+447700900602")
    await p.press("3")
    await p.press("1")
    again = await p.silence()
    assert again.state == "listening"
    assert again.said == [DANGER, DUTY_LINE, OFFER]


async def test_an_ordinary_hand_off_out_of_hours_hears_no_emergency_lines(
    closed_line: Caller,
) -> None:
    """0 for a person when closed: the ordinary closed offer, no 999, no duty team."""
    p = await closed_line("+447700900603")
    heard = await p.press("0")
    assert heard.said[-1] == OFFER
    assert not any("999" in s or DUTY in s for s in heard.said)


@pytest.mark.parametrize("duty_number", [None])
async def test_without_a_duty_number_only_999_is_said(closed_line: Caller) -> None:
    """No emergency duty number configured: 999, then the closed offer; no duty team line."""
    p = await closed_line("+447700900604")
    await p.press("3")
    heard = await p.press("1")
    assert any(DANGER in s for s in heard.said)
    assert not any("emergency duty team" in s for s in heard.said)
    assert heard.said[-1] == OFFER


async def test_a_withheld_safeguarding_caller_is_not_hung_up_on(closed_line: Caller) -> None:
    """No number to ring back: the safety numbers, then 9 to hear them again or 2 to end;
    the call ends only when the caller chooses to."""
    p = await closed_line("anonymous")
    await p.press("3")
    heard = await p.press("1")
    assert heard.state == "listening"
    assert "<Hangup" not in heard.documents[-1]
    assert any(DUTY_LINE in s for s in heard.said)
    assert heard.said[-1] == "To hear that again, press 9. To end the call, press 2."
    again = await p.press("9")
    assert again.state == "listening" and again.said[:2] == [DANGER, DUTY_LINE]
    silent = await p.silence()
    assert silent.state == "listening" and silent.said[:2] == [DANGER, DUTY_LINE]
    done = await p.press("2")
    assert done.state == "ended"
    check_document(done.documents[-1], hangup_allowed=True)
