"""Fixtures for handoff tests: a real store (SQLite, or PostgreSQL for `both_stores` tests)
with core and handoff tables."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from assist.handoff.schema import MIGRATIONS
from assist.store import Store, core
from tests.conftest import Database


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, t: float = 1_000_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, s: float) -> None:
        self.t += s


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "assist.db"


@pytest.fixture
async def store(database: Database, db_path: Path) -> AsyncIterator[Store]:
    assert database.sqlite_path == db_path
    s = await database.open([*core.MIGRATIONS, *MIGRATIONS])
    yield s
    await s.close()
