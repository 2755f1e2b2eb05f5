"""Callbacks that keep your place (HUMANE.md 14): offer, convert, confirm by SMS, retry."""

from __future__ import annotations

from assist.dialogue.prompts import Prompts
from assist.handoff import history
from assist.handoff.entries import (
    CLAIMED,
    CLOSED,
    WAITING,
    Conflict,
    Entry,
    get_entry,
    record_event,
    set_session_status,
)
from assist.handoff.estimator import WaitEstimate
from assist.phones import display_number
from assist.store import core
from assist.store.base import Tx

OFFER_OVER_S = 180.0
"""Offer a callback on entry when the announced wait is over 3 minutes..."""
OFFER_EVERY_S = 300.0
"""...and again every 5 minutes of waiting."""
MAX_ATTEMPTS = 3
"""Calls we make before giving up and texting instead."""
RETRY_AFTER_S = 600.0
"""Gap between an unanswered callback and the next try."""

CONFIRM_KEY = "sms.callback_confirm"
"""The confirmation text stating the wait ({number}, {wait})..."""
CONFIRM_WHEN_KEY = "sms.callback_confirm_when"
"""...or saying when we'll ring ({number}, {when}, e.g. the next working day)."""
GAVE_UP_KEY = "sms.callback_gave_up"
"""The text after the last unanswered try ({n} tries)."""


def should_offer(estimate: WaitEstimate, waited_s: float, last_offer_s: float | None) -> bool:
    """True when a callback should be offered now.

    On entry (`last_offer_s` None, nothing waited) when the announced wait is over 3
    minutes; afterwards every 5 minutes since the last offer (`last_offer_s` is the wait
    at which it was made).
    """
    return offer_due(estimate.upper_s, waited_s, last_offer_s)


def offer_due(upper_s: float, waited_s: float, last_offer_s: float | None) -> bool:
    """`should_offer` for an announced upper bound `upper_s` (the one rule, every channel)."""
    if last_offer_s is None:
        return upper_s > OFFER_OVER_S or waited_s >= OFFER_EVERY_S
    return waited_s - last_offer_s >= OFFER_EVERY_S


def confirmation_text(
    prompts: Prompts,
    language: str,
    number: str,
    estimate: WaitEstimate,
    when_text: str | None = None,
) -> str:
    """The confirmation SMS in the citizen's language (English when it has no wording).

    With `when_text` (e.g. "tomorrow after 8am", in the citizen's language) the SMS says
    "We'll ring you on <number> <when_text>." instead of stating the wait estimate.
    """
    lang = language if prompts.has(language, CONFIRM_KEY) else "en"
    number = display_number(number)  # "07700 900777", as people write it
    if when_text is not None and when_text.strip():
        return prompts.get_or_english(lang, CONFIRM_WHEN_KEY, number=number, when=when_text.strip())
    return prompts.get(lang, CONFIRM_KEY, number=number, wait=estimate.phrase(prompts, lang))


async def to_callback(
    tx: Tx,
    prompts: Prompts,
    entry_id: str,
    number: str,
    now: float,
    default_handle_time_s: float,
    when_text: str | None = None,
) -> Entry:
    """Turn a waiting entry into a callback with its original place; confirm by SMS.

    The SMS states the wait estimate, or, given `when_text` (in the citizen's language,
    e.g. "tomorrow after 8am" for a callback booked out of hours), "We'll ring you on
    <number> <when_text>." instead. Raises Conflict when the entry is neither waiting nor
    dropped-but-open.
    """
    entry = await get_entry(tx, entry_id)
    if entry.status not in (WAITING, "dropped"):
        raise Conflict(f"{entry_id} is {entry.status}")
    await tx.execute(
        "UPDATE handoff_entries SET kind = 'callback', status = ?, dropped_at = NULL,"
        " callback_number = ?, updated_at = ? WHERE id = ?",
        (WAITING, number, now, entry_id),
    )
    _, est = await history.estimate_for(tx, entry_id, now, default_handle_time_s)
    await core.enqueue_outbox(
        tx,
        kind="sms",
        key=f"handoff-callback-confirm:{entry_id}",
        payload={
            "to": number,
            "text": confirmation_text(prompts, entry.language, number, est, when_text),
        },
        session_id=entry.session_id,
        recipient=number,
        now=now,
    )
    await set_session_status(tx, entry.session_id, "queued", now)
    await record_event(tx, entry_id, "citizen", "callback_requested", now)
    return await get_entry(tx, entry_id)


async def callback_failed(
    tx: Tx, prompts: Prompts, entry_id: str, agent_id: str, now: float
) -> Entry:
    """An agent rang and nobody answered: try again later, or after the last try, text.

    Raises Conflict unless `agent_id` holds this callback.
    """
    entry = await get_entry(tx, entry_id)
    if entry.kind != "callback" or entry.status != CLAIMED or entry.claimed_by != agent_id:
        raise Conflict(f"{entry_id} is not a callback held by {agent_id}")
    attempts = entry.callback_attempts + 1
    if attempts < MAX_ATTEMPTS:
        await tx.execute(
            "UPDATE handoff_entries SET status = ?, claimed_by = NULL, claimed_at = NULL,"
            " callback_attempts = ?, not_before = ?, updated_at = ? WHERE id = ?",
            (WAITING, attempts, now + RETRY_AFTER_S, now, entry_id),
        )
        await record_event(
            tx, entry_id, agent_id, "callback_unanswered", now, {"attempt": attempts}
        )
        return await get_entry(tx, entry_id)
    await tx.execute(
        "UPDATE handoff_entries SET status = ?, outcome = 'callback_unreachable',"
        " callback_attempts = ?, closed_at = ?, updated_at = ? WHERE id = ?",
        (CLOSED, attempts, now, now, entry_id),
    )
    number = entry.callback_number or entry.sender
    text = prompts.get_or_english(entry.language, GAVE_UP_KEY, n=attempts)
    await core.enqueue_outbox(
        tx,
        kind="sms",
        key=f"handoff-callback-gave-up:{entry_id}",
        payload={"to": number, "text": text},
        session_id=entry.session_id,
        recipient=number,
        now=now,
    )
    await record_event(tx, entry_id, agent_id, "callback_unreachable", now, {"attempt": attempts})
    return await get_entry(tx, entry_id)
