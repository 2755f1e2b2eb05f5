"""Shared fixtures: settings on a temporary data dir, the shipped dialogues, an engine."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from assist.app import all_migrations
from assist.backend_client.memory import InMemoryCouncilServices
from assist.conversations import Conversations, RecordingQueue
from assist.dialogue.engine import Engine, EngineConfig
from assist.dialogue.prompts import Prompts
from assist.service import Dialogue, load_dialogue
from assist.settings import Settings
from assist.store import SQLiteStore

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
def settings(tmp_path: Path) -> Settings:
    """Settings with a fresh data directory and no external services."""
    return Settings(data_dir=tmp_path / "data", rasa_url="", _env_file=None)  # type: ignore[call-arg]


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


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    """A real SQLite store in a temporary file, migrated."""
    s = SQLiteStore(tmp_path / "assist.db")
    await s.open(all_migrations())
    yield s
    await s.close()


@pytest.fixture
def queue() -> RecordingQueue:
    """A queue that records hand-offs."""
    return RecordingQueue()


@pytest.fixture
def conversations(store: SQLiteStore, engine: Engine, queue: RecordingQueue) -> Conversations:
    """The turn runner on a real store."""
    return Conversations(store, engine, queue)
