"""Fixtures: the reference council behind a fault injector on a real uvicorn, a real store."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from assist.backend_client import reports
from assist.backend_client.http import RetryPolicy
from assist.backend_client.routing import RoutedCouncilServices
from assist.council.app import create_council_app
from assist.settings import Settings
from assist.store import Store
from assist.store.core import MIGRATIONS as CORE
from tests.backend_client.faults import FaultyApp
from tests.conftest import store_at
from tests.council.live import LiveServer, wipe_council

API_KEY = "client-test-key"
TIMEOUT_S = 1.0
FAST = RetryPolicy(attempts=3, base_s=0.01, max_s=0.05)


@pytest.fixture(scope="session")
def council_session(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[FaultyApp, LiveServer, Path]]:
    """One faulty council server for the session (starting one per test is slow)."""
    db = tmp_path_factory.mktemp("council") / "council.db"
    app = FaultyApp(create_council_app(db, API_KEY, today=lambda: dt.date(2026, 12, 14)))
    with LiveServer(app) as live:
        yield app, live, db


@pytest.fixture
def faulty(council_session: tuple[FaultyApp, LiveServer, Path]) -> FaultyApp:
    """The reference council (own SQLite file, emptied) behind a fault injector, behaving."""
    app, _, db = council_session
    app.clear()
    app.seen.clear()
    wipe_council(db)
    return app


@pytest.fixture
def server(council_session: tuple[FaultyApp, LiveServer, Path], faulty: FaultyApp) -> LiveServer:
    """The faulty council on a real uvicorn at a random port."""
    return council_session[1]


def client_settings(tmp_path: Path, url: str) -> Settings:
    """Settings pointing every council endpoint at `url` (a council root)."""
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path / "assist",
        council_open311_url=f"{url}/open311/v2",
        waste_api_url=f"{url}/waste",
        info_url=f"{url}/info",
        council_api_key=API_KEY,
        backend_timeout_s=TIMEOUT_S,
    )


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    """Assist's own store (a different file from the council's), with the reports table."""
    s = store_at(tmp_path / "assist" / "assist.db")
    await s.open([*CORE, *reports.MIGRATIONS])
    yield s
    await s.close()


@pytest.fixture
async def services(
    tmp_path: Path, server: LiveServer, store: Store
) -> AsyncIterator[RoutedCouncilServices]:
    """RoutedCouncilServices built from Settings, pointed at the live council."""
    svc = RoutedCouncilServices.from_settings(
        client_settings(tmp_path, server.url), store, retry=FAST, send_address_id=True
    )
    yield svc
    await svc.aclose()
