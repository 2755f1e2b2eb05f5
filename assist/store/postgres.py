"""PostgreSQL store (asyncpg): a connection pool, so several instances share one database.

Chosen with `ASSIST_DATABASE_URL=postgresql://user@host:port/db`. Queries and migrations are
written for SQLite and translated in `assist.store.pg_sql`. Transactions run at READ
COMMITTED; rows that several instances compete for are claimed with `FOR UPDATE SKIP LOCKED`
(`assist.store.base.skip_locked`) and conditional updates, never by read-then-write.

Errors: connection trouble, a server shutting down, too many clients, deadlocks and
serialization failures surface as `StoreUnavailable` (the transaction was rolled back and the
same work may succeed later); anything else (a constraint violated, bad SQL) propagates as
asyncpg raised it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import anyio
import asyncpg

from assist.store.base import Migration, Row, StoreUnavailable
from assist.store.pg_sql import ddl, insert_table, query

log = logging.getLogger(__name__)

MIGRATION_LOCK = 0x61737369  # "assi": instances starting together migrate one at a time
_TRANSIENT: tuple[type[BaseException], ...] = (
    OSError,
    asyncpg.exceptions.PostgresConnectionError,  # class 08
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.InterfaceError,
    asyncpg.exceptions.TransactionRollbackError,  # class 40: deadlock, serialization failure
    asyncpg.exceptions.InsufficientResourcesError,  # class 53: too many connections, disk full
    asyncpg.exceptions.OperatorInterventionError,  # class 57: shutdown, cancelled by admin
    asyncpg.exceptions.LockNotAvailableError,
    TimeoutError,
)


def _rowcount(status: str) -> int:
    """Rows changed, from a command tag such as `UPDATE 3` or `INSERT 0 1`."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class _PostgresTx:
    """A transaction on one pooled connection (see `PostgresStore.transaction`)."""

    dialect = "postgresql"

    def __init__(self, conn: asyncpg.Connection, identity_tables: frozenset[str]) -> None:
        self._conn = conn
        self._identity = identity_tables

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        q = query(sql)
        table = insert_table(sql)
        if table is not None and table in self._identity:
            # The new row's id, as SQLite's lastrowid; 0 when nothing was inserted.
            row = await self._conn.fetchrow(q + " RETURNING id", *params)
            return int(row["id"]) if row is not None else 0
        # For a table without an id column this is 1 when a row went in, 0 when not (SQLite
        # would give the hidden rowid: callers only ever test it for truth).
        return _rowcount(await self._conn.execute(q, *params))

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        row = await self._conn.fetchrow(query(sql), *params)
        return dict(row) if row is not None else None

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return [dict(r) for r in await self._conn.fetch(query(sql), *params)]


class PostgresStore:
    """A `Store` on PostgreSQL: a pool of connections, one per open transaction."""

    def __init__(self, url: str, *, min_size: int = 1, max_size: int = 10) -> None:
        self.url = url
        self._min, self._max = min_size, max_size
        self._pool: asyncpg.Pool | None = None
        self._identity: frozenset[str] = frozenset()

    async def open(self, migrations: Iterable[Migration] = ()) -> None:
        try:
            self._pool = await asyncpg.create_pool(
                self.url, min_size=self._min, max_size=self._max, command_timeout=60
            )
        except _TRANSIENT as exc:
            raise StoreUnavailable(f"cannot connect to PostgreSQL: {exc}") from exc
        await self._migrate(list(migrations))

    async def _migrate(self, migrations: list[Migration]) -> None:
        assert self._pool is not None
        async with self._pool.acquire() as conn:
            await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
            try:
                await conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    " component TEXT NOT NULL, version INTEGER NOT NULL,"
                    " applied_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (component, version))"
                )
                done = {
                    (r["component"], r["version"])
                    for r in await conn.fetch("SELECT component, version FROM schema_migrations")
                }
                for m in sorted(migrations, key=lambda m: (m.component, m.version)):
                    if (m.component, m.version) in done:
                        continue
                    async with conn.transaction():
                        for statement in m.statements():
                            await conn.execute(ddl(statement))
                        await conn.execute(
                            "INSERT INTO schema_migrations (component, version, applied_at)"
                            " VALUES ($1, $2, $3)",
                            m.component,
                            m.version,
                            time.time(),
                        )
                    log.info("applied migration %s v%d", m.component, m.version)
            finally:
                await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
            rows = await conn.fetch(
                "SELECT table_name FROM information_schema.columns WHERE column_name = 'id'"
                " AND is_identity = 'YES' AND table_schema = current_schema()"
            )
            self._identity = frozenset(str(r["table_name"]) for r in rows)

    async def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_PostgresTx]:
        """One transaction on a pooled connection; connection trouble, deadlocks and
        serialization failures surface as `StoreUnavailable`."""
        try:
            async with self._transaction() as tx:
                yield tx
        except _TRANSIENT as exc:
            raise StoreUnavailable(f"{type(exc).__name__}: {exc}") from exc

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[_PostgresTx]:
        if self._pool is None:
            raise RuntimeError("store is not open")
        async with self._pool.acquire() as conn:
            tr = conn.transaction()
            # Start, commit and rollback are shielded from cancellation, as in SQLiteStore:
            # a cancelled task must not leave its connection inside a transaction.
            with anyio.CancelScope(shield=True):
                await tr.start()
            try:
                yield _PostgresTx(conn, self._identity)
            except BaseException:
                with anyio.CancelScope(shield=True):
                    await tr.rollback()
                raise
            else:
                with anyio.CancelScope(shield=True):
                    await tr.commit()

    async def ping(self) -> bool:
        try:
            async with self.transaction() as tx:
                return (await tx.fetchone("SELECT 1 AS ok")) is not None
        except Exception:
            return False
