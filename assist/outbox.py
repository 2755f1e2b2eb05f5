"""Delivers side effects recorded in the outbox, at least once, with backoff; never loses one.

A turn writes its side effects (reports to file, texts to send) into the `outbox` table in
the same transaction as the session. This worker picks due rows, hands each to the handler
registered for its `kind`, and records the outcome. Handlers must be idempotent on the row's
`key` (the worker may crash after a handler succeeded but before the row was marked done).

Several workers may share one database (two processes, or `assist chat` beside `assist
serve`): each pass claims its rows in one `UPDATE ... WHERE status = 'pending' AND (lease_until
IS NULL OR lease_until < now)`, which SQLite and PostgreSQL both apply atomically, so a row is
handled by one worker at a time. A worker renews its lease just before handling each row and
gives it up when it records the outcome; a dead worker's lease runs out and another takes over.

Outcomes: done; pending again with backoff (`RetryLater` or any error); held (`Held`: only a
configuration fix can cure it, so it waits for `release_held`); failed (`PermanentFailure`,
or the last attempt).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import random
import secrets
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from assist.store.base import Row, Store, Tx, skip_locked

log = logging.getLogger(__name__)


class PermanentFailure(Exception):
    """The side effect can never succeed (e.g. the number opted out); do not retry."""


class RetryLater(Exception):
    """Temporary failure; `after_s` (if given) says when to try again."""

    def __init__(self, message: str, after_s: float | None = None) -> None:
        super().__init__(message)
        self.after_s = after_s


class Held(Exception):
    """Only a configuration fix can cure this (e.g. a wrong api key): park the row until
    `release_held` (at start and on a schedule); the message says why, for staff."""


Handler = Callable[[Row, dict[str, Any]], Awaitable[dict[str, Any] | None]]
"""Called with the outbox row and its decoded payload; returns a result to store."""


@dataclass(frozen=True)
class RetryPolicy:
    """How one kind of side effect is retried: `max_attempts` (None: never give up for
    errors; only a permanent failure ends it) and the cap on the wait between attempts."""

    max_attempts: int | None = 12
    max_backoff_s: float = 600.0


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
    lease_s: float = 300.0
    """How long a claim lasts; longer than any one handler call may take."""
    worker_id: str = field(
        default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
    )

    policies: dict[str, RetryPolicy] = field(default_factory=dict)
    """Retry policy per kind (others: `max_attempts` and `max_backoff_s`)."""

    _passes: dict[str, asyncio.Lock] = field(default_factory=dict, init=False, repr=False)

    def lanes(self) -> list[tuple[str, ...]]:
        """Kinds of work that never wait for each other: one lane per kind (a slow council
        delays only reports; texts go on)."""
        return [(kind,) for kind in self.handlers]

    async def run_once(self, limit: int = 20) -> int:
        """Claim and deliver up to `limit` due rows per lane, the lanes side by side; returns
        how many were attempted.

        Passes of one lane run one at a time: a caller (e.g. `assist chat` on its way out)
        waits for the background loop's pass, so the rows it holds are finished, not lost.
        """
        counts = await asyncio.gather(*(self.run_lane(lane, limit) for lane in self.lanes()))
        return sum(counts)

    async def run_lane(self, kinds: tuple[str, ...], limit: int = 20) -> int:
        """One pass over one lane's kinds."""
        lock = self._passes.setdefault(",".join(kinds), asyncio.Lock())
        async with lock:
            return await self._run_once(limit, kinds)

    async def _run_once(self, limit: int, kinds: tuple[str, ...]) -> int:
        now = self.clock()
        if not kinds:
            return 0
        marks = ",".join("?" for _ in kinds)
        claim = f"{self.worker_id}:{secrets.token_hex(4)}"
        free = "status = 'pending' AND (lease_until IS NULL OR lease_until < ?)"
        async with self.store.transaction() as tx:
            await tx.execute(
                f"UPDATE outbox SET claimed_by = ?, lease_until = ? WHERE id IN ("
                f"SELECT id FROM outbox WHERE {free} AND next_attempt_at <= ?"
                f" AND kind IN ({marks}) ORDER BY next_attempt_at, id LIMIT ?{skip_locked(tx)})"
                f" AND {free}",
                (claim, now + self.lease_s, now, now, *kinds, limit, now),
            )
            rows = await tx.fetchall(
                "SELECT * FROM outbox WHERE claimed_by = ? AND status = 'pending'"
                " ORDER BY next_attempt_at, id",
                (claim,),
            )
        for row in rows:
            if await self._renew(row, claim):
                await self._deliver(row, claim)
        return len(rows)

    async def _renew(self, row: Row, claim: str) -> bool:
        """Extend this pass's lease on a row just before handling it; False if it was lost."""
        async with self.store.transaction() as tx:
            kept = await tx.execute(
                "UPDATE outbox SET lease_until = ? WHERE id = ? AND claimed_by = ?"
                " AND status = 'pending'",
                (self.clock() + self.lease_s, row["id"], claim),
            )
        return kept > 0

    async def _deliver(self, row: Row, claim: str) -> None:
        handler = self.handlers[row["kind"]]
        attempts = int(row["attempts"]) + 1
        status, result, error, next_at = "done", None, None, self.clock()
        try:
            result = await handler(row, json.loads(row["payload"]))
        except PermanentFailure as exc:
            status, error = "failed", str(exc)
        except Held as exc:
            status, error = "held", str(exc)
        except Exception as exc:
            after = exc.after_s if isinstance(exc, RetryLater) else None
            error = f"{type(exc).__name__}: {exc}"
            policy = self.policies.get(
                row["kind"], RetryPolicy(self.max_attempts, self.max_backoff_s)
            )
            if policy.max_attempts is not None and attempts >= policy.max_attempts:
                status = "failed"
            else:
                status = "pending"
                exponent = min(attempts - 1, 40)  # 2**40 s is far past any cap
                backoff = min(policy.max_backoff_s, self.base_backoff_s * 2**exponent)
                next_at = self.clock() + (
                    after if after is not None else backoff * (0.5 + random.random() / 2)
                )
        if error:
            log.warning("outbox %s #%s attempt %d: %s", row["kind"], row["id"], attempts, error)
        async with self.store.transaction() as tx:
            kept = await tx.execute(
                "UPDATE outbox SET status=?, attempts=?, next_attempt_at=?, last_error=?,"
                " result=COALESCE(?, result), updated_at=?, claimed_by=NULL, lease_until=NULL"
                " WHERE id=? AND claimed_by=?",
                (
                    status,
                    attempts,
                    next_at,
                    error,
                    json.dumps(result) if result is not None else None,
                    self.clock(),
                    row["id"],
                    claim,
                ),
            )
        if not kept:
            log.warning(
                "outbox %s #%s: lease lost before the outcome was saved", row["kind"], row["id"]
            )

    async def run_forever(self, stop: asyncio.Event, wake: asyncio.Event | None = None) -> None:
        """Deliver until `stop` is set; `wake` cuts the idle wait short when work arrives.

        Errors in one pass are logged and never stop the loop.
        """
        wake = wake or asyncio.Event()
        lanes = self.lanes()
        lane_wakes = [asyncio.Event() for _ in lanes]

        async def fan_out() -> None:  # one wake-up reaches every lane
            while not stop.is_set():
                await _first(stop, wake)
                wake.clear()
                for event in lane_wakes:
                    event.set()

        async def lane_loop(kinds: tuple[str, ...], lane_wake: asyncio.Event) -> None:
            while not stop.is_set():
                try:
                    busy = await self.run_lane(kinds)
                except Exception:
                    log.exception("outbox pass failed")
                    busy = 0
                if busy:
                    continue
                lane_wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(_first(stop, lane_wake), timeout=self.poll_s)

        waker = asyncio.create_task(fan_out())
        loops = [
            asyncio.create_task(lane_loop(lane, ev))
            for lane, ev in zip(lanes, lane_wakes, strict=True)
        ]
        try:
            await stop.wait()
            await asyncio.gather(*loops)  # each lane ends after its pass: nothing half-done
        finally:
            waker.cancel()
            for task in loops:
                task.cancel()
            await asyncio.gather(waker, *loops, return_exceptions=True)


async def release_held(tx: Tx, now: float, kind: str | None = None) -> int:
    """Put held rows (of `kind`, or all) back to pending, due now; returns how many."""
    sql = (
        "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ?"
        " WHERE status = 'held'"
    )
    if kind is None:
        return await tx.execute(sql, (now, now))
    return await tx.execute(sql + " AND kind = ?", (now, now, kind))


async def _first(*events: asyncio.Event) -> None:
    """Return when any of the events is set."""
    waiters = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waiters:
            w.cancel()
