"""A sender's turns are serialised across instances on one PostgreSQL: however their turns
are spread over two instances at once, none is lost and none sees a half-done state."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from pydantic import SecretStr

from assist.app import open_service
from assist.dialogue.types import Channel, Inbound, Session
from assist.service import Service
from assist.settings import Settings
from assist.store import core
from assist.store.pg_turns import sender_key
from tests.chat.web.live import shared_dialogue
from tests.conftest import Database

ON_POSTGRES = pytest.mark.parametrize("store_kind", ["postgres"], indirect=True)

WHO = "+447700900123"


@contextlib.asynccontextmanager
async def instance(tmp_path: Path, url: str) -> AsyncIterator[Service]:
    """An instance's service whose turns think for 50 ms, so concurrent turns overlap."""
    settings = Settings(
        data_dir=tmp_path,
        rasa_url="",
        database_url=url,
        secret_key=SecretStr("test-secret-key-turns"),
        _env_file=None,
    )  # type: ignore[call-arg]
    with mock.patch("assist.service.load_dialogue", lambda *a: shared_dialogue()):
        service = await open_service(settings)
    real_turn = service.engine.turn

    async def slow_turn(session: Session, inbound: Inbound) -> Any:
        await asyncio.sleep(0.05)
        return await real_turn(session, inbound)

    service.engine.turn = slow_turn  # type: ignore[method-assign]
    try:
        yield service
    finally:
        await service.close()


@ON_POSTGRES
async def test_turns_for_one_sender_on_two_instances_never_overlap(
    store_kind: str, database: Database, tmp_path: Path
) -> None:
    """Twelve turns for one sender, six on each instance at once: the session counts all of
    them and the transcript holds each citizen line once, each followed by its answer."""
    assert database.url is not None
    async with (
        instance(tmp_path / "a", database.url) as a,
        instance(tmp_path / "b", database.url) as b,
    ):
        first = await a.conversations.handle(Inbound(Channel.SMS, WHO, text="hello"))
        before = first.session.turns
        texts = [f"repeat {n}" for n in range(12)]
        await asyncio.gather(
            *(
                (a if n % 2 else b).conversations.handle(Inbound(Channel.SMS, WHO, text=text))
                for n, text in enumerate(texts)
            )
        )
        session = await b.conversations.find(Channel.SMS, WHO)
        assert session is not None and session.id == first.session.id
        assert session.turns == before + len(texts)
        async with a.store.transaction() as tx:
            lines = await core.transcript(tx, session.id)
    said = [line["text"] for line in lines if line["role"] == "citizen"]
    assert sorted(said[1:]) == sorted(texts)
    roles = [line["role"] for line in lines]
    for i, role in enumerate(roles[:-1]):
        if role == "citizen":
            assert roles[i + 1] == "assistant"


def test_sender_keys_are_stable_signed_32_bit_numbers() -> None:
    """The same key gives the same lock number in every process; it fits PostgreSQL's int4."""
    assert sender_key("sms:+447700900123") == sender_key("sms:+447700900123")
    assert sender_key("sms:+447700900123") != sender_key("sms:+447700900124")
    assert all(-(2**31) <= sender_key(f"web:{n}") < 2**31 for n in range(1000))
