"""Privacy: logs without personal data, retention, and erasing one citizen on request.

Log lines are structured (JSON) and pass through `RedactingFilter`, which masks phone
numbers, postcodes, e-mail addresses and anything logged as free text. Personal data lives
only in the store; `purge_older_than` deletes it after the retention period and `erase`
deletes one citizen's data, leaving an audit line that holds no personal data.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from assist.store import core
from assist.store.base import Store, Tx

PHONE = re.compile(r"(?<![\w.])(?:\+|00)?\d[\d\s()-]{7,}\d(?![\w.])")
"""Phone numbers as people write them (spaces, hyphens, brackets); not IP addresses."""
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
MIN_RETENTION_DAYS = 1
"""The shortest retention period a purge accepts."""
FREE_TEXT_KEYS = {"text", "body", "speech", "description", "transcript", "Body", "SpeechResult"}


def redact(text: str) -> str:
    """Mask phone numbers, postcodes and e-mail addresses in a string."""
    text = EMAIL.sub("[email]", text)
    text = PHONE.sub(lambda m: "[phone…" + re.sub(r"\D", "", m.group())[-3:] + "]", text)
    return POSTCODE.sub(
        lambda m: (
            m.group().split()[0][:2].upper() + "[postcode]" if " " in m.group() else "[postcode]"
        ),
        text,
    )


class RedactingFilter(logging.Filter):
    """Redacts personal data from every log record's message and extra fields."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        for key in list(vars(record)):
            if key in FREE_TEXT_KEYS:
                setattr(record, key, "[free text]")
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            data["error"] = redact(self.formatException(record.exc_info))
        return json.dumps(data, ensure_ascii=False)


def configure_logging(level: str = "INFO", json_lines: bool = True) -> None:
    """Send redacted logs to stderr (JSON lines by default)."""
    handler = logging.StreamHandler()
    handler.addFilter(RedactingFilter())
    handler.setFormatter(
        JsonFormatter() if json_lines else logging.Formatter("%(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())


Purger = Callable[[Tx, float], Awaitable[int]]
"""Deletes a component's personal data older than a cut-off time; returns rows deleted."""
Eraser = Callable[[Tx, str], Awaitable[int]]
"""Deletes a component's personal data for one citizen (number or chat id)."""


async def purge_older_than(
    store: Store, days: float, purgers: list[Purger], now: float | None = None
) -> int:
    """Delete personal data older than `days`; returns rows deleted and audits the count.

    Refuses fewer than one day: a zero or negative period would delete every live and
    queued conversation (issue 20), whatever the caller's settings said.
    """
    if not days >= MIN_RETENTION_DAYS:
        raise ValueError(f"retention must be at least {MIN_RETENTION_DAYS} day, not {days!r}")
    t = now if now is not None else time.time()
    cutoff = t - days * 86400
    async with store.transaction() as tx:
        total = 0
        for purge in purgers:
            total += await purge(tx, cutoff)
        await core.audit(tx, "system", "retention_purge", None, {"rows": total, "days": days}, t)
    return total


async def erase(store: Store, who: str, erasers: list[Eraser], actor: str = "cli") -> int:
    """Delete everything held about one citizen; the audit line records only the count."""
    async with store.transaction() as tx:
        total = 0
        for eraser in erasers:
            total += await eraser(tx, who)
        await core.audit(tx, actor, "erase", None, {"rows": total})
    return total
