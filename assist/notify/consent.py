"""Reminders asked for where we don't know the number is the citizen's (a web chat): the
number must agree by text first.

The engine's `ask_consent` outbox row (written in the chat's turn) becomes one pending
request and one text to that number: "reply YES to get bin-day reminders for <address>".
Nothing else is sent to it: no reminder, no second request for the same address that day,
nothing at all if it has opted out. When YES comes back by SMS (`agree`, called by the SMS
channel) the subscription starts as if it had been asked for by text. A request not agreed
to within `PENDING_S` lapses and is forgotten.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from assist.dialogue.prompts import Prompts
from assist.notify import reminders
from assist.notify.optouts import is_suppressed
from assist.notify.reminders import OutboxHandler
from assist.notify.texts import text
from assist.outbox import PermanentFailure
from assist.store import core
from assist.store.base import Row, Store, Tx

log = logging.getLogger(__name__)
PENDING_S = 3 * 24 * 3600.0
"""How long a request waits for its YES."""
PURPOSE = "consent"
"""The `purpose` of the one text asking the number to agree (a reply to the citizen's own
request: not held for quiet hours, but counted by the per-number hourly limit)."""


async def pending(tx: Tx, number: str, now: float) -> Row | None:
    """The number's newest request still waiting for YES, or None."""
    return await tx.fetchone(
        "SELECT * FROM notify_consents WHERE number = ? AND created_at > ?"
        " ORDER BY created_at DESC LIMIT 1",
        (number, now - PENDING_S),
    )


async def request(
    tx: Tx, prompts: Prompts, council: str, payload: dict[str, Any], now: float
) -> bool:
    """Record a request and queue the text asking the number to agree; False (nothing
    queued) when the number opted out of texts or already has these reminders there."""
    number, topic = str(payload["number"]), str(payload.get("topic") or reminders.TOPIC)
    address_id = str(payload["address_id"])
    if await is_suppressed(tx, number):
        return False
    active = await tx.fetchone(
        "SELECT 1 AS x FROM notify_subscriptions WHERE number = ? AND topic = ?"
        " AND address_id = ? AND active = 1",
        (number, topic, address_id),
    )
    if active is not None:
        return False
    language = str(payload.get("language") or "en")
    await tx.execute(
        "INSERT INTO notify_consents (number, topic, address_id, address, language, channel,"
        " session_id, created_at) VALUES (?,?,?,?,?,?,?,?)"
        " ON CONFLICT(number, topic, address_id) DO UPDATE SET address = excluded.address,"
        " language = excluded.language, channel = excluded.channel,"
        " session_id = excluded.session_id, created_at = excluded.created_at",
        (
            number,
            topic,
            address_id,
            payload.get("address"),
            language,
            payload.get("channel"),
            payload.get("session_id"),
            now,
        ),
    )
    day = dt.datetime.fromtimestamp(now, dt.UTC).date().isoformat()
    words = text(
        prompts,
        language,
        "notify.consent_bins",
        council=council,
        address=payload.get("address") or "",
    )
    await core.enqueue_outbox(  # once per number, address and day, however often asked
        tx,
        kind="sms",
        key=f"consent:{topic}:{number}:{address_id}:{day}",
        payload={"to": number, "text": words, "purpose": PURPOSE},
        session_id=payload.get("session_id"),
        recipient=number,
        now=now,
    )
    return True


async def agree(tx: Tx, number: str, now: float) -> Row | None:
    """YES from `number`: start the reminders it was asked about and forget the request;
    the request's row (address, language), or None when nothing was waiting."""
    row = await pending(tx, number, now)
    if row is None:
        return None
    await reminders.subscribe(
        tx,
        number=number,
        topic=str(row["topic"]),
        address_id=str(row["address_id"]),
        address=row["address"],
        language=str(row["language"]),
        channel="sms",
        now=now,
    )
    await tx.execute("DELETE FROM notify_consents WHERE number = ?", (number,))
    await core.audit(
        tx, "citizen", "notify.consent", row["session_id"], {"topic": row["topic"]}, now
    )
    return row


def consent_handlers(
    store: Store,
    prompts: Prompts,
    council: str,
    clock: Callable[[], float],
    on_queued: Callable[[], None] | None = None,
) -> dict[str, OutboxHandler]:
    """The outbox handler for kind `ask_consent` (payload from the engine's chat turn)."""

    async def on_ask(row: Row, payload: dict[str, Any]) -> dict[str, Any]:
        if not payload.get("number") or not payload.get("address_id"):
            raise PermanentFailure("a request for reminders needs a number and an address")
        async with store.transaction() as tx:
            asked = await request(tx, prompts, council, payload, clock())
        if asked and on_queued is not None:
            on_queued()
        return {"asked": asked}

    return {"ask_consent": on_ask}
