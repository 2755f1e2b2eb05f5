"""Delivers side effects recorded in the outbox, at least once, with backoff; never loses one.

A turn writes its side effects (reports to file, texts to send) into the `outbox` table in
the same transaction as the session. This worker picks due rows, hands each to the handler
registered for its `kind`, and records the outcome. Handlers must be idempotent on the row's
`key` (the worker may crash after a handler succeeded but before the row was marked done).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from assist.store.base import Row, Store

log = logging.getLogger(__name__)


class PermanentFailure(Exception):
    """The side effect can never succeed (e.g. the number opted out); do not retry."""


class RetryLater(Exception):
    """Temporary failure; `after_s` (if given) says when to try again."""

    def __init__(self, message: str, after_s: float | None = None) -> None:
        super().__init__(message)
        self.after_s = after_s


Handler = Callable[[Row, dict[str, Any]], Awaitable[dict[str, Any] | None]]
"""Called with the outbox row and its decoded payload; returns a result to store."""


@dataclass
class OutboxWorker:
    """Polls the outbox and delivers due rows through handlers registered per kind."""

    store: Store
    handlers: dict[str, Handler]
    max_attempts: int = 12
    base_backoff_s: float = 2.0
    max_backoff_s: float = 600.0
    poll_s: float = 1.0
    clock: Callable[[], float] = time.time

    async def run_once(self, limit: int = 20) -> int:
        """Deliver up to `limit` due rows; returns how many were attempted."""
        now = self.clock()
        kinds = tuple(self.handlers)
        if not kinds:
            return 0
        marks = ",".join("?" for _ in kinds)
        async with self.store.transaction() as tx:
            rows = await tx.fetchall(
                f"SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?"
                f" AND kind IN ({marks}) ORDER BY next_attempt_at, id LIMIT ?",
                (now, *kinds, limit),
            )
        for row in rows:
            await self._deliver(row)
        return len(rows)

    async def _deliver(self, row: Row) -> None:
        handler = self.handlers[row["kind"]]
        attempts = int(row["attempts"]) + 1
        status, result, error, next_at = "done", None, None, self.clock()
        try:
            result = await handler(row, json.loads(row["payload"]))
        except PermanentFailure as exc:
            status, error = "failed", str(exc)
        except Exception as exc:
            after = exc.after_s if isinstance(exc, RetryLater) else None
            error = f"{type(exc).__name__}: {exc}"
            if attempts >= self.max_attempts:
                status = "failed"
            else:
                status = "pending"
                backoff = min(self.max_backoff_s, self.base_backoff_s * 2 ** (attempts - 1))
                next_at = self.clock() + (
                    after if after is not None else backoff * (0.5 + random.random() / 2)
                )
        if error:
            log.warning("outbox %s #%s attempt %d: %s", row["kind"], row["id"], attempts, error)
        async with self.store.transaction() as tx:
            await tx.execute(
                "UPDATE outbox SET status=?, attempts=?, next_attempt_at=?, last_error=?,"
                " result=COALESCE(?, result), updated_at=? WHERE id=?",
                (
                    status,
                    attempts,
                    next_at,
                    error,
                    json.dumps(result) if result is not None else None,
                    self.clock(),
                    row["id"],
                ),
            )

    async def run_forever(self, stop: asyncio.Event, wake: asyncio.Event | None = None) -> None:
        """Deliver until `stop` is set; `wake` cuts the idle wait short when work arrives.

        Errors in one pass are logged and never stop the loop.
        """
        wake = wake or asyncio.Event()
        while not stop.is_set():
            try:
                busy = await self.run_once()
            except Exception:
                log.exception("outbox pass failed")
                busy = 0
            if busy:
                continue
            wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(_first(stop, wake), timeout=self.poll_s)


async def _first(*events: asyncio.Event) -> None:
    """Return when any of the events is set."""
    waiters = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waiters:
            w.cancel()
