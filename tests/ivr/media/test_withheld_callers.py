"""Self-hosted speech keeps withheld callers apart, as the Twilio speech path does."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from assist.app import open_service
from assist.dialogue.types import Channel
from assist.ivr.media.turns import media_turn
from assist.ivr.speech.turns import CallerInput
from assist.service import Service
from assist.settings import Settings


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[Service]:
    svc = await open_service(Settings(data_dir=tmp_path, rasa_url=None, _env_file=None))  # type: ignore[call-arg]
    try:
        yield svc
    finally:
        await svc.close()


@pytest.mark.parametrize("withheld", ["anonymous", "+266696687", "", "Restricted"])
async def test_two_withheld_callers_get_two_conversations(service: Service, withheld: str) -> None:
    """Two calls from a withheld number are two conversations keyed by their CallSid, so
    one caller's details never reach staff as another's."""
    parts = service.parts
    for sid in ("CA" + "1" * 32, "CA" + "2" * 32):
        await media_turn(parts, sid, CallerInput("start", parameters={"From": withheld}))
        await media_turn(
            parts, sid, CallerInput("digits", digits="2", parameters={"From": withheld})
        )
    first = await parts.conversations.find(Channel.VOICE, "call:CA" + "1" * 32)
    second = await parts.conversations.find(Channel.VOICE, "call:CA" + "2" * 32)
    assert first is not None and second is not None
    assert first.id != second.id
    assert await parts.conversations.find(Channel.VOICE, withheld or "call:") is None


async def test_a_real_number_is_the_conversation_key(service: Service) -> None:
    """A caller with a number is found by that number (so a redial resumes)."""
    parts = service.parts
    await media_turn(
        parts, "CA" + "3" * 32, CallerInput("start", parameters={"From": "+447700900123"})
    )
    assert await parts.conversations.find(Channel.VOICE, "+447700900123") is not None
