"""Issue 20 items 13 and 15: kinds of work never wait for each other, and reports keep
being retried through a long council outage."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from assist.backend_client.delivery import REPORT_RETRY
from assist.outbox import OutboxWorker
from assist.store import Store, core
from assist.store.base import Row

pytestmark = pytest.mark.both_stores


async def _enqueue(store: Store, kind: str, key: str) -> None:
    async with store.transaction() as tx:
        await core.enqueue_outbox(tx, kind=kind, key=key, payload={"n": key})


async def _status(store: Store, key: str) -> Row:
    async with store.transaction() as tx:
        row = await tx.fetchone("SELECT * FROM outbox WHERE key = ?", (key,))
    assert row is not None
    return row


async def test_a_slow_council_does_not_stall_texts(store: Store) -> None:
    """Item 13: with 12 reports pending on a slow council, "text me the menu" took 65 s."""
    texts_done: list[float] = []

    async def slow_report(row: Row, payload: dict[str, Any]) -> None:
        await asyncio.sleep(0.3)  # a council timing out

    async def text(row: Row, payload: dict[str, Any]) -> None:
        texts_done.append(time.monotonic())

    worker = OutboxWorker(store, {"report": slow_report, "sms": text}, poll_s=0.05)
    for n in range(12):
        await _enqueue(store, "report", f"r{n}")
    stop, wake = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(worker.run_forever(stop, wake))
    await asyncio.sleep(0.2)  # the report lane is now busy with the slow council
    started = time.monotonic()
    await _enqueue(store, "sms", "menu")
    wake.set()
    deadline = started + 5
    while not texts_done and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    assert texts_done and texts_done[0] - started < 0.5
    assert (await _status(store, "r11"))["status"] == "pending"  # still behind the slow ones
    stop.set()
    await asyncio.wait_for(task, 10)  # stopping lets the report lane finish its pass


async def test_reports_keep_retrying_for_days_with_capped_backoff(store: Store) -> None:
    """Item 15: reports gave up after 12 attempts (~18-37 minutes of outage)."""
    now = [time.time()]

    async def council_down(row: Row, payload: dict[str, Any]) -> None:
        raise ConnectionError("council down")

    worker = OutboxWorker(
        store,
        {"report": council_down, "sms": council_down},
        clock=lambda: now[0],
        policies={"report": REPORT_RETRY},
    )
    await _enqueue(store, "report", "report-1")
    await _enqueue(store, "sms", "sms-1")
    start = now[0]
    while now[0] - start < 3 * 86400:  # three days of outage
        await worker.run_once()
        row = await _status(store, "report-1")
        assert row["status"] == "pending"
        assert row["next_attempt_at"] - now[0] <= REPORT_RETRY.max_backoff_s
        now[0] = max(now[0], row["next_attempt_at"]) + 1
    assert row["attempts"] > 100
    sms = await _status(store, "sms-1")
    assert sms["status"] == "failed" and sms["attempts"] == 12  # other kinds: as before
