"""The storage contract every component writes through: transactions, rows and migrations.

Components own their tables: each ships a list of `Migration`s (component name, version,
SQL) and the app passes all of them to the store, which applies the missing ones in order at
start-up. SQL is kept to the common subset of SQLite and PostgreSQL (`?` placeholders are
translated by a PostgreSQL store), so a second implementation needs no change elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Protocol

Row = dict[str, Any]


class StoreUnavailable(Exception):
    """The store could not do the work now (locked, busy, disk or connection trouble);
    the transaction was rolled back and the same work may succeed later."""


@dataclass(frozen=True)
class Migration:
    """One schema step: applied once, in `version` order within its `component`."""

    component: str
    version: int
    sql: str

    def statements(self) -> list[str]:
        """The script's statements, one by one (migrations contain no `;` in literals)."""
        return [s.strip() for s in self.sql.split(";") if s.strip()]


def migrations(component: str, *steps: str) -> list[Migration]:
    """A component's migrations, version 1 first: append new steps, never edit old ones."""
    return [Migration(component, version, sql) for version, sql in enumerate(steps, start=1)]


class Tx(Protocol):
    """One transaction: everything done through it commits together or not at all."""

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement; returns rows changed, or for INSERT the new row id (0 if none)."""
        ...

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        """Return the first row as a dict, or None."""
        ...

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Return every row as a dict."""
        ...


class Store(Protocol):
    """A durable store; open it once per process and use one transaction per unit of work."""

    async def open(self, migrations: Iterable[Migration]) -> None:
        """Open (creating if needed) and apply any migrations not yet applied."""
        ...

    async def close(self) -> None:
        """Close; safe to call twice."""
        ...

    def transaction(self) -> AbstractAsyncContextManager[Tx]:
        """A transaction that commits on normal exit and rolls back on an exception."""
        ...

    async def ping(self) -> bool:
        """True when the store answers a trivial query."""
        ...


def dialect(tx: Tx) -> str:
    """`postgresql` or `sqlite`: which database a transaction runs on."""
    return str(getattr(tx, "dialect", "sqlite"))


def skip_locked(tx: Tx) -> str:
    """` FOR UPDATE SKIP LOCKED` to append to a SELECT of rows to claim on PostgreSQL, where
    several instances claim at once and each must pass over rows another is claiming; "" on
    SQLite, whose one writer at a time means no row is ever locked by someone else."""
    return " FOR UPDATE SKIP LOCKED" if dialect(tx) == "postgresql" else ""
