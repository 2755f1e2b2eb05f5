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


async def test_a_lost_connection_is_store_unavailable_and_the_next_one_works(
    store_kind: str, database: Database
) -> None:
    """A server that drops the connection mid-work (a restart, a failover) makes that
    transaction `StoreUnavailable`; the next transaction gets a fresh connection."""
    store = await database.open(THINGS)
    try:
        async with store.transaction() as tx:
            await tx.execute("INSERT INTO things (name) VALUES (?)", ("before",))
        admin = await database.open([])
        try:
            with pytest.raises(StoreUnavailable):
                async with store.transaction() as tx:
                    await tx.execute("INSERT INTO things (name) VALUES (?)", ("lost",))
                    async with admin.transaction() as other:
                        await other.fetchall(
                            "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity"
                            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                        )
                    await tx.execute("INSERT INTO things (name) VALUES (?)", ("after",))
        finally:
            await admin.close()
        async with store.transaction() as tx:
            names = [r["name"] for r in await tx.fetchall("SELECT name FROM things ORDER BY id")]
        assert names == ["before"]
    finally:
        await store.close()
