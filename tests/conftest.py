"""Shared fixtures: settings on a temporary data dir, the shipped dialogues, an engine."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from assist.app import all_migrations
from assist.backend_client.memory import InMemoryCouncilServices
from assist.conversations import Conversations, RecordingQueue
from assist.dialogue.engine import Engine, EngineConfig
from assist.dialogue.prompts import Prompts
from assist.service import Dialogue, load_dialogue
from assist.settings import Settings
from assist.store import Migration, Store, make_store
from assist.store.postgres import PostgresStore
from tests import pg

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def dialogue() -> Dialogue:
    """The shipped flows, prompts and fallback classifier (loaded once per test run)."""
    return load_dialogue(REPO / "dialogues")


@pytest.fixture(scope="session")
def prompts() -> Prompts:
    """The shipped prompt texts alone (no classifier to train)."""
    return Prompts.load(REPO / "dialogues" / "prompts")


@pytest.fixture
def council() -> InMemoryCouncilServices:
    """An in-memory council with a fixed 'today' (a Monday)."""
    return InMemoryCouncilServices(today=dt.date(2026, 11, 30))


@pytest.fixture
def engine(dialogue: Dialogue, council: InMemoryCouncilServices) -> Engine:
    """The engine on the shipped dialogues, the fallback classifier and the in-memory council."""
    return Engine(
        dialogue.flows,
        dialogue.prompts,
        dialogue.fallback,
        council,
        EngineConfig(call_cost_sentence="This call costs the same as an 01 number."),
        today=lambda: dt.date(2026, 11, 30),
    )


STORES = ("sqlite", "postgres")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked `both_stores` run once on SQLite and once on a real PostgreSQL."""
    if "store_kind" in metafunc.fixturenames and metafunc.definition.get_closest_marker(
        "both_stores"
    ):
        metafunc.parametrize("store_kind", STORES, indirect=True)


@pytest.fixture
def store_kind(request: pytest.FixtureRequest) -> str:
    """Which store a test runs on: both for tests marked `both_stores`, else ASSIST_TEST_STORE
    (`sqlite` unless set: `ASSIST_TEST_STORE=postgres` runs every `store` test on PostgreSQL)."""
    if request.node.path.name == "test_sqlite.py":
        return "sqlite"  # SQLiteStore's own tests
    return str(getattr(request, "param", os.environ.get("ASSIST_TEST_STORE", "sqlite")))


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[pg.Cluster]:
    """A throwaway PostgreSQL for the whole session, with a migrated template database."""
    try:
        cluster = pg.start_cluster()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)

    async def make_template() -> None:
        conn = await pg.asyncpg.connect(cluster.url())
        try:
            await conn.execute(f'CREATE DATABASE "{TEMPLATE}"')
        finally:
            await conn.close()
        s = PostgresStore(cluster.url(TEMPLATE))
        await s.open(all_migrations())
        await s.close()

    try:
        asyncio.run(make_template())
        yield cluster
    finally:
        cluster.stop()


TEMPLATE = "assist_migrated"


@dataclass
class Database:
    """The database a test runs on; `open` gives a store on it (several may be open at once,
    as several instances of Assist would be)."""

    kind: str
    sqlite_path: Path
    url: str | None = None

    async def open(self, migrations: list[Migration] | None = None) -> Store:
        """A new store on this database, migrated (all components unless told)."""
        s = make_store(self.url, self.sqlite_path)
        await s.open(all_migrations() if migrations is None else migrations)
        return s


@pytest.fixture
def pg_or_none(store_kind: str, request: pytest.FixtureRequest) -> pg.Cluster | None:
    """The session's PostgreSQL when the test runs on it (started on first use), else None."""
    if store_kind != "postgres":
        return None
    cluster: pg.Cluster = request.getfixturevalue("pg_cluster")
    return cluster


@pytest.fixture
async def database(
    store_kind: str, pg_or_none: pg.Cluster | None, tmp_path: Path
) -> AsyncIterator[Database]:
    """A fresh database for one test: a temporary SQLite file, or a new PostgreSQL database
    copied from the migrated template (dropped afterwards)."""
    if pg_or_none is None:
        yield Database(store_kind, tmp_path / "assist.db")
        return
    url = await pg.create_database(pg_or_none, TEMPLATE)
    yield Database(store_kind, tmp_path / "assist.db", url)
    await pg.drop_database(pg_or_none, url)


def store_at(path: Path) -> Store:
    """A store (not opened) on the SQLite file `path`, or on the test's PostgreSQL database
    when `database_env` has set ASSIST_DATABASE_URL."""
    return make_store(os.environ.get("ASSIST_DATABASE_URL") or None, path)


@pytest.fixture
def database_env(database: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    """ASSIST_DATABASE_URL set to the test's database (unset for SQLite), so every `Settings`
    the test builds, and every command it runs, uses it."""
    monkeypatch.setenv("ASSIST_DATABASE_URL", database.url or "")
    return database


@pytest.fixture
async def store(database: Database) -> AsyncIterator[Store]:
    """A real store (SQLite in a temporary file, or PostgreSQL), migrated."""
    s = await database.open()
    yield s
    await s.close()


@pytest.fixture
def settings(tmp_path: Path, database: Database) -> Settings:
    """Settings with a fresh data directory and no external services (and the test's
    PostgreSQL database when it runs on PostgreSQL)."""
    return Settings(  # type: ignore[call-arg]
        data_dir=tmp_path / "data", database_url=database.url, rasa_url="", _env_file=None
    )


@pytest.fixture
def queue() -> RecordingQueue:
    """A queue that records hand-offs."""
    return RecordingQueue()


@pytest.fixture
def conversations(store: Store, engine: Engine, queue: RecordingQueue) -> Conversations:
    """The turn runner on a real store."""
    return Conversations(store, engine, queue)
