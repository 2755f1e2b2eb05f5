"""Durable storage: an async interface (`Store`, `Tx`) and its SQLite implementation."""

from assist.store.base import Migration, Store, Tx
from assist.store.sqlite import SQLiteStore

__all__ = ["Migration", "SQLiteStore", "Store", "Tx"]
