"""Durable storage: an async interface (`Store`, `Tx`) and its SQLite implementation."""

from assist.store.base import Migration, Store, StoreUnavailable, Tx
from assist.store.sqlite import SQLiteStore

__all__ = ["Migration", "SQLiteStore", "Store", "StoreUnavailable", "Tx"]
