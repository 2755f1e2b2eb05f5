"""Callbacks keep the citizen's place, are confirmed by SMS and retried a few times."""

import json

import pytest

from assist.dialogue.prompts import Prompts
from assist.handoff.callbacks import MAX_ATTEMPTS, RETRY_AFTER_S, confirmation_text, should_offer
from assist.handoff.estimator import WaitEstimate
from assist.handoff.queue import HandoffQueue
from assist.store import Store

from .conftest import Clock

pytestmark = pytest.mark.both_stores


async def outbox(store: Store) -> list[dict[str, object]]:
    async with store.transaction() as tx:
        rows = await tx.fetchall("SELECT kind, key, recipient, payload FROM outbox ORDER BY id")
    return [{**r, "payload": json.loads(r["payload"])} for r in rows]


async def test_callback_keeps_place_and_is_confirmed(
    store: Store, clock: Clock, prompts: Prompts
) -> None:
    """A callback keeps the original joining time, and one confirmation SMS is queued."""
    q = HandoffQueue(store, clock=clock)
    a = await q.enqueue(
        session_id="s1", channel="voice", sender="+447700900001", language="pl", reason="person"
    )
    clock.advance(30)
    b = await q.enqueue(
        session_id="s2", channel="voice", sender="+447700900002", language="en", reason="person"
    )
    cb = await q.to_callback(prompts, a.id, "+447700900001")
    assert cb.kind == "callback" and cb.enqueued_at == a.enqueued_at
    assert await q.position(a.id) == 1 and await q.position(b.id) == 2
    sms = await outbox(store)
    assert len(sms) == 1 and sms[0]["kind"] == "sms"
    assert sms[0]["recipient"] == "+447700900001"
    payload = sms[0]["payload"]
    assert isinstance(payload, dict) and payload["to"] == "+447700900001"
    assert "Zadzwonimy" in payload["text"]
    claimed = await q.claim_next("ann")
    assert claimed is not None and claimed.callback_number == "+447700900001"


async def test_unanswered_callbacks_retry_then_stop(
    store: Store, clock: Clock, prompts: Prompts
) -> None:
    """An unanswered callback waits before the next try; after the last it closes with a text."""
    q = HandoffQueue(store, clock=clock)
    a = await q.enqueue(
        session_id="s1", channel="voice", sender="+447700900001", language="en", reason="person"
    )
    await q.to_callback(prompts, a.id, "+447700900001")
    for attempt in range(1, MAX_ATTEMPTS + 1):
        got = await q.claim_next("ann")
        assert got is not None and got.id == a.id
        after = await q.callback_failed(prompts, a.id, "ann")
        assert after.callback_attempts == attempt
        if attempt < MAX_ATTEMPTS:
            assert await q.claim_next("ann") is None
            clock.advance(RETRY_AFTER_S)
    assert after.status == "closed" and after.outcome == "callback_unreachable"
    texts = [m["payload"]["text"] for m in await outbox(store)]  # type: ignore[index]
    assert len(texts) == 2 and "could not reach you" in texts[1]


def test_offer_rules() -> None:
    """Offered on entry when the announced wait is over 3 minutes, then every 5 minutes."""
    assert should_offer(WaitEstimate(200, 300, True), 0, None)
    assert not should_offer(WaitEstimate(60, 120, True), 0, None)
    assert not should_offer(WaitEstimate(200, 300, True), 200, 0)
    assert should_offer(WaitEstimate(200, 300, True), 300, 0)


async def test_callback_for_a_later_time_says_when_not_the_wait(
    store: Store, clock: Clock, prompts: Prompts
) -> None:
    """Given `when_text`, the confirmation says when we'll ring instead of a wait estimate."""
    q = HandoffQueue(store, clock=clock)
    a = await q.enqueue(
        session_id="s1", channel="voice", sender="+447700900001", language="en", reason="person"
    )
    b = await q.enqueue(
        session_id="s2", channel="voice", sender="+447700900002", language="xx", reason="person"
    )
    await q.to_callback(prompts, a.id, "+447700900001", when_text="tomorrow after 8am")
    await q.to_callback(prompts, b.id, "+447700900002")
    first, second = [m["payload"]["text"] for m in await outbox(store)]  # type: ignore[index]
    assert first == (
        "We'll ring you on 07700 900001 tomorrow after 8am. You keep your place in the queue."
    )
    assert "Wait:" in second and "when it's your turn" in second


def test_confirmation_with_when_text_in_each_language(prompts: Prompts) -> None:
    """Every supported language has a 'we'll ring you <when>' confirmation; others get English."""
    est = WaitEstimate(60, 120, True)
    for lang in ("en", "pl", "lt", "ro", "pt"):
        text = confirmation_text(prompts, lang, "+447700900001", est, "WHEN")
        assert "07700 900001 WHEN." in text and est.phrase(prompts, lang) not in text
    assert confirmation_text(prompts, "xx", "+44", est, "  ") == confirmation_text(
        prompts, "en", "+44", est
    )
    assert confirmation_text(prompts, "xx", "+44", est, "tomorrow").startswith(
        "We'll ring you on +44 tom"
    )
