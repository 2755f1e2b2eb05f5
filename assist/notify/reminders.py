"""Bin-day reminders people ask for: subscriptions, and a text the evening before collection.

Subscriptions arrive as outbox rows (`subscribe` / `unsubscribe`, written by the engine in the
turn that took them). The planner asks the council for each subscriber's next collections
and schedules one job per collection day, keyed by number, address and date, due at the
time the number chose (timing.py: by default the configured time the evening before, useless
after midnight; or the morning of collection, useless after noon).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from assist.backend_client.protocol import BackendError, CouncilServices, NotFound
from assist.dialogue.prompts import Prompts
from assist.notify import jobs
from assist.notify.config import NotifyConfig
from assist.notify.optouts import set_pref
from assist.notify.texts import text
from assist.notify.timing import REPLAN, chosen_time, slot
from assist.outbox import PermanentFailure
from assist.store.base import Row, Store, Tx

log = logging.getLogger(__name__)
TOPIC = "bin_day"
HORIZON_DAYS = 8
"""Only collections this close are scheduled; later ones at a later planning pass."""

OutboxHandler = Callable[[Row, dict[str, Any]], Awaitable[dict[str, Any] | None]]


async def subscribe(
    tx: Tx,
    *,
    number: str,
    topic: str,
    address_id: str,
    address: str | None,
    language: str,
    channel: str | None,
    now: float,
) -> None:
    """Start (or restart) a subscription and turn the topic on for the number."""
    await tx.execute(
        "INSERT INTO notify_subscriptions (number, topic, address_id, address, language, channel,"
        " active, created_at, updated_at) VALUES (?,?,?,?,?,?,1,?,?)"
        " ON CONFLICT(number, topic, address_id) DO UPDATE SET active = 1,"
        " address = COALESCE(excluded.address, notify_subscriptions.address),"
        " language = excluded.language,"
        " channel = excluded.channel, updated_at = excluded.updated_at",
        (number, topic, address_id, address, language, channel, now, now),
    )
    await set_pref(tx, number, topic, True, now)


async def unsubscribe(tx: Tx, number: str, topic: str, now: float) -> int:
    """Stop every subscription of `topic` for `number` and cancel its pending texts."""
    n = await tx.execute(
        "UPDATE notify_subscriptions SET active = 0, updated_at = ?"
        " WHERE number = ? AND topic = ? AND active = 1",
        (now, number, topic),
    )
    await set_pref(tx, number, topic, False, now)
    await jobs.cancel_topic(tx, number, topic, now)
    return n


async def is_subscribed(tx: Tx, number: str, topic: str) -> bool:
    """True when the number has an active subscription of `topic`."""
    row = await tx.fetchone(
        "SELECT 1 AS x FROM notify_subscriptions WHERE number = ? AND topic = ? AND active = 1",
        (number, topic),
    )
    return row is not None


async def resubscribe(tx: Tx, number: str, topic: str, now: float) -> Row | None:
    """Turn back on the number's most recent subscription of `topic`; None if there is none."""
    row = await tx.fetchone(
        "SELECT * FROM notify_subscriptions WHERE number = ? AND topic = ?"
        " ORDER BY updated_at DESC LIMIT 1",
        (number, topic),
    )
    if row is None:
        return None
    await tx.execute(
        "UPDATE notify_subscriptions SET active = 1, updated_at = ? WHERE number = ?"
        " AND topic = ? AND address_id = ?",
        (now, number, topic, row["address_id"]),
    )
    await set_pref(tx, number, topic, True, now)
    return row


def subscription_handlers(store: Store, clock: Callable[[], float]) -> dict[str, OutboxHandler]:
    """Outbox handlers for kinds `subscribe` and `unsubscribe` (payload from the engine)."""

    async def on_subscribe(row: Row, payload: dict[str, Any]) -> dict[str, Any]:
        number, address_id = payload.get("number"), payload.get("address_id")
        if not number or not address_id:
            raise PermanentFailure("a subscription needs a number and an address")
        async with store.transaction() as tx:
            await subscribe(
                tx,
                number=str(number),
                topic=str(payload.get("topic") or TOPIC),
                address_id=str(address_id),
                address=payload.get("address"),
                language=str(payload.get("language") or "en"),
                channel=payload.get("channel"),
                now=clock(),
            )
        return {"subscribed": True}

    async def on_unsubscribe(row: Row, payload: dict[str, Any]) -> dict[str, Any]:
        number = payload.get("number")
        if not number:
            raise PermanentFailure("an unsubscription needs a number")
        async with store.transaction() as tx:
            n = await unsubscribe(tx, str(number), str(payload.get("topic") or TOPIC), clock())
        return {"unsubscribed": n}

    return {"subscribe": on_subscribe, "unsubscribe": on_unsubscribe}


def reminder_text(
    prompts: Prompts,
    lang: str,
    bins: list[str],
    day: dt.date,
    address: str,
    *,
    morning: bool = False,
) -> str:
    """The reminder for one collection day: which bins, which day, which address.

    `morning`: sent on the collection day itself ("today", "put your bins out now").
    """
    names = [
        text(prompts, lang, f"bins.bin.{b}") if prompts.has("en", f"bins.bin.{b}") else b
        for b in bins
    ]
    joined = (
        names[0]
        if len(names) == 1
        else (", ".join(names[:-1]) + f" {text(prompts, lang, 'notify.and')} {names[-1]}")
    )
    weekday = (
        prompts.get(lang, f"weekday.{day.weekday()}")
        if prompts.has(lang, f"weekday.{day.weekday()}")
        else day.strftime("%A")
    )
    key = "notify.bin_reminder_morning" if morning else "notify.bin_reminder"
    return text(prompts, lang, key, bins=joined, day=weekday, address=address)


async def plan_bin_reminders(
    store: Store, services: CouncilServices, prompts: Prompts, config: NotifyConfig, now: float
) -> int:
    """Schedule reminders for every active subscriber's coming collections; returns new jobs."""
    async with store.transaction() as tx:
        subs = await tx.fetchall(
            "SELECT * FROM notify_subscriptions WHERE topic = ? AND active = 1", (TOPIC,)
        )
    today = dt.datetime.fromtimestamp(now, config.tz).date()
    created = 0
    for sub in subs:
        async with store.transaction() as tx:
            when = slot(await chosen_time(tx, sub["number"], TOPIC), config)
        try:
            collections = await services.bin_collections(sub["address_id"])
        except NotFound:
            log.warning("notify: a subscribed address is no longer known")
            continue
        except BackendError as exc:
            log.warning("notify: bin collections unavailable (%s)", type(exc).__name__)
            continue
        by_day: dict[dt.date, list[str]] = {}
        for c in collections:
            soon = today <= c.date <= today + dt.timedelta(days=HORIZON_DAYS)
            if soon and when.expires(c.date, config) > now:
                by_day.setdefault(c.date, []).append(c.bin)
        async with store.transaction() as tx:
            for day, bins in sorted(by_day.items()):
                created += await jobs.schedule(
                    tx,
                    key=f"bins:{sub['number']}:{sub['address_id']}:{day.isoformat()}",
                    topic=TOPIC,
                    number=sub["number"],
                    text=reminder_text(
                        prompts,
                        sub["language"],
                        bins,
                        day,
                        sub["address"] or "",
                        morning=when.morning,
                    ),
                    due_at=when.due(day, config),
                    expires_at=when.expires(day, config),
                    now=now,
                )
    async with store.transaction() as tx:  # moved too late to be of use: never sent
        await tx.execute(
            f"UPDATE notify_jobs SET status = 'expired', updated_at = ? WHERE status = '{REPLAN}'"
            " AND expires_at IS NOT NULL AND expires_at <= ?",
            (now, now),
        )
    return created
