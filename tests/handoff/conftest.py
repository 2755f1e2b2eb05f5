"""Fixtures for handoff tests: a real SQLite store with core and handoff tables."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from assist.handoff.schema import MIGRATIONS
from assist.store import SQLiteStore, core


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
async def store(db_path: Path) -> AsyncIterator[SQLiteStore]:
    s = SQLiteStore(db_path)
    await s.open([*core.MIGRATIONS, *MIGRATIONS])
    yield s
    await s.close()
