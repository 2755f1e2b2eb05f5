"""SQLite implementation of the store: one file, WAL mode, one writer at a time."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite
import anyio

from assist.store.base import Migration, Row, StoreUnavailable

log = logging.getLogger(__name__)


class _SQLiteTx:
    """A transaction on the store's single connection (see `SQLiteStore.transaction`)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        cur = await self._conn.execute(sql, tuple(params))
        try:
            if sql.lstrip()[:6].upper() == "INSERT":
                # The new row's id, or 0 when nothing was inserted (ON CONFLICT DO NOTHING).
                return int(cur.lastrowid or 0) if cur.rowcount > 0 else 0
            return int(cur.rowcount)
        finally:
            await cur.close()

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        async with self._conn.execute(sql, tuple(params)) as cur:
            row = await cur.fetchone()
            return dict(row) if row is not None else None

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        async with self._conn.execute(sql, tuple(params)) as cur:
            return [dict(r) for r in await cur.fetchall()]


class SQLiteStore:
    """The default `Store`: a single aiosqlite connection serialised by a lock.

    SQLite allows one writer; serialising transactions in-process avoids busy errors and
    keeps each turn's writes atomic. `synchronous=FULL` so a committed turn survives a
    power cut or `kill -9`, not only a clean exit.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    async def open(self, migrations: Iterable[Migration] = ()) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA synchronous=FULL")
        await conn.execute("PRAGMA foreign_keys=ON")
        await conn.execute("PRAGMA busy_timeout=5000")
        self._conn = conn
        await self._migrate(list(migrations))

    async def _migrate(self, migrations: list[Migration]) -> None:
        async with self.transaction() as tx:
            await tx.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " component TEXT NOT NULL, version INTEGER NOT NULL, applied_at REAL NOT NULL,"
                " PRIMARY KEY (component, version))"
            )
            done = {
                (r["component"], r["version"])
                for r in await tx.fetchall("SELECT component, version FROM schema_migrations")
            }
        for m in sorted(migrations, key=lambda m: (m.component, m.version)):
            if (m.component, m.version) in done:
                continue
            async with self.transaction() as tx:
                for statement in _split_sql(m.sql):
                    await tx.execute(statement)
                await tx.execute(
                    "INSERT INTO schema_migrations (component, version, applied_at) VALUES (?,?,?)",
                    (m.component, m.version, time.time()),
                )
            log.info("applied migration %s v%d", m.component, m.version)

    async def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_SQLiteTx]:
        """One transaction; SQLite's operational errors (busy, locked, I/O) surface as
        `StoreUnavailable`, so callers need not know which database is behind the store."""
        try:
            async with self._transaction() as tx:
                yield tx
        except sqlite3.OperationalError as exc:
            raise StoreUnavailable(str(exc)) from exc

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[_SQLiteTx]:
        if self._conn is None:
            raise RuntimeError("store is not open")
        async with self._lock:
            # BEGIN, COMMIT and ROLLBACK are shielded from cancellation: a task cancelled
            # half-way (a browser leaving a live page) must not leave the shared connection
            # inside a transaction, or every later transaction would fail.
            with anyio.CancelScope(shield=True):
                await self._begin(self._conn)
            try:
                yield _SQLiteTx(self._conn)
            except BaseException:
                with anyio.CancelScope(shield=True):
                    await self._conn.execute("ROLLBACK")
                raise
            else:
                with anyio.CancelScope(shield=True):
                    await self._conn.execute("COMMIT")

    @staticmethod
    async def _begin(conn: aiosqlite.Connection) -> None:
        """BEGIN IMMEDIATE. A task cancelled by asyncio while its own BEGIN was in flight
        (the shield above holds off cancel scopes, not every native cancel) leaves an empty
        transaction open on the shared connection: roll that back and begin again, rather
        than failing every later transaction."""
        try:
            await conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "within a transaction" not in str(exc):
                raise
            log.warning("store: rolled back a transaction a cancelled task left open")
            await conn.execute("ROLLBACK")
            await conn.execute("BEGIN IMMEDIATE")

    async def ping(self) -> bool:
        try:
            async with self.transaction() as tx:
                return (await tx.fetchone("SELECT 1 AS ok")) is not None
        except Exception:
            return False


def _split_sql(sql: str) -> list[str]:
    """Split a migration script into statements (migrations contain no `;` in literals)."""
    return [s.strip() for s in sql.split(";") if s.strip()]
