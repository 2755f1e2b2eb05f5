"""A web chat conversation over a real WebSocket, kept in SQLite or in PostgreSQL alike."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assist.store import core
from tests.chat.web.live import chat, serve
from tests.conftest import Database

pytestmark = pytest.mark.both_stores


async def test_bin_day_conversation_over_the_socket(tmp_path: Path, database: Database) -> None:
    """Choosing bins, collection day, a postcode and an address gives the collection days,
    and the transcript is in the store the settings chose."""
    async with serve(tmp_path, database_url=database.url) as served:
        assert (served.rt.settings.database_url is None) == (database.kind == "sqlite")
        async with chat(served) as c:
            welcome = await c.hello()
            await c.until("ask")
            await c.send(type="choose", key="1")
            await c.until("ask")
            await c.send(type="message", text="your collection day")
            assert (await c.until("ask"))["expect"] == "postcode"
            await c.send(type="message", text="cb1 2ad")
            ask = await c.until("ask")
            assert ask["options"][0]["label"] == "12 Mill Road, Cambridge"
            await c.send(type="choose", key="1")
            said = await c.until("say")
            assert re.match(r"At 12 Mill Road, Cambridge: \w+ bin \w+day \d+ \w+", said["text"])
        async with served.rt.store.transaction() as tx:
            sessions = await core.sessions_of(tx, str(welcome["chat_id"]), "web")
            lines = await core.transcript(tx, sessions[-1]["id"])
    assert any(line["text"] == "cb1 2ad" for line in lines)
