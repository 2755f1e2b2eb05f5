"""Durable storage: an async interface (`Store`, `Tx`), SQLite (default) and PostgreSQL."""

from pathlib import Path

from assist.store.base import Migration, Store, StoreUnavailable, Tx
from assist.store.sqlite import SQLiteStore

__all__ = ["Migration", "SQLiteStore", "Store", "StoreUnavailable", "Tx", "make_store"]


def make_store(database_url: str | None, sqlite_path: Path) -> Store:
    """The store a process should open: PostgreSQL when `database_url` is given (a
    `postgresql://` URL), else SQLite in `sqlite_path`. Not yet opened."""
    if database_url:
        from assist.store.postgres import PostgresStore

        return PostgresStore(database_url)
    return SQLiteStore(sqlite_path)
