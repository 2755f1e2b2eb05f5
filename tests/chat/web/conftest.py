"""Fixtures for web chat tests: the app served on a real uvicorn."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from .live import Served, serve


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    """The app on a real uvicorn with fast live-update intervals."""
    async with serve(tmp_path) as s:
        yield s
