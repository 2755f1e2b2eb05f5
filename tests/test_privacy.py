"""Privacy: redacted logs, retention, and erasing one citizen."""

from __future__ import annotations

import logging

import pytest

from assist.conversations import Conversations
from assist.dialogue.types import Channel, Inbound
from assist.privacy import RedactingFilter, erase, purge_older_than, redact
from assist.store import Store
from assist.store.core import erase_core, purge_core

pytestmark = pytest.mark.both_stores


@pytest.mark.parametrize(
    "raw, hidden",
    [
        ("call +44 7700 900123 now", "7700 900123"),
        ("from 07700900123", "07700900123"),
        ("at CB1 2AD please", "2AD"),
        ("mail me at jo@example.com", "jo@example.com"),
    ],
)
def test_redact_hides_personal_data(raw: str, hidden: str) -> None:
    """Phone numbers, postcodes and e-mail addresses never reach a log line."""
    assert hidden not in redact(raw)


def test_redact_leaves_addresses_and_times_alone() -> None:
    """Server addresses and version numbers are not mistaken for phone numbers."""
    line = "Uvicorn running on http://127.0.0.1:8000 with rasa 3.6.21"
    assert redact(line) == line


def test_log_records_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    """The logging filter redacts messages and free-text fields."""
    logger = logging.getLogger("assist.test")
    logger.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO, logger="assist.test"):
        logger.info("text from %s: %s", "+447700900123", "hello", extra={"text": "my address"})
    record = caplog.records[0]
    assert "900123" not in record.getMessage()
    assert record.text == "[free text]"  # type: ignore[attr-defined]


async def test_retention_deletes_old_sessions(store: Store, engine) -> None:  # type: ignore[no-untyped-def]
    """Sessions and transcripts older than the retention period are deleted."""
    from assist.conversations import RecordingQueue

    now = [1_000_000.0]
    c = Conversations(store, engine, RecordingQueue(), clock=lambda: now[0])
    await c.handle(Inbound(Channel.SMS, "+447700900020", text="bin day"))
    assert await purge_older_than(store, 90, [purge_core], now=now[0] + 89 * 86400) == 0
    assert await purge_older_than(store, 90, [purge_core], now=now[0] + 91 * 86400) > 0
    async with store.transaction() as tx:
        assert await tx.fetchall("SELECT * FROM sessions") == []
        assert await tx.fetchall("SELECT * FROM transcripts") == []
        audit = await tx.fetchall("SELECT * FROM audit WHERE action = 'retention_purge'")
    assert audit


async def test_erase_one_citizen_leaves_audit_without_data(
    conversations: Conversations, store: Store
) -> None:
    """Erasing a number removes their conversations and keeps others; the audit has no number."""
    await conversations.handle(Inbound(Channel.SMS, "+447700900021", text="bin day"))
    await conversations.handle(Inbound(Channel.SMS, "+447700900022", text="bin day"))
    assert await erase(store, "+447700900021", [erase_core]) > 0
    async with store.transaction() as tx:
        senders = [r["sender"] for r in await tx.fetchall("SELECT sender FROM sessions")]
        audit = await tx.fetchall("SELECT * FROM audit WHERE action = 'erase'")
    assert senders == ["+447700900022"]
    assert audit and "900021" not in str(audit)


async def test_erase_forgets_language_choice_and_web_report_words(tmp_path, database) -> None:  # type: ignore[no-untyped-def]
    """Erasing a chat id removes their remembered language and the words of reports they
    made in the web chat (which carry no phone number)."""
    from assist.app import open_service
    from assist.settings import Settings

    rt = await open_service(
        Settings(data_dir=tmp_path, database_url=database.url, rasa_url="", _env_file=None)  # type: ignore[call-arg]
    )
    try:
        who = "chat-erase-1"
        for text in ["Polski", "2", "3", "Mill Road, Cambridge", "Dużo śmieci pod mostem", "1"]:
            await rt.conversations.handle(Inbound(Channel.WEB, who, text=text))
        assert await rt.outbox.run_once() >= 1  # the report reaches the reports table
        async with rt.store.transaction() as tx:
            assert await tx.fetchone("SELECT * FROM citizen_prefs WHERE who = ?", (who,))
            before = await tx.fetchall("SELECT description FROM reports")
        assert any("śmieci" in r["description"] for r in before), before
        await erase(rt.store, who, rt.erasers)
        async with rt.store.transaction() as tx:
            assert await tx.fetchone("SELECT * FROM citizen_prefs WHERE who = ?", (who,)) is None
            after = await tx.fetchall("SELECT description FROM reports")
        assert all("śmieci" not in r["description"] for r in after)
    finally:
        await rt.close()


@pytest.mark.parametrize("days", [0, -1, -30.5, float("nan")])
async def test_retention_of_zero_or_less_deletes_nothing(
    store: Store,
    engine,  # type: ignore[no-untyped-def]
    days: float,
) -> None:
    """Issue 20 item 1: a zero or negative retention period would purge every live and queued
    conversation; the purge refuses it and the setting is refused at start."""
    from pydantic import ValidationError

    from assist.conversations import RecordingQueue
    from assist.settings import Settings

    now = [1_000_000.0]
    c = Conversations(store, engine, RecordingQueue(), clock=lambda: now[0])
    await c.handle(Inbound(Channel.SMS, "+447700900023", text="bin day"))
    with pytest.raises(ValueError, match="retention"):
        await purge_older_than(store, days, [purge_core], now=now[0] + 60)
    async with store.transaction() as tx:
        assert await tx.fetchall("SELECT * FROM sessions")
    with pytest.raises(ValidationError):
        Settings(retention_days=days, _env_file=None)  # type: ignore[arg-type, call-arg]
