"""The SQLite store: migrations, WAL, atomic transactions, and surviving kill -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from assist.app import all_migrations
from assist.store import Migration, SQLiteStore, StoreUnavailable, core


async def test_migrations_apply_once_in_order(tmp_path: Path) -> None:
    """Each migration runs once; reopening applies only new ones."""
    path = tmp_path / "s.db"
    m1 = Migration("x", 1, "CREATE TABLE t (a INTEGER)")
    m2 = Migration("x", 2, "ALTER TABLE t ADD COLUMN b TEXT")
    s = SQLiteStore(path)
    await s.open([m2, m1])
    await s.close()
    s = SQLiteStore(path)
    await s.open([m1, m2, Migration("x", 3, "CREATE INDEX t_a ON t (a)")])
    async with s.transaction() as tx:
        rows = await tx.fetchall("SELECT version FROM schema_migrations WHERE component='x'")
        mode = await tx.fetchone("PRAGMA journal_mode")
    await s.close()
    assert sorted(r["version"] for r in rows) == [1, 2, 3]
    assert mode is not None and mode["journal_mode"] == "wal"


async def test_a_failed_transaction_leaves_nothing(store: SQLiteStore) -> None:
    """An exception inside a transaction rolls back all of its writes."""
    with pytest.raises(RuntimeError):
        async with store.transaction() as tx:
            await core.enqueue_outbox(tx, kind="sms", key="k1", payload={"to": "x"})
            raise RuntimeError("boom")
    async with store.transaction() as tx:
        assert await tx.fetchall("SELECT * FROM outbox") == []


async def test_outbox_key_is_idempotent(store: SQLiteStore) -> None:
    """Recording the same outbox key twice keeps one row."""
    async with store.transaction() as tx:
        assert await core.enqueue_outbox(tx, kind="report", key="AS-1", payload={})
        assert not await core.enqueue_outbox(tx, kind="report", key="AS-1", payload={})
        rows = await tx.fetchall("SELECT * FROM outbox")
    assert len(rows) == 1


async def test_a_database_that_cannot_do_the_work_raises_store_unavailable(
    store: SQLiteStore,
) -> None:
    """SQLite's operational errors reach callers as the store's own StoreUnavailable (so no
    component needs sqlite3's error types), and the transaction is rolled back."""
    with pytest.raises(StoreUnavailable):
        async with store.transaction() as tx:
            await core.audit(tx, actor="t", action="before", subject="x", now=1.0)
            await tx.execute("UPDATE no_such_table SET x = 1")
    async with store.transaction() as tx:
        assert await tx.fetchone("SELECT * FROM audit WHERE action = 'before'") is None


async def test_ping(store: SQLiteStore) -> None:
    """A healthy store answers its ping."""
    assert await store.ping()


WRITER = textwrap.dedent("""
    import asyncio, sys, time
    from assist.store import SQLiteStore
    from assist.store import core
    from assist.app import all_migrations

    async def main(path):
        s = SQLiteStore(path)
        await s.open(all_migrations())
        i = 0
        while True:
            async with s.transaction() as tx:
                await core.save_session(tx, session_id=f"s{i}", channel="sms", sender="+44",
                                        status="active", state={"turn": i}, now=time.time())
                await core.enqueue_outbox(tx, kind="report", key=f"AS-{i}", payload={"i": i})
            print(i, flush=True)
            i += 1
            # A turn's work between commits: the kill lands here or mid-commit.
            await asyncio.sleep(0.001)

    asyncio.run(main(sys.argv[1]))
""")


@pytest.mark.slow
async def test_kill_9_mid_turn_loses_no_committed_turn(tmp_path: Path) -> None:
    """After kill -9, every turn reported committed is there with its outbox row, and no
    half-turn (a session without its report) exists."""
    path = tmp_path / "k.db"
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    committed = -1
    deadline = time.monotonic() + 20
    while committed < 200 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line:
            committed = int(line)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    assert committed >= 200
    s = SQLiteStore(path)
    await s.open(all_migrations())
    async with s.transaction() as tx:
        sessions = {r["id"] for r in await tx.fetchall("SELECT id FROM sessions")}
        outbox = {r["key"] for r in await tx.fetchall("SELECT key FROM outbox")}
        check = await tx.fetchone("PRAGMA integrity_check")
    await s.close()
    assert check is not None and check["integrity_check"] == "ok"
    for i in range(committed + 1):
        assert f"s{i}" in sessions and f"AS-{i}" in outbox
    assert {f"AS-{sid[1:]}" for sid in sessions} == outbox  # never one without the other


async def test_conversation_state_survives_reopen(tmp_path: Path, engine) -> None:  # type: ignore[no-untyped-def]
    """A conversation resumes from the store after the process restarts."""
    from assist.conversations import Conversations, RecordingQueue
    from assist.dialogue.types import Channel, Inbound

    path = tmp_path / "r.db"
    s1 = SQLiteStore(path)
    await s1.open(all_migrations())
    c1 = Conversations(s1, engine, RecordingQueue())
    await c1.handle(Inbound(Channel.SMS, "+447700900001", text="report a pothole"))
    await c1.handle(Inbound(Channel.SMS, "+447700900001", text="Mill Road, Cambridge"))
    await s1.close()
    s2 = SQLiteStore(path)
    await s2.open(all_migrations())
    c2 = Conversations(s2, engine, RecordingQueue())
    out = await c2.handle(Inbound(Channel.SMS, "+447700900001", text="big hole by the bus stop"))
    await s2.close()
    assert out.session.slots["location"] == "Mill Road, Cambridge"
    assert out.session.position == "report_pothole.confirm"
    assert json.dumps(out.session.to_json())


async def test_a_cancelled_transaction_leaves_the_store_usable(store: SQLiteStore) -> None:
    """Cancelling a task at any point of a transaction, even while BEGIN or COMMIT is in
    flight, leaves the store usable: the next transaction works."""
    import anyio

    for checkpoints in [0, 1, 2, 3, 4, 5] * 10:
        async with anyio.create_task_group() as tg:

            async def writer() -> None:
                async with store.transaction() as tx:
                    await core.enqueue_outbox(tx, kind="sms", key="cancelled", payload={})

            tg.start_soon(writer)
            for _ in range(checkpoints):
                await anyio.sleep(0)
            tg.cancel_scope.cancel()
        async with store.transaction() as tx:  # raises if the connection was left in a tx
            await tx.execute("DELETE FROM outbox")


async def test_a_transaction_left_open_by_a_cancelled_begin_does_not_block_the_store(
    store: SQLiteStore,
) -> None:
    """If a task is cancelled while its BEGIN is in flight, the connection is left inside an
    empty transaction; the next transaction rolls it back and goes ahead."""
    conn = store._conn
    assert conn is not None
    conn.execute("BEGIN IMMEDIATE")  # what the cancelled task left behind
    async with store.transaction() as tx:
        await core.audit(tx, actor="t", action="after", subject="x", now=1.0)
    async with store.transaction() as tx:
        assert await tx.fetchone("SELECT * FROM audit WHERE action = 'after'") is not None
