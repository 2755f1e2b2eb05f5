"""The one decision about waiting for a person, table-driven over the situations."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from assist.dialogue.prompts import Prompts
from assist.handoff.estimator import WaitEstimate
from assist.handoff.waiting import (
    Answering,
    Availability,
    availability,
    back_phrase,
    honest_says,
    on_entering,
    sentences,
)

HOURS = "Mon-Fri 08:00-18:00"
TZ = "Europe/London"
LONDON = ZoneInfo(TZ)
WEDNESDAY_11 = dt.datetime(2026, 7, 8, 11, 0, tzinfo=LONDON)
FRIDAY_20 = dt.datetime(2026, 7, 10, 20, 0, tzinfo=LONDON)
BANK_HOLIDAY = dt.date(2026, 8, 31)  # a Monday
HOLIDAY_11 = dt.datetime(2026, 8, 31, 11, 0, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("now", "staff", "expected", "back"),
    [
        (WEDNESDAY_11, 1, Answering.STAFFED, None),
        (WEDNESDAY_11, 0, Answering.NOBODY, None),
        (FRIDAY_20, 0, Answering.CLOSED, dt.datetime(2026, 7, 13, 8, 0, tzinfo=LONDON)),
        (FRIDAY_20, 2, Answering.STAFFED, None),  # someone working late answers
        (HOLIDAY_11, 0, Answering.HOLIDAY, dt.datetime(2026, 9, 1, 8, 0, tzinfo=LONDON)),
    ],
    ids=["in hours staffed", "in hours nobody", "out of hours", "late staff", "bank holiday"],
)
def test_who_is_answering(
    now: dt.datetime, staff: int, expected: Answering, back: dt.datetime | None
) -> None:
    """Staff signed in answer; else a bank holiday, out of hours, or nobody in hours."""
    av = availability(HOURS, TZ, now, {BANK_HOLIDAY}, staff)
    assert av.answering is expected
    assert av.back_at == back


def _est(upper: float) -> WaitEstimate:
    return WaitEstimate(upper / 2, upper, True)


def test_staffed_gives_place_wait_and_callback_by_the_one_rule(prompts: Prompts) -> None:
    """Place and honest wait; the callback offered only when the bound is over 3 minutes."""
    av = Availability(Answering.STAFFED)
    short = on_entering(av, position=1, estimate=_est(120), wait_words="w", back_words="b")
    long = on_entering(av, position=3, estimate=_est(600), wait_words="w", back_words="b")
    assert short.show_place and not short.offer_callback
    assert long.show_place and long.offer_callback
    assert sentences(prompts, "en", long) == ["You're number 3 in the queue. The wait is w."]


@pytest.mark.parametrize("kind", [Answering.CLOSED, Answering.HOLIDAY, Answering.NOBODY])
@pytest.mark.parametrize("lang", ["en", "pl", "lt", "ro", "pt"])
def test_nobody_answering_never_gives_a_place_or_minutes(
    prompts: Prompts, kind: Answering, lang: str
) -> None:
    """Out of hours, bank holiday, nobody signed in: say so, offer a callback, no place."""
    back = dt.datetime(2026, 7, 13, 8, 0, tzinfo=LONDON)
    av = Availability(kind, None if kind is Answering.NOBODY else back)
    ans = on_entering(
        av, position=4, estimate=_est(900), wait_words="15 minutes", back_words="on Monday"
    )
    assert not ans.show_place and ans.offer_callback
    said = " ".join(sentences(prompts, lang, ans))
    assert "15 minutes" not in said and "4" not in said
    if kind is Answering.NOBODY:
        assert ans.callback_at is None
        assert [line.key for line in ans.lines] == ["handoff.nobody"]
    else:
        assert ans.callback_at == back
        assert "on Monday" in said


def test_urgent_out_of_hours_gives_999_and_the_duty_team_first(prompts: Prompts) -> None:
    """Safeguarding out of hours: 999, the duty team when set, then the callback at reopening."""
    av = Availability(Answering.CLOSED, dt.datetime(2026, 7, 13, 8, 0, tzinfo=LONDON))
    ans = on_entering(
        av,
        position=None,
        estimate=None,
        wait_words="",
        back_words="on Monday at 8am",
        urgent=True,
        duty_number="01223 000 999",
    )
    said = sentences(prompts, "en", ans)
    assert "999" in said[0]
    assert "01223 000 999" in said[1]
    assert "on Monday at 8am" in said[2]
    without = on_entering(
        av, position=None, estimate=None, wait_words="", back_words="x", urgent=True
    )
    assert [line.key for line in without.lines] == ["voice.closed_danger", "handoff.closed"]


def test_no_promise_of_a_person_when_nobody_answers(prompts: Prompts) -> None:
    """ "I'll put you through to a person now" is dropped unless someone is answering."""
    promise = prompts.get("en", "common.person")
    says = [promise, "Something else."]
    assert honest_says(prompts, "en", Availability(Answering.CLOSED), says) == ["Something else."]
    assert honest_says(prompts, "en", Availability(Answering.STAFFED), says) == says


def test_back_phrase_says_when_in_the_citizens_language(prompts: Prompts) -> None:
    """Today, tomorrow, a weekday; in the citizen's language."""
    monday = dt.datetime(2026, 7, 13, 8, 0, tzinfo=LONDON)
    assert back_phrase(prompts, "en", monday, FRIDAY_20) == "on Monday at 8am"
    assert "08:00" in back_phrase(prompts, "pl", monday, FRIDAY_20)
    assert back_phrase(prompts, "en", None, FRIDAY_20) == "on the next working day"
