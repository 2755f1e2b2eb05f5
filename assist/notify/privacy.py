"""Retention and erasure for the notify tables (a purger and an eraser for the runtime).

Opt-outs are kept through both: honouring "don't text me" needs the number, and erasing it
would start texting someone who asked us to stop (the log of opt-in/out changes is purged).
Active subscriptions are kept by retention (the citizen asked for them) but go on erasure;
requests waiting for YES go with either.
"""

from __future__ import annotations

from assist.store import core
from assist.store.base import Tx


async def purge_notify(tx: Tx, cutoff: float) -> int:
    """Finished jobs, old opt-out log lines, ended subscriptions."""
    n = await tx.execute(
        "DELETE FROM notify_jobs WHERE status NOT IN ('pending', 'replan') AND updated_at < ?",
        (cutoff,),
    )
    n += await tx.execute(
        "DELETE FROM notify_subscriptions WHERE active = 0 AND updated_at < ?", (cutoff,)
    )
    n += await tx.execute("DELETE FROM notify_optout_log WHERE at < ?", (cutoff,))
    n += await tx.execute("DELETE FROM notify_consents WHERE created_at < ?", (cutoff,))
    return n


async def erase_notify(tx: Tx, who: str) -> int:
    """One number's subscriptions, preferences and jobs (not its opt-out)."""
    n = 0
    for table, column in (
        ("notify_subscriptions", "number"),
        ("notify_prefs", "number"),
        ("notify_reminder_times", "number"),
        ("notify_jobs", "number"),
        ("notify_optout_log", "number"),
        ("notify_consents", "number"),
    ):
        n += await tx.execute(f"DELETE FROM {table} WHERE {column} = ?", (who,))
    for session in await core.sessions_of(tx, who):  # a chat's requests, by its chat id
        n += await tx.execute("DELETE FROM notify_consents WHERE session_id = ?", (session["id"],))
    return n
