"""Turns for one sender serialised across instances: a PostgreSQL advisory lock per sender.

Within one process `Conversations` already runs one turn per sender at a time (an asyncio
lock); with several instances on one database, a chat's turns may land on any of them, so
the turn also holds `pg_advisory_xact_lock(TURNS, hash(channel:sender))` on a connection of
its own (a small pool apart from the store's, so a turn waiting for the lock never holds a
connection its own transactions need). The lock goes with the transaction: at the end of
the turn, or when an instance dies and its connection drops.

Two senders whose keys hash alike only wait for each other; nothing is shared between them.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from assist.store.base import StoreUnavailable

TURNS = 0x7475726E
"""The advisory lock namespace ("turn") for sender locks."""
LOCK_TIMEOUT_MS = 30_000
"""A turn waits at most this long for another instance's turn for the same sender."""


def sender_key(key: str) -> int:
    """A stable signed 32-bit number for `key` (Python's `hash` differs between processes)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=4).digest(), "big", signed=True)


class PgTurnLocks:
    """Advisory locks, one per `channel:sender` key, held for the length of a turn."""

    def __init__(self, url: str, max_size: int = 20) -> None:
        """Locks on the database at `url`; at most `max_size` turns wait or hold at once."""
        self.url = url
        self.max_size = max_size
        self._pool: asyncpg.Pool | None = None

    async def open(self) -> None:
        """Open the lock connections' pool; raises StoreUnavailable when it cannot."""
        try:
            self._pool = await asyncpg.create_pool(self.url, min_size=1, max_size=self.max_size)
        except (OSError, asyncpg.PostgresError) as exc:
            raise StoreUnavailable(f"cannot connect to PostgreSQL: {exc}") from exc

    async def close(self) -> None:
        """Close the pool; safe to call twice."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        """Hold the lock for `key` until the block ends; raises StoreUnavailable when the
        database cannot be reached or the lock is not free within `LOCK_TIMEOUT_MS`."""
        if self._pool is None:
            raise RuntimeError("turn locks are not open")
        try:
            async with self._pool.acquire() as conn, conn.transaction():
                await conn.execute(f"SET LOCAL lock_timeout = {LOCK_TIMEOUT_MS}")
                await conn.execute("SELECT pg_advisory_xact_lock($1, $2)", TURNS, sender_key(key))
                yield
        except (
            OSError,
            asyncpg.PostgresConnectionError,
            asyncpg.InterfaceError,
            asyncpg.exceptions.LockNotAvailableError,
        ) as exc:
            raise StoreUnavailable(f"turn lock: {type(exc).__name__}") from exc
