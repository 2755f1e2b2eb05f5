"""The turn runner: one transaction per turn, retries replayed, hand-offs queued."""

from __future__ import annotations

import pytest

from assist.conversations import Conversations, RecordingQueue
from assist.dialogue.types import Channel, Inbound, Status
from assist.store import Store, core

pytestmark = pytest.mark.both_stores


async def _outbox(store: Store, kind: str) -> list[dict]:  # type: ignore[type-arg]
    async with store.transaction() as tx:
        return await tx.fetchall("SELECT * FROM outbox WHERE kind = ?", (kind,))


async def test_first_message_greets_and_answers(conversations: Conversations) -> None:
    """A first text is greeted and answered in the same reply."""
    out = await conversations.handle(
        Inbound(Channel.SMS, "+447700900010", text="when is my bin collected")
    )
    texts = [getattr(a, "text", "") for a in out.actions]
    assert texts[0].startswith("Hello") and "postcode" in texts[-1]


async def test_retry_with_same_key_is_replayed_and_files_one_report(
    conversations: Conversations, store: Store
) -> None:
    """A channel retry (same key) returns the same answer and records nothing twice."""
    who = "+447700900011"
    for text in ["report a pothole", "Hills Road, Cambridge", "huge hole"]:
        await conversations.handle(Inbound(Channel.SMS, who, text=text))
    first = await conversations.handle(Inbound(Channel.SMS, who, text="yes"), key="SM1")
    again = await conversations.handle(Inbound(Channel.SMS, who, text="yes"), key="SM1")
    assert again.replayed and [a.kind for a in again.actions] == [a.kind for a in first.actions]
    assert len(await _outbox(store, "report")) == 1


async def test_handoff_is_queued_with_transcript(
    conversations: Conversations, queue: RecordingQueue
) -> None:
    """Asking for a person puts the citizen in the queue in the same turn."""
    who = "+447700900012"
    await conversations.handle(Inbound(Channel.SMS, who, text="report a pothole"))
    out = await conversations.handle(Inbound(Channel.SMS, who, text="person"))
    assert out.session.status == Status.QUEUED
    assert queue.entries and queue.entries[0][0] == out.session.id


async def test_transcript_records_both_sides(conversations: Conversations, store: Store) -> None:
    """Every turn writes what the citizen said and what they were told."""
    out = await conversations.handle(Inbound(Channel.WEB, "chat-1", text="bin day"))
    async with store.transaction() as tx:
        lines = await core.transcript(tx, out.session.id)
    assert [line["role"] for line in lines][:2] == ["citizen", "assistant"]


async def test_open_welcomes_back_within_window(conversations: Conversations) -> None:
    """Calling back within 30 minutes resumes with a welcome back."""
    who = "+447700900013"
    await conversations.open(Channel.VOICE, who)
    await conversations.handle(Inbound(Channel.VOICE, who, text="report a pothole"))
    again = await conversations.open(Channel.VOICE, who)
    assert again.resumed
    assert "Welcome back" in again.actions[0].text  # type: ignore[union-attr]


async def test_open_after_window_starts_afresh(store: Store, engine) -> None:  # type: ignore[no-untyped-def]
    """After the resume window a call starts a new conversation."""
    now = [1_000_000.0]
    c = Conversations(store, engine, RecordingQueue(), clock=lambda: now[0])
    who = "+447700900014"
    first = await c.open(Channel.VOICE, who)
    await c.handle(Inbound(Channel.VOICE, who, text="report a pothole"))
    now[0] += 31 * 60
    later = await c.open(Channel.VOICE, who)
    assert not later.resumed and later.session.id != first.session.id


async def test_a_chosen_language_is_remembered_for_the_number(conversations: Conversations) -> None:
    """Choosing Polish once means the next conversation from that number starts in Polish."""
    who = "+447700900015"
    await conversations.handle(Inbound(Channel.SMS, who, text="Polski"))
    await conversations.handle(Inbound(Channel.SMS, who, text="0"))
    later = await conversations.open(Channel.VOICE, who)
    assert later.session.language == "pl"
    assert later.actions[0].text.startswith("Dzień dobry")  # type: ignore[union-attr]


async def test_a_staff_change_during_a_slow_turn_is_kept(store: Store, engine) -> None:  # type: ignore[no-untyped-def]
    """If staff close a conversation while a turn waits on understanding, the turn's commit
    does not undo it."""
    import asyncio

    from assist.dialogue.nlu import Classification

    class SlowClassifier:
        def __init__(self) -> None:
            self.started = asyncio.Event()
            self.release = asyncio.Event()

        async def classify(self, text: str, language: str | None = None) -> Classification:
            self.started.set()
            await self.release.wait()
            return Classification("out_of_scope", 0.1)

    slow = SlowClassifier()
    engine.classifier = slow
    c = Conversations(store, engine, RecordingQueue())
    who = "+447700900016"
    first = await c.handle(Inbound(Channel.SMS, who, text="hello"))
    turn = asyncio.create_task(c.handle(Inbound(Channel.SMS, who, text="something unclear")))
    await slow.started.wait()
    async with store.transaction() as tx:
        await tx.execute("UPDATE sessions SET status = 'ended' WHERE id = ?", (first.session.id,))
    slow.release.set()
    out = await turn
    assert out.session.status == Status.ENDED


async def test_one_remembered_language_on_every_channel(conversations: Conversations) -> None:
    """Issue 13: the language is remembered one way. A number last heard in Polish (its
    call came with a Polish hint, nothing chosen) is greeted in Polish when it texts; a
    language chosen explicitly outranks any hint."""
    who = "+447700900015"
    await conversations.open(Channel.VOICE, who, language_hint="pl")
    out = await conversations.handle(Inbound(Channel.SMS, who, text="hello"))
    assert out.session.language == "pl" and not out.session.language_chosen
    chooser = "+447700900016"
    await conversations.handle(Inbound(Channel.SMS, chooser, text="hello"))
    await conversations.handle(Inbound(Channel.SMS, chooser, text="lietuviškai"))
    out = await conversations.handle(
        Inbound(Channel.WEB, chooser, text="hello", language_hint="ro")
    )
    assert out.session.language == "lt" and out.session.language_chosen
