"""SQLite implementation of the store: one file, WAL mode, one writer, group commit.

A turn's statements are tiny (a few rows by primary key), so they run on the event loop's
own connection without a round trip to a thread per statement: a transaction never
suspends between its statements, and the next one is not kept waiting for a thread hop.
The slow part, making commits durable (`fsync` of the write-ahead log), is done off the
loop by `_WalSyncer`, once for every commit that finished while the previous `fsync` ran
(group commit). `transaction()` returns only after its own commit is on disk, so a reply
is sent only after its turn is durable: nothing answered is lost to a power cut or kill -9.

    transaction()
      ├── BEGIN IMMEDIATE (busy elsewhere → retried without blocking the loop, then
      │   StoreUnavailable)
      ├── the caller's statements (sqlite3, on the loop; microseconds each)
      ├── COMMIT (no fsync: synchronous=NORMAL)
      └── wrote anything? → await the next group fsync of the WAL (a thread) → return
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio

from assist.store.base import Migration, Row, StoreUnavailable

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 5.0
"""How long BEGIN waits for another process's write lock before StoreUnavailable."""
CHECKPOINT_BYTES = 4 * 1024 * 1024
"""A write-ahead log this large is checkpointed into the database (by the syncer thread)."""


class _SQLiteTx:
    """A transaction on the store's single connection (see `SQLiteStore.transaction`)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.wrote = False

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        self.wrote = True
        cur = self._conn.execute(sql, tuple(params))
        try:
            if sql.lstrip()[:6].upper() == "INSERT":
                # The new row's id, or 0 when nothing was inserted (ON CONFLICT DO NOTHING).
                return int(cur.lastrowid or 0) if cur.rowcount > 0 else 0
            return int(cur.rowcount)
        finally:
            cur.close()

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        cur = self._conn.execute(sql, tuple(params))
        try:
            row = cur.fetchone()
            return dict(row) if row is not None else None
        finally:
            cur.close()

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        cur = self._conn.execute(sql, tuple(params))
        try:
            return [dict(r) for r in cur.fetchall()]
        finally:
            cur.close()


class _WalSyncer:
    """Makes commits durable in batches: `fsync` of the WAL file in a worker thread.

    Every commit takes a ticket (`committed`); `durable(ticket)` waits until an `fsync` that
    started after that commit has finished. One `fsync` covers every commit before it, so
    under load one flush serves many turns. Large logs are checkpointed in the same thread.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.wal = Path(f"{path}-wal")
        self._fd: int | None = None
        self._ino: int | None = None
        self._checkpointer: sqlite3.Connection | None = None
        self._thread_lock = threading.Lock()
        self._ticket = 0
        self._synced = 0
        self._flight: asyncio.Future[None] | None = None
        self.flushes = 0
        """How many `fsync`s were done (fewer than commits under load: the group commit)."""

    def committed(self) -> int:
        """Take a ticket for a commit that has just finished."""
        self._ticket += 1
        return self._ticket

    async def durable(self, ticket: int) -> None:
        """Return once the commit with `ticket` is on disk; raises StoreUnavailable when the
        disk refuses."""
        while self._synced < ticket:
            if self._flight is None:
                self._flight = asyncio.ensure_future(self._flush(self._ticket))
            # shielded: a cancelled turn must not cancel the flush other turns wait on
            await asyncio.shield(self._flight)

    async def _flush(self, upto: int) -> None:
        try:
            await anyio.to_thread.run_sync(self._sync)
        except OSError as exc:
            raise StoreUnavailable(f"could not make the commit durable: {exc}") from exc
        finally:
            self._flight = None
        self._synced = max(self._synced, upto)
        self.flushes += 1

    def _sync(self) -> None:
        """Worker thread: fsync the WAL (reopened if SQLite replaced it), then checkpoint a
        large log."""
        with self._thread_lock:
            try:
                ino = os.stat(self.wal).st_ino
            except FileNotFoundError:
                ino = None
            if ino != self._ino:
                self._close_fd()
                if ino is not None:
                    self._fd = os.open(self.wal, os.O_RDONLY)
                    self._ino = ino
                    _fsync_dir(self.wal.parent)  # the new log's directory entry
            if self._fd is None:
                fd = os.open(self.path, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
                return
            os.fsync(self._fd)
            if os.fstat(self._fd).st_size >= CHECKPOINT_BYTES:
                self._checkpoint()

    def _checkpoint(self) -> None:
        if self._checkpointer is None:
            self._checkpointer = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False
            )
            self._checkpointer.execute("PRAGMA wal_autocheckpoint=0")
        try:
            self._checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.OperationalError as exc:  # busy: the next flush tries again
            log.info("store: checkpoint postponed (%s)", exc)

    def _close_fd(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
        self._fd, self._ino = None, None

    def close(self) -> None:
        """Worker thread: close the log's descriptor and the checkpointing connection."""
        with self._thread_lock:
            self._close_fd()
            if self._checkpointer is not None:
                self._checkpointer.close()
                self._checkpointer = None


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class SQLiteStore:
    """The default `Store`: one SQLite connection, transactions one at a time, group commit.

    SQLite allows one writer; serialising transactions in-process avoids busy errors and
    keeps each turn's writes atomic. A transaction that wrote returns only once its commit
    is on disk (`_WalSyncer`), so a committed turn survives a power cut or kill -9, as with
    `synchronous=FULL`, at one `fsync` per batch of turns instead of one per turn.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None
        self._lock = asyncio.Lock()
        self._syncer = _WalSyncer(self.path)

    @property
    def flushes(self) -> int:
        """How many group `fsync`s have been done (for benchmarks and tests)."""
        return self._syncer.flushes

    async def open(self, migrations: Iterable[Migration] = ()) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = await anyio.to_thread.run_sync(self._connect)
        await self._migrate(list(migrations))

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout=5000")  # opening may meet another process's lock
        conn.execute("PRAGMA journal_mode=WAL")
        # Commits are made durable by the group fsync, not one fsync each (see the docstring).
        conn.execute("PRAGMA synchronous=NORMAL")
        # Checkpoints (which fsync) run in the syncer's thread, never on the event loop.
        conn.execute("PRAGMA wal_autocheckpoint=0")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=0")  # BEGIN retries asynchronously instead
        return conn

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
                for statement in m.statements():
                    await tx.execute(statement)
                await tx.execute(
                    "INSERT INTO schema_migrations (component, version, applied_at) VALUES (?,?,?)",
                    (m.component, m.version, time.time()),
                )
            log.info("applied migration %s v%d", m.component, m.version)

    async def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            async with self._lock:  # let a transaction in progress finish first
                if self._syncer._flight is not None:
                    await asyncio.shield(self._syncer._flight)
                await anyio.to_thread.run_sync(self._syncer.close)
                # closing checkpoints the log into the database: not on the event loop
                await anyio.to_thread.run_sync(conn.close)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_SQLiteTx]:
        """One transaction; SQLite's operational errors (busy, locked, I/O) surface as
        `StoreUnavailable`, so callers need not know which database is behind the store.
        A transaction that wrote returns once its commit is durable."""
        try:
            async with self._transaction() as tx:
                yield tx
        except sqlite3.OperationalError as exc:
            raise StoreUnavailable(str(exc)) from exc

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[_SQLiteTx]:
        if self._conn is None:
            raise RuntimeError("store is not open")
        conn = self._conn
        async with self._lock:
            await self._begin(conn)
            tx = _SQLiteTx(conn)
            try:
                yield tx
            except BaseException:
                # BEGIN, COMMIT and ROLLBACK are plain calls: no cancellation can land
                # half-way and leave the shared connection inside a transaction.
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            ticket = self._syncer.committed() if tx.wrote else 0
        if ticket:
            await self._syncer.durable(ticket)  # outside the lock: the next turn goes ahead

    @staticmethod
    async def _begin(conn: sqlite3.Connection) -> None:
        """BEGIN IMMEDIATE; while another process holds the write lock, try again every few
        milliseconds (the loop keeps serving) for up to `BUSY_TIMEOUT_S`. A transaction left
        open on the connection (it should not happen) is rolled back first."""
        if conn.in_transaction:
            log.warning("store: rolled back a transaction left open on the connection")
            conn.execute("ROLLBACK")
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        delay = 0.002
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if time.monotonic() >= deadline:
                    raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.05)

    async def ping(self) -> bool:
        try:
            async with self.transaction() as tx:
                return (await tx.fetchone("SELECT 1 AS ok")) is not None
        except Exception:
            return False
