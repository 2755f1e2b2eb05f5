"""What only the PostgreSQL store does: several instances on one database, connection trouble."""

from __future__ import annotations

import asyncio
import socket

import pytest

from assist.store import StoreUnavailable
from assist.store.postgres import PostgresStore
from tests.conftest import Database
from tests.store.test_contract import THINGS

pytestmark = pytest.mark.parametrize("store_kind", ["postgres"], indirect=True)


async def test_two_instances_starting_together_migrate_once(database: Database) -> None:
    """Instances that start at the same moment do not both apply a migration."""
    stores = await asyncio.gather(database.open(THINGS), database.open(THINGS))
    try:
        async with stores[0].transaction() as tx:
            row = await tx.fetchone(
                "SELECT COUNT(*) AS n FROM schema_migrations WHERE component = ?", ("things",)
            )
        assert row == {"n": 1}
    finally:
        for s in stores:
            await s.close()


async def test_an_unreachable_postgresql_is_store_unavailable(store_kind: str) -> None:
    """A server that does not answer is `StoreUnavailable`, not a crash with a socket error."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(StoreUnavailable):
        await PostgresStore(f"postgresql://postgres@127.0.0.1:{port}/none").open([])
