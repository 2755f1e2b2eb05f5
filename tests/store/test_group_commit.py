"""Group commit: one fsync serves many turns, and no transaction returns before its commit is
on disk (a reply is sent only after its turn is durable), even under kill -9."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from assist.app import all_migrations
from assist.store import SQLiteStore, core


async def test_a_write_returns_only_after_an_fsync_that_began_after_its_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fifty turns at once: each returns after an fsync that started after its COMMIT, and
    far fewer fsyncs than turns are made."""
    store = SQLiteStore(tmp_path / "g.db")
    await store.open(all_migrations())
    real_fsync = os.fsync
    fsyncs: list[tuple[float, float]] = []

    def slow_fsync(fd: int) -> None:
        began = time.monotonic()
        time.sleep(0.02)  # a slow disk
        real_fsync(fd)
        fsyncs.append((began, time.monotonic()))

    commits: dict[int, float] = {}
    syncer = store._syncer
    take_ticket = syncer.committed

    def committed() -> int:
        ticket = take_ticket()
        commits[ticket] = time.monotonic()
        return ticket

    monkeypatch.setattr(os, "fsync", slow_fsync)
    monkeypatch.setattr(syncer, "committed", committed)
    flushes = store.flushes

    async def turn(i: int) -> tuple[float, float]:
        async with store.transaction() as tx:
            await core.audit(tx, actor="t", action="turn", subject=str(i), now=1.0)
        returned = time.monotonic()
        return max(commits.values()), returned

    results = await asyncio.gather(*(turn(i) for i in range(50)))
    await store.close()
    for _, returned in results:
        assert any(end <= returned for _, end in fsyncs)
    for ticket, at in commits.items():
        assert any(began >= at for began, _ in fsyncs), ticket
    assert len(commits) == 50
    assert store.flushes - flushes < 25  # grouped: one fsync serves many commits


async def test_a_read_does_not_wait_for_the_disk(tmp_path: Path) -> None:
    """A transaction that only reads makes no fsync."""
    store = SQLiteStore(tmp_path / "r.db")
    await store.open(all_migrations())
    flushes = store.flushes
    for _ in range(5):
        async with store.transaction() as tx:
            await core.latest_session(tx, "sms", "+44", 0.0)
    await store.close()
    assert store.flushes == flushes


CONCURRENT_WRITER = textwrap.dedent("""
    import asyncio, sys, time
    from assist.store import SQLiteStore, core
    from assist.app import all_migrations

    async def main(path):
        s = SQLiteStore(path)
        await s.open(all_migrations())

        async def citizen(k):
            i = 0
            while True:
                sid = f"s{k}-{i}"
                async with s.transaction() as tx:
                    await core.save_session(tx, session_id=sid, channel="sms", sender=f"+{k}",
                                            status="active", state={"turn": i}, now=time.time())
                    await core.enqueue_outbox(tx, kind="report", key=f"AS-{k}-{i}", payload={})
                print(sid, flush=True)  # the reply: sent only once the turn is durable
                i += 1
                await asyncio.sleep(0)

        await asyncio.gather(*(citizen(k) for k in range(20)))

    asyncio.run(main(sys.argv[1]))
""")


@pytest.mark.slow
async def test_kill_9_under_group_commit_loses_no_answered_turn(tmp_path: Path) -> None:
    """Twenty citizens at once, killed with SIGKILL mid-stream: every turn answered (printed)
    is in the database with its outbox row, and the database is intact."""
    path = tmp_path / "k.db"
    proc = subprocess.Popen(
        [sys.executable, "-c", CONCURRENT_WRITER, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    answered: list[str] = []
    deadline = time.monotonic() + 20
    while len(answered) < 1000 and time.monotonic() < deadline:
        line = proc.stdout.readline().strip()
        if line:
            answered.append(line)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    assert len(answered) >= 1000
    s = SQLiteStore(path)
    await s.open(all_migrations())
    async with s.transaction() as tx:
        sessions = {r["id"] for r in await tx.fetchall("SELECT id FROM sessions")}
        outbox = {r["key"] for r in await tx.fetchall("SELECT key FROM outbox")}
        check = await tx.fetchone("PRAGMA integrity_check")
    await s.close()
    assert check is not None and check["integrity_check"] == "ok"
    assert set(answered) <= sessions
    assert {f"AS-{sid[1:]}" for sid in sessions} == outbox  # never one without the other
