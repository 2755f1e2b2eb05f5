"""Personal data in the handoff tables: purged after the retention period, erased on request.

Both scrub rather than delete finished entries: times, outcomes and predictions stay (they
hold no personal data and feed the supervisor figures and estimator history), while the
number, context packet, summary and notes go. Signatures match `assist.privacy.Purger`
and `assist.privacy.Eraser`.
"""

from __future__ import annotations

from assist.handoff.entries import OPEN_STATUSES
from assist.store.base import Tx

_SCRUB = "sender = '', context = '{}', summary = '(removed)', notes = '', callback_number = NULL"


async def purge_handoff(tx: Tx, cutoff: float) -> int:
    """Scrub finished entries last touched before `cutoff`; drop old login records."""
    marks = ",".join("?" for _ in OPEN_STATUSES)
    n = await tx.execute(
        f"UPDATE handoff_entries SET {_SCRUB} WHERE updated_at < ? AND sender != ''"
        f" AND status NOT IN ({marks})",
        (cutoff, *OPEN_STATUSES),
    )
    n += await tx.execute("DELETE FROM handoff_login_failures WHERE at < ?", (cutoff,))
    n += await tx.execute("DELETE FROM handoff_staff_sessions WHERE expires_at < ?", (cutoff,))
    return n


async def erase_handoff(tx: Tx, who: str) -> int:
    """Scrub every entry from or to this number / chat id, closing any still open."""
    marks = ",".join("?" for _ in OPEN_STATUSES)
    n = await tx.execute(
        f"UPDATE handoff_entries SET status = 'closed', outcome = 'erased' WHERE"
        f" (sender = ? OR callback_number = ?) AND status IN ({marks})",
        (who, who, *OPEN_STATUSES),
    )
    n += await tx.execute(
        f"UPDATE handoff_entries SET {_SCRUB} WHERE sender = ? OR callback_number = ?",
        (who, who),
    )
    return n
