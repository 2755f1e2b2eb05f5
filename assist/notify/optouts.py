"""Who must not be texted (opt-outs), and what each number wants (per-topic preferences).

The suppression list is ours and global: a number that texted STOP (in any language, to any
of our numbers), or that Twilio refused with 21610, is never texted again until it opts in.
Every send checks it, including reminders and staff replies.
"""

from __future__ import annotations

from assist.store.base import Tx

TOPICS = ("bin_day", "report_updates")
"""Kinds of notification a number can turn off on their own."""


async def is_suppressed(tx: Tx, number: str) -> bool:
    """True when `number` has opted out of all texts."""
    return (
        await tx.fetchone("SELECT 1 AS x FROM notify_optouts WHERE number = ?", (number,))
        is not None
    )


async def suppress(tx: Tx, number: str, source: str, keyword: str | None, now: float) -> bool:
    """Opt `number` out of all texts; returns False when it already was.

    `source` says how: `keyword` (the citizen texted it) or `provider` (Twilio 21610).
    """
    changed = await tx.execute(
        "INSERT INTO notify_optouts (number, source, keyword, at) VALUES (?,?,?,?)"
        " ON CONFLICT(number) DO NOTHING",
        (number, source, keyword, now),
    )
    if changed:
        await tx.execute(
            "INSERT INTO notify_optout_log (number, action, source, at) VALUES (?,?,?,?)",
            (number, "out", source, now),
        )
    return bool(changed)


async def unsuppress(tx: Tx, number: str, source: str, now: float) -> bool:
    """Opt `number` back in; returns False when it was not opted out."""
    changed = await tx.execute("DELETE FROM notify_optouts WHERE number = ?", (number,))
    if changed:
        await tx.execute(
            "INSERT INTO notify_optout_log (number, action, source, at) VALUES (?,?,?,?)",
            (number, "in", source, now),
        )
    return bool(changed)


async def set_pref(tx: Tx, number: str, topic: str, enabled: bool, now: float) -> None:
    """Turn one kind of notification on or off for `number`."""
    await tx.execute(
        "INSERT INTO notify_prefs (number, topic, enabled, updated_at) VALUES (?,?,?,?)"
        " ON CONFLICT(number, topic) DO UPDATE SET enabled = excluded.enabled,"
        " updated_at = excluded.updated_at",
        (number, topic, int(enabled), now),
    )


async def pref_enabled(tx: Tx, number: str, topic: str) -> bool:
    """Whether `number` wants `topic` notifications (on unless turned off)."""
    row = await tx.fetchone(
        "SELECT enabled FROM notify_prefs WHERE number = ? AND topic = ?", (number, topic)
    )
    return row is None or bool(row["enabled"])
