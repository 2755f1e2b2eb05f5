"""Bank holidays: closed all day, skipped when saying when we reopen, fetched from the
council's service information and cached, failing safe to none when the council is down."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from assist.app import bind, create_app, open_service
from assist.backend_client.protocol import BackendUnavailable, NotFound, ServiceInfo
from assist.council.info import upcoming_holidays
from assist.handoff import holidays as voice_holidays
from assist.handoff.holidays import ClosedDates, closed_dates_for, dates_in
from assist.hours import is_open, next_opening
from assist.ivr.twilio.phone import SimulatedPhone
from assist.service import Service
from tests.ivr.twilio.conftest import Clock, make_settings
from tests.ivr.twilio.rules import check_document

LONDON = ZoneInfo("Europe/London")
HOURS = "Mon-Fri 08:00-18:00; Sat 09:00-12:00"
SUMMER_BANK_HOLIDAY = dt.date(2026, 8, 31)  # a Monday
BANK_HOLIDAY_10AM = 1_788_166_800.0  # Monday 31 August 2026, 10:00 in London (09:00 UTC)


def at(y: int, m: int, d: int, h: int, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=LONDON)


def test_the_clock_constant_is_the_bank_holiday_morning() -> None:
    """The phone test's clock reads 10:00 on the summer bank holiday Monday in London."""
    assert dt.datetime.fromtimestamp(BANK_HOLIDAY_10AM, tz=LONDON) == at(2026, 8, 31, 10)


@pytest.mark.parametrize("hour", [8, 10, 12, 17])
def test_a_bank_holiday_monday_is_closed_all_day(hour: int) -> None:
    """Inside Monday's opening window, a listed closed date is still closed."""
    assert is_open(HOURS, "Europe/London", at(2026, 8, 31, hour))
    assert not is_open(HOURS, "Europe/London", at(2026, 8, 31, hour), [SUMMER_BANK_HOLIDAY])


def test_after_a_bank_holiday_monday_the_line_reopens_on_tuesday() -> None:
    """From the holiday morning, and from the Saturday before, the next opening is Tuesday 8am."""
    closed = {SUMMER_BANK_HOLIDAY}
    tuesday = at(2026, 9, 1, 8)
    assert next_opening(HOURS, "Europe/London", at(2026, 8, 31, 10), closed) == tuesday
    assert next_opening(HOURS, "Europe/London", at(2026, 8, 29, 13), closed) == tuesday
    assert next_opening(HOURS, "Europe/London", at(2026, 8, 29, 13)) == at(2026, 8, 31, 8)


def test_a_run_of_closed_days_longer_than_a_week_is_skipped() -> None:
    """Ten closed days in a row: the line reopens on the first working day after them."""
    closed = {dt.date(2026, 12, 21) + dt.timedelta(days=i) for i in range(10)}
    assert next_opening("Mon-Fri 08:00-18:00", "Europe/London", at(2026, 12, 20, 12), closed) == (
        at(2026, 12, 31, 8)
    )


def test_closed_dates_are_read_from_the_service_information_extra() -> None:
    """Dicts with a `date` or plain ISO strings, under closed_on / bank_holidays / dates."""
    extra = {
        "closed_on": [{"date": "2026-12-25", "title": "Christmas Day"}, {"date": "nonsense"}],
        "dates": ["2026-12-28"],
        "other": ["2027-01-01"],
    }
    assert dates_in(extra) == {dt.date(2026, 12, 25), dt.date(2026, 12, 28)}


async def test_the_reference_council_s_bank_holidays_reach_the_phone_line(rt: Service) -> None:
    """Through the real council client and the embedded council: all its upcoming closures
    (the bank_holidays topic, not only the next four listed on other topics)."""
    got = await closed_dates_for(rt.services).get(rt.services)
    expected = {dt.date.fromisoformat(h["date"]) for h in upcoming_holidays(dt.date.today())}
    assert len(expected) > 4
    assert got == expected
    assert got, "the reference data lists future bank holidays"


class CountingServices:
    """Service information that lists closed dates, counts the asks and can be `down`."""

    def __init__(self, dates: list[str], bank_holidays_topic: bool = True) -> None:
        self.dates = dates
        self.bank_holidays_topic = bank_holidays_topic
        self.asked: list[str] = []
        self.down = False

    async def service_info(self, topic: str) -> ServiceInfo:
        self.asked.append(topic)
        if self.down:
            raise BackendUnavailable("council down")
        if topic == "bank_holidays" and not self.bank_holidays_topic:
            raise NotFound("no such topic")
        extra: dict[str, Any] = {"closed_on": [{"date": d} for d in self.dates]}
        return ServiceInfo(topic, "Opening hours", "", hours=("Mon-Fri 08:00-18:00",), extra=extra)


async def test_closed_dates_are_cached_for_an_hour() -> None:
    """One ask within the hour; asked again once the hour is up."""
    clock = Clock(0.0)
    services = CountingServices(["2026-08-31"])
    cache = ClosedDates(clock)
    assert await cache.get(services) == {SUMMER_BANK_HOLIDAY}  # type: ignore[arg-type]
    clock.advance(3599)
    await cache.get(services)  # type: ignore[arg-type]
    assert services.asked == ["bank_holidays"]
    clock.advance(2)
    await cache.get(services)  # type: ignore[arg-type]
    assert services.asked == ["bank_holidays", "bank_holidays"]


async def test_the_opening_hours_topic_is_asked_when_bank_holidays_is_not_a_topic() -> None:
    """A council with no `bank_holidays` topic: its `opening_hours` closures are used."""
    services = CountingServices(["2026-08-31"], bank_holidays_topic=False)
    assert await ClosedDates(Clock(0.0)).get(services) == {SUMMER_BANK_HOLIDAY}  # type: ignore[arg-type]
    assert services.asked == ["bank_holidays", "opening_hours"]


async def test_a_council_that_is_down_means_no_closed_dates_with_a_logged_reason(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Down: none closed, the reason logged, asked again after five minutes, not every call."""
    clock = Clock(0.0)
    services = CountingServices(["2026-08-31"])
    services.down = True
    cache = ClosedDates(clock)
    with caplog.at_level(logging.WARNING, logger=voice_holidays.__name__):
        assert await cache.get(services) == frozenset()  # type: ignore[arg-type]
    assert "bank holidays unavailable" in caplog.text and "council down" in caplog.text
    calls = len(services.asked)
    await cache.get(services)  # type: ignore[arg-type]
    assert len(services.asked) == calls
    services.down = False
    clock.advance(voice_holidays.RETRY_S + 1)
    assert await cache.get(services) == {SUMMER_BANK_HOLIDAY}  # type: ignore[arg-type]


async def test_a_caller_on_a_bank_holiday_monday_hears_we_reopen_tomorrow(
    tmp_path: Path, dialogue: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Monday 10:00, inside the usual hours but a bank holiday with nobody signed in: the
    closed offer, reopening tomorrow (Tuesday) at 8am, and the callback booked for then."""
    monkeypatch.setattr("assist.service.load_dialogue", lambda: dialogue)
    settings = make_settings(tmp_path, opening_hours=HOURS, timezone="Europe/London")
    rt = await open_service(settings)
    services = CountingServices(["2026-08-31", "2026-12-25"])
    monkeypatch.setattr(rt.services, "service_info", services.service_info)
    rt.conversations.clock = Clock(BANK_HOLIDAY_10AM)
    app = create_app(settings, service=rt)
    bind(app, rt)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t"
        ) as client:
            p = SimulatedPhone(client, settings, "+447700900401")
            await p.dial()
            closed = await p.press("0")
            assert closed.state == "listening"
            assert any("We're open again tomorrow at 8am" in s for s in closed.said)
            check_document(closed.documents[-1])
            done = await p.press("1")
            assert "We'll ring you back tomorrow at 8am" in done.said[-1]
            assert services.asked.count("bank_holidays") == 1
    finally:
        await rt.close()
