"""The `Store` contract, held by both stores: SQLite and a real PostgreSQL."""

from __future__ import annotations

import pytest

from assist.store import Store
from assist.store.base import migrations
from assist.store.migrate import missing
from tests.conftest import Database

pytestmark = pytest.mark.both_stores

THINGS = migrations(
    "things",
    """
        CREATE TABLE things (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          name TEXT NOT NULL UNIQUE,
          weight REAL NOT NULL DEFAULT 0,
          note TEXT NOT NULL DEFAULT 'a ? in a literal'
        );
        CREATE TABLE labels (name TEXT PRIMARY KEY, n INTEGER NOT NULL)
        """,
)


@pytest.fixture
async def things(database: Database) -> Store:
    s = await database.open(THINGS)
    yield s  # type: ignore[misc]
    await s.close()


async def test_insert_returns_the_new_id_and_updates_count_rows(things: Store) -> None:
    """INSERT gives the new row's id (0 when a conflict skipped it); UPDATE and DELETE give
    how many rows changed."""
    async with things.transaction() as tx:
        a = await tx.execute("INSERT INTO things (name, weight) VALUES (?, ?)", ("a", 1.5))
        b = await tx.execute("INSERT INTO things (name) VALUES (?)", ("b",))
        again = await tx.execute(
            "INSERT INTO things (name) VALUES (?) ON CONFLICT(name) DO NOTHING", ("a",)
        )
        label = await tx.execute("INSERT INTO labels (name, n) VALUES (?, ?)", ("x", 1))
        changed = await tx.execute("UPDATE things SET weight = weight + ? WHERE id > ?", (1, 0))
        none = await tx.execute("DELETE FROM things WHERE name = ?", ("zzz",))
    assert (a, b - a, again, changed, none) == (a, 1, 0, 2, 0)
    assert a > 0 and label > 0


async def test_rows_come_back_as_dicts_with_literals_untouched(things: Store) -> None:
    """A `?` inside a string literal is text, not a placeholder; REAL reads back as float."""
    async with things.transaction() as tx:
        await tx.execute("INSERT INTO things (name, weight) VALUES (?, ?)", ("q?", 2))
        row = await tx.fetchone(
            "SELECT name, weight, note, 'x?y' AS lit FROM things WHERE name = ?", ("q?",)
        )
        rows = await tx.fetchall("SELECT name FROM things WHERE name LIKE ? ORDER BY id", ("q%",))
        nothing = await tx.fetchone("SELECT name FROM things WHERE name = ?", ("none",))
    assert row == {"name": "q?", "weight": 2.0, "note": "a ? in a literal", "lit": "x?y"}
    assert isinstance(row["weight"], float)
    assert rows == [{"name": "q?"}] and nothing is None


async def test_an_exception_rolls_the_whole_transaction_back(things: Store) -> None:
    """Everything in a transaction commits together or not at all."""
    with pytest.raises(RuntimeError):
        async with things.transaction() as tx:
            await tx.execute("INSERT INTO things (name) VALUES (?)", ("gone",))
            raise RuntimeError("boom")
    async with things.transaction() as tx:
        await tx.execute("INSERT INTO things (name) VALUES (?)", ("kept",))
    async with things.transaction() as tx:
        names = [r["name"] for r in await tx.fetchall("SELECT name FROM things")]
    assert names == ["kept"]
    assert await things.ping()


async def test_migrations_apply_once_and_new_steps_later(database: Database) -> None:
    """Reopening applies only the steps added since; `missing` names what a store lacks."""
    first = await database.open(THINGS)
    await first.close()
    more = [*THINGS, *migrations("extra", "CREATE TABLE extra (k TEXT PRIMARY KEY)")]
    second = await database.open(THINGS)
    try:
        assert [(m.component, m.version) for m in await missing(second, more)] == [("extra", 1)]
    finally:
        await second.close()
    third = await database.open(more)
    try:
        assert await missing(third, more) == []
        async with third.transaction() as tx:
            await tx.execute("INSERT INTO extra (k) VALUES (?)", ("v",))
    finally:
        await third.close()
