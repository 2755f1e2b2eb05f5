"""Fixtures: the reference council on its own SQLite file, served by a real uvicorn."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assist.council.app import create_council_app
from tests.council.live import LiveServer, wipe_council

API_KEY = "test-council-key"
TODAY = dt.date(2026, 12, 14)


@pytest.fixture(scope="session")
def council_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Path]]:
    """One reference council server for the session (starting one per test is slow)."""
    db = tmp_path_factory.mktemp("council") / "council.db"
    app = create_council_app(db, API_KEY, today=lambda: TODAY)
    with LiveServer(app) as server:
        yield server, db


@pytest.fixture
def council_server(council_session: tuple[LiveServer, Path]) -> LiveServer:
    """The reference council at a random port, emptied of requests; its date is TODAY."""
    server, db = council_session
    wipe_council(db)
    return server


@pytest.fixture
def http(council_server: LiveServer) -> Iterator[httpx.Client]:
    """A plain HTTP client for the council (tests read raw JSON and XML)."""
    with httpx.Client(base_url=council_server.url, timeout=5) as client:
        yield client
