"""Waiting for a person, decided once for every channel: is anyone answering, when are people
back, and what to say on entering the queue (HUMANE.md 12, 14, 17 and 22).

The decisions are pure functions of the clock, the opening hours, the bank holidays and the
staff signed in; `situation` is the thin layer that reads those from the store and the
council. Channels only render the `Answer` (`sentences` gives its words in a language).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from zoneinfo import ZoneInfo

from assist.backend_client.protocol import CouncilServices
from assist.dialogue.prompts import Prompts
from assist.dialogue.types import Priority
from assist.handoff import agents as agents_mod
from assist.handoff import history
from assist.handoff import queue as hq
from assist.handoff.callbacks import should_offer
from assist.handoff.entries import WAITING
from assist.handoff.estimator import WaitEstimate
from assist.handoff.holidays import closed_dates_for
from assist.hours import is_open, next_opening, spoken_time
from assist.settings import Settings
from assist.store.base import Store


class Answering(StrEnum):
    """Who can answer a citizen who asks for a person right now."""

    STAFFED = "staffed"
    """Staff are signed in: a place in the queue and an honest wait."""
    NOBODY = "nobody"
    """Within opening hours, but nobody is signed in: say so, offer a callback."""
    CLOSED = "closed"
    """Out of hours: nobody can answer; say when we are back, offer a callback then."""
    HOLIDAY = "holiday"
    """A bank holiday: as out of hours."""


@dataclass(frozen=True)
class Availability:
    """Whether anyone is answering, and when people are back (local time) if not."""

    answering: Answering
    back_at: dt.datetime | None = None
    """When the line next opens (None when staffed, in hours, or never)."""

    @property
    def someone(self) -> bool:
        """True when a person can answer now."""
        return self.answering is Answering.STAFFED

    @property
    def closed(self) -> bool:
        """True out of hours or on a bank holiday."""
        return self.answering in (Answering.CLOSED, Answering.HOLIDAY)


def availability(
    hours: str,
    timezone: str,
    now: dt.datetime,
    closed_dates: Collection[dt.date],
    staff_signed_in: int,
) -> Availability:
    """Who is answering at `now` (timezone-aware). Staff signed in always answer (someone
    working late is someone); otherwise a bank holiday, out of hours or, in hours, nobody."""
    if staff_signed_in > 0:
        return Availability(Answering.STAFFED)
    if is_open(hours, timezone, now, closed_dates):
        return Availability(Answering.NOBODY)
    back = next_opening(hours, timezone, now, closed_dates)
    today = now.astimezone(ZoneInfo(timezone)).date()
    kind = Answering.HOLIDAY if today in closed_dates else Answering.CLOSED
    return Availability(kind, back)


@dataclass(frozen=True)
class Line:
    """One sentence to say: a prompt key and its values."""

    key: str
    values: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Answer:
    """What every channel says to someone entering the queue for a person."""

    availability: Availability
    lines: tuple[Line, ...]
    """The sentences, in order (safety numbers first when urgent and nobody answers)."""
    show_place: bool
    """True only when someone is answering: never a place or minutes otherwise."""
    offer_callback: bool
    """Offer a callback that keeps the place (at reopening when closed)."""
    callback_at: dt.datetime | None = None
    """When a callback booked now would be made (reopening); None: when it is their turn."""


def on_entering(
    av: Availability,
    *,
    position: int | None,
    estimate: WaitEstimate | None,
    wait_words: str,
    back_words: str,
    urgent: bool = False,
    duty_number: str | None = None,
) -> Answer:
    """What to say on entering the queue, the same on every channel.

    - Staff answering: place and the honest wait; a callback offered by the ONE rule
      (`callbacks.should_offer`: estimate over 3 minutes).
    - In hours, nobody signed in: say so and offer a callback (no place, no minutes).
    - Out of hours or a bank holiday: nobody can answer now, back `back_words`, callback then.
    - Urgent (safeguarding) with nobody answering: 999 and the emergency duty team (when set)
      first, then the above.
    """
    if av.someone:
        lines: list[Line] = []
        if position is not None:
            lines.append(Line("handoff.queued", {"position": position, "wait": wait_words}))
        offer = estimate is not None and should_offer(estimate, 0.0, None)
        return Answer(av, tuple(lines), True, offer)
    lines = []
    if urgent:
        lines.append(Line("voice.closed_danger"))
        if duty_number and duty_number.strip():
            lines.append(Line("voice.closed_duty_team", {"number": duty_number.strip()}))
    if av.closed:
        lines.append(Line("handoff.closed", {"reopen": back_words}))
        return Answer(av, tuple(lines), False, True, av.back_at)
    lines.append(Line("handoff.nobody"))
    return Answer(av, tuple(lines), False, True)


def sentences(prompts: Prompts, lang: str, answer: Answer) -> list[str]:
    """The answer's sentences in `lang` (English where `lang` lacks one)."""
    return [prompts.get_or_english(lang, line.key, **line.values) for line in answer.lines]


PROMISE_KEYS = (
    "common.person",
    "common.not_understood",
    "care.safeguarding",
    "care.adult_social_care",
    "urgent.emergency",
    "urgent.person",
)
"""Engine sentences that promise a person: not said when nobody answers. Their advice is not
lost: an urgent hand-off's answer starts with 999 (and the duty team) when nobody answers."""


def honest_says(prompts: Prompts, lang: str, av: Availability, says: list[str]) -> list[str]:
    """`says` without "I'll put you through to a person now" when nobody is answering."""
    if av.someone:
        return says
    promises = {prompts.get_or_english(lang, k) for k in PROMISE_KEYS if prompts.has(lang, k)}
    return [s for s in says if s not in promises]


def back_phrase(prompts: Prompts, lang: str, when: dt.datetime | None, now: dt.datetime) -> str:
    """ "today at 8am", "tomorrow at 8am", "on Monday at 8am" in `lang` (aware times)."""
    if when is None:
        return prompts.get_or_english(lang, "voice.reopen.unknown")
    local_now = now.astimezone(when.tzinfo)
    time_text = spoken_time(when.time()) if lang == "en" else when.strftime("%H:%M")
    days = (when.date() - local_now.date()).days
    if days == 0:
        return prompts.get_or_english(lang, "voice.reopen.today", time=time_text)
    if days == 1:
        return prompts.get_or_english(lang, "voice.reopen.tomorrow", time=time_text)
    weekday_key = f"weekday.{when.weekday()}"
    weekday = (
        prompts.get_or_english(lang, weekday_key)
        if (prompts.has(lang, weekday_key) or prompts.has("en", weekday_key))
        else when.strftime("%A")
    )
    return prompts.get_or_english(lang, "voice.reopen.day", weekday=weekday, time=time_text)


async def staff_signed_in(store: Store) -> int:
    """How many staff are signed in to the queue right now."""
    async with store.transaction() as tx:
        return len(await agents_mod.list_agents(tx))


async def situation(
    store: Store, settings: Settings, services: CouncilServices, now: float
) -> Availability:
    """Who is answering at `now` (epoch seconds): settings' hours, the council's bank
    holidays (cached; none when the council cannot say) and the staff signed in."""
    closed = await closed_dates_for(services).get(services)
    return availability(
        settings.opening_hours,
        settings.timezone,
        dt.datetime.fromtimestamp(now, tz=dt.UTC),
        closed,
        await staff_signed_in(store),
    )


async def answer_for(
    store: Store,
    settings: Settings,
    services: CouncilServices,
    prompts: Prompts,
    session_id: str,
    lang: str,
    now: float,
    *,
    log_estimate: bool = True,
) -> Answer:
    """What to tell the session that just asked for a person, on any channel: who is
    answering, its place and wait from the one queue (logged for the estimator when
    `log_estimate`), or when we are back; urgent entries get the safety numbers."""
    av = await situation(store, settings, services, now)
    position: int | None = None
    estimate: WaitEstimate | None = None
    urgent = False
    async with store.transaction() as tx:
        entry = await hq.entry_for_session(tx, session_id)
        if entry is not None:
            urgent = entry.priority >= Priority.URGENT
            if av.someone and entry.status == WAITING:
                position, estimate = await history.estimate_for(
                    tx, entry.id, now, settings.default_handle_time_s, log=log_estimate
                )
    when = dt.datetime.fromtimestamp(now, tz=dt.UTC)
    return on_entering(
        av,
        position=position,
        estimate=estimate,
        wait_words=estimate.phrase(prompts, lang) if estimate is not None else "",
        back_words=back_phrase(prompts, lang, av.back_at, when),
        urgent=urgent,
        duty_number=settings.emergency_duty_number,
    )
