"""`assist db check | migrate` and `assist staff add` work on the store ASSIST_DATABASE_URL
chooses: SQLite without it, PostgreSQL with it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from assist.app import all_migrations
from tests import pg
from tests.conftest import Database

pytestmark = pytest.mark.both_stores
REPO = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
async def empty(
    store_kind: str, pg_or_none: pg.Cluster | None, tmp_path: Path
) -> AsyncIterator[Database]:
    """A database with no tables at all (a new SQLite file, or a new PostgreSQL database)."""
    data = tmp_path / "data"
    if pg_or_none is None:
        yield Database(store_kind, data / "assist.db")
        return
    url = await pg.create_database(pg_or_none)
    yield Database(store_kind, data / "assist.db", url)
    await pg.drop_database(pg_or_none, url)


def assist(db: Database, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSIST_DATA_DIR": str(db.sqlite_path.parent), "ASSIST_RASA_URL": ""}
    env["ASSIST_DATABASE_URL"] = db.url or ""
    return subprocess.run(
        [sys.executable, "-m", "assist.cli", *args],
        cwd=REPO,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_check_names_what_is_missing_and_migrate_applies_it(empty: Database) -> None:
    """`db check` exits 1 naming the missing migrations; after `db migrate` it exits 0, and
    `staff add` writes its account into the same store."""
    check = assist(empty, "db", "check")
    assert check.returncode == 1, check.stderr
    assert "core v1" in check.stderr and "handoff v1" in check.stderr
    migrate = assist(empty, "db", "migrate")
    assert migrate.returncode == 0 and "applied core v1" in migrate.stdout, migrate.stderr
    assert assist(empty, "db", "migrate").stdout.strip() == "nothing to apply"
    again = assist(empty, "db", "check")
    assert again.returncode == 0 and "up to date" in again.stdout
    added = assist(
        empty, "staff", "add", "Ann", "--role", "supervisor", "--password-stdin",
        stdin="a long enough secret\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    store = await empty.open(all_migrations())
    try:
        async with store.transaction() as tx:
            rows = await tx.fetchall("SELECT username, role FROM handoff_staff")
    finally:
        await store.close()
    assert rows == [{"username": "ann", "role": "supervisor"}]
