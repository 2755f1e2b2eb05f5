"""Waiting for a person by text: place and wait in one text, CALL for a call back, updates.

HUMANE.md 12-14 over SMS: on entering the queue the citizen gets their place and the honest
wait phrase, with "Reply CALL for a call back instead" (the callback keeps their place).
Updates go only when the place or the announced wait changes materially, and never more
than one text every 5 minutes. While queued or with a person, the citizen's texts go into
the transcript and live to the console (bus topic `session:<id>`), not to the engine.
When the handoff tables are missing, every call answers "unknown" instead of failing.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from assist.dialogue.prompts import Prompts
from assist.dialogue.types import Priority
from assist.events import EventBus
from assist.handoff import callbacks, history, waiting
from assist.handoff import queue as hq
from assist.handoff.entries import WAITING, Entry, HandoffError
from assist.handoff.estimator import WaitEstimate
from assist.notify.texts import text
from assist.store import core
from assist.store.base import Store, StoreUnavailable, Tx

log = logging.getLogger(__name__)
UPDATE_EVERY_S = 300.0
"""At most one queue update text every 5 minutes (HUMANE.md 13)."""
_ERRORS = (HandoffError, StoreUnavailable)


@dataclass(frozen=True)
class Place:
    """Where a waiting texter stands."""

    entry: Entry
    position: int
    phrase: str
    upper_s: float
    estimate: WaitEstimate


def material(
    last_position: int | None, last_upper_s: float | None, position: int, upper_s: float
) -> bool:
    """True when a change is worth a text: the announced wait changed, the place moved by
    two or more, or the citizen is now next."""
    if last_position is None or last_upper_s is None:
        return True
    if upper_s != last_upper_s:
        return True
    if position == 1 and last_position != 1:
        return True
    return abs(last_position - position) >= 2


async def _place(
    tx: Tx, prompts: Prompts, entry: Entry, lang: str, now: float, handle_s: float, log_it: bool
) -> Place | None:
    if entry.status != WAITING:
        return None
    position, est = await history.estimate_for(tx, entry.id, now, handle_s, log=log_it)
    if position is None:
        return None
    return Place(entry, position, est.phrase(prompts, lang), est.upper_s, est)


def queued_text(
    prompts: Prompts, lang: str, place: Place, update: bool = False, waited_s: float = 0.0
) -> str:
    """ "You're number 3 in the queue. The wait is about 5 minutes. Reply CALL ..." with the
    callback offer by the one rule (`callbacks.should_offer`; updates are 5 minutes apart)."""
    if update:
        first = text(prompts, lang, "sms.queue_update", position=place.position, wait=place.phrase)
    else:
        first = text(prompts, lang, "handoff.queued", position=place.position, wait=place.phrase)
    if not callbacks.should_offer(place.estimate, waited_s, None):
        return first
    return f"{first} {text(prompts, lang, 'sms.call_offer')}"


async def on_entering(
    store: Store,
    prompts: Prompts,
    session_id: str,
    lang: str,
    now: float,
    handle_s: float,
    announce: bool = True,
) -> str | None:
    """The place-and-wait text for a session just queued (recorded as the last notice)."""
    try:
        async with store.transaction() as tx:
            entry = await hq.entry_for_session(tx, session_id)
            place = (
                await _place(tx, prompts, entry, lang, now, handle_s, announce) if entry else None
            )
            if place is None:
                return None
            if announce:
                await _noted(tx, place, now)
    except _ERRORS as exc:
        log.warning("sms: queue unavailable (%s)", type(exc).__name__)
        return None
    return queued_text(prompts, lang, place)


async def _noted(tx: Tx, place: Place, now: float) -> None:
    await tx.execute(
        "INSERT INTO sms_queue_notices (entry_id, position, upper_s, sent_at) VALUES (?,?,?,?)"
        " ON CONFLICT(entry_id) DO UPDATE SET position = excluded.position,"
        " upper_s = excluded.upper_s, sent_at = excluded.sent_at",
        (place.entry.id, place.position, place.upper_s, now),
    )


async def call_back(
    store: Store,
    prompts: Prompts,
    session_id: str,
    number: str,
    now: float,
    handle_s: float,
    when_text: str | None = None,
) -> bool:
    """Turn the session's waiting entry into a callback keeping its place (confirmed by a
    text through the outbox, saying `when_text` ("on Monday at 8am") when given, for
    callbacks at reopening); False when there is no waiting entry to convert."""
    try:
        async with store.transaction() as tx:
            entry = await hq.entry_for_session(tx, session_id)
            if entry is None:
                return False
            await callbacks.to_callback(
                tx, prompts, entry.id, number, now, handle_s, when_text=when_text
            )
            return True
    except _ERRORS as exc:
        log.info("sms: no callback (%s)", type(exc).__name__)
        return False


async def relay(
    store: Store, bus: EventBus, session_id: str, body: str, key: str, now: float
) -> bool:
    """A queued citizen's text: into the transcript and live to the console, once per key.

    Returns False when this key was already relayed (a Twilio retry).
    """
    async with store.transaction() as tx:
        if await core.processed_response(tx, key) is not None:
            return False
        await core.append_transcript(tx, session_id, "citizen", body, {"channel": "sms"}, now)
        await core.record_processed(tx, key, session_id, [], now)
    bus.publish(f"session:{session_id}", {"type": "citizen", "text": body})
    return True


async def send_updates(
    store: Store,
    prompts: Prompts,
    now: float,
    handle_s: float,
    answering: waiting.Availability | None = None,
    duty_number: str | None = None,
) -> int:
    """Queue an update text for each waiting texter whose place changed materially and who
    had no text for 5 minutes; returns how many were queued. When `answering` says nobody
    can answer now (staff signed out, the line closed), each is told that once instead,
    with the callback offer: never a place or minutes."""
    queued = 0
    try:
        async with store.transaction() as tx:
            for entry in await hq.waiting(tx, now):
                if entry.channel != "sms" or entry.kind != "live":
                    continue
                last = await tx.fetchone(
                    "SELECT * FROM sms_queue_notices WHERE entry_id = ?", (entry.id,)
                )
                if last is not None and now - float(last["sent_at"]) < UPDATE_EVERY_S:
                    continue
                if answering is not None and not answering.someone:
                    if last is None or int(last["position"]) != NOBODY:
                        words = _nobody_text(prompts, entry, answering, now, duty_number)
                        await _send(tx, entry, words, now)
                        await _noted_nobody(tx, entry, now)
                        queued += 1
                    continue
                place = await _place(
                    tx, prompts, entry, entry.language, now, handle_s, log_it=False
                )
                if place is None or not material(
                    last["position"] if last else None,
                    last["upper_s"] if last else None,
                    place.position,
                    place.upper_s,
                ):
                    continue
                await history.log_prediction(tx, entry.id, now, place.position - 1, place.estimate)
                words = queued_text(prompts, entry.language, place, True, entry.waited_s(now))
                await _send(tx, entry, words, now)
                await _noted(tx, place, now)
                queued += 1
    except _ERRORS as exc:
        log.warning("sms: queue updates unavailable (%s)", type(exc).__name__)
    return queued


async def _texters_waiting(store: Store, now: float) -> bool:
    async with store.transaction() as tx:
        return any(e.channel == "sms" and e.kind == "live" for e in await hq.waiting(tx, now))


NOBODY = 0
"""The notice position recorded after telling a texter that nobody can answer now."""


def _nobody_text(
    prompts: Prompts, entry: Entry, av: waiting.Availability, now: float, duty: str | None
) -> str:
    """The one waiting decision's words for nobody answering, with the callback offer."""
    lang = entry.language
    at = dt.datetime.fromtimestamp(now, dt.UTC)
    answer = waiting.on_entering(
        av,
        position=None,
        estimate=None,
        wait_words="",
        back_words=waiting.back_phrase(prompts, lang, av.back_at, at),
        urgent=entry.priority >= Priority.URGENT,
        duty_number=duty,
    )
    said = " ".join(waiting.sentences(prompts, lang, answer))
    return f"{said} {text(prompts, lang, 'sms.call_offer')}"


async def _send(tx: Tx, entry: Entry, words: str, now: float) -> None:
    await core.enqueue_outbox(
        tx,
        kind="sms",
        key=f"sms-queue:{entry.id}:{int(now)}",
        payload={"to": entry.sender, "purpose": "queue", "text": words},
        session_id=entry.session_id,
        recipient=entry.sender,
        now=now,
    )


async def _noted_nobody(tx: Tx, entry: Entry, now: float) -> None:
    await tx.execute(
        "INSERT INTO sms_queue_notices (entry_id, position, upper_s, sent_at) VALUES (?,?,?,?)"
        " ON CONFLICT(entry_id) DO UPDATE SET position = excluded.position,"
        " upper_s = excluded.upper_s, sent_at = excluded.sent_at",
        (entry.id, NOBODY, -1.0, now),
    )


async def run_queue_updates(
    store: Store,
    prompts: Prompts,
    stop: asyncio.Event,
    *,
    handle_s: float = 360.0,
    every_s: float = 30.0,
    clock: Callable[[], float] = time.time,
    on_sent: Callable[[], None] | None = None,
    answering: Callable[[float], Awaitable[waiting.Availability]] | None = None,
    duty_number: str | None = None,
) -> None:
    """Check waiting texters every `every_s` until `stop` is set (start it with the app);
    `answering` is who can answer at a time (`assist.handoff.waiting.situation`)."""
    while not stop.is_set():
        try:
            now = clock()
            av = None
            if answering is not None and await _texters_waiting(store, now):
                av = await answering(now)  # asked only when someone waits by text
            if await send_updates(store, prompts, now, handle_s, av, duty_number) and on_sent:
                on_sent()
        except Exception:
            log.exception("sms queue updates failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every_s)
