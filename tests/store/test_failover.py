"""Failover: two `assist serve` processes on one PostgreSQL; instance A is killed (-9) while a
citizen waits on its web chat; they reconnect to B with their chat id, keep their place and
see B's staff reply; the reports filed through both are delivered to the council once each."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import websockets

from assist.handoff.agents import sign_in
from assist.handoff.auth import add_staff
from tests.chat.web.live import PASSWORD, Chat
from tests.conftest import Database
from tests.nlu.fakes import free_port

pytestmark = [
    pytest.mark.slow,
    pytest.mark.parametrize("store_kind", ["postgres"], indirect=True),
]

REPO = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def assist_serve(
    data_dir: Path, url: str, log: Path
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`assist serve` on a free port with the store at `url`; yields its base URL and process
    once /healthz answers."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "ASSIST_DATA_DIR": str(data_dir),
        "ASSIST_DATABASE_URL": url,
        "ASSIST_RASA_URL": "",
        "ASSIST_PORT": str(port),
        "ASSIST_PUBLIC_URL": base,
        "ASSIST_SECRET_KEY": "failover-test-secret-key",
        "PYTHONPATH": str(REPO),
    }
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "assist.cli", "serve"],
            cwd=data_dir,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        deadline = time.monotonic() + 40
        while True:
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            time.sleep(0.2)
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(15)
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)


@contextlib.asynccontextmanager
async def chat_on(base: str) -> AsyncIterator[Chat]:
    """A web chat socket on the instance at `base`."""
    ws = base.replace("http://", "ws://") + "/chat/ws"
    async with websockets.connect(ws, additional_headers={"Origin": base}, open_timeout=5) as c:
        yield Chat(c)


async def file_a_report(base: str, where: str) -> None:
    """Report a pothole through the web chat at `base`, up to the reference."""
    async with chat_on(base) as c:
        await c.hello()
        await c.until("ask")
        await c.send(type="message", text="I want to report a pothole")
        await c.until("ask")
        await c.send(type="message", text=where)
        await c.until("ask")
        await c.send(type="message", text="A deep hole in the road, about a foot wide")
        await c.until("ask")
        await c.send(type="message", text="yes")
        while "reference is AS-" not in str((await c.until("say", timeout=10)).get("text")):
            pass


async def delivered(database: Database, want: int) -> list[str]:
    """Wait (up to 20 s) until `want` reports are delivered; their council references."""
    store = await database.open()
    try:
        deadline = time.monotonic() + 20
        while True:
            async with store.transaction() as tx:
                rows = await tx.fetchall("SELECT council_ref FROM reports ORDER BY assist_ref")
            refs = [str(r["council_ref"]) for r in rows if r["council_ref"]]
            if len(refs) >= want or time.monotonic() > deadline:
                return refs
            await asyncio.sleep(0.3)
    finally:
        await store.close()


def council_requests(council_db: Path) -> list[str]:
    """The descriptions of the requests the embedded council received."""
    with contextlib.closing(sqlite3.connect(council_db)) as conn:
        return [str(r[0]) for r in conn.execute("SELECT description FROM requests")]


async def test_a_citizen_survives_instance_a_dying(
    store_kind: str, database: Database, tmp_path: Path
) -> None:
    """kill -9 of instance A: the waiting citizen resumes on B in first place, sees B's
    staff reply, and each report filed on A and B reaches the council exactly once."""
    assert database.url is not None
    store = await database.open()
    try:
        async with store.transaction() as tx:
            await add_staff(tx, "bea", "agent", PASSWORD, time.time())
            await sign_in(tx, "bea", [], time.time())
    finally:
        await store.close()
    data = tmp_path / "data"
    data.mkdir()
    with (
        assist_serve(data, database.url, tmp_path / "a.log") as (a, proc_a),
        assist_serve(data, database.url, tmp_path / "b.log") as (b, _),
    ):
        await file_a_report(a, "Mill Road, outside number 12, Cambridge")
        await file_a_report(b, "Hills Road, by the station, Cambridge")
        async with chat_on(a) as c:
            welcome = await c.hello()
            await c.until("ask")
            await c.send(type="person")
            queued = await c.until("queue")
            assert queued["position"] == 1
            os.kill(proc_a.pid, signal.SIGKILL)
            proc_a.wait(10)
            with contextlib.suppress(Exception):
                await c.quiet(0.5)
        async with chat_on(b) as c, httpx.AsyncClient(base_url=b) as bea:
            again = await c.hello(chat_id=welcome["chat_id"])
            assert again["chat_id"] == welcome["chat_id"]
            resumed = await c.until("queue")
            assert resumed["position"] == 1
            r = await bea.post(
                "/api/handoff/session", json={"username": "bea", "password": PASSWORD}
            )
            csrf = {"X-CSRF-Token": r.json()["csrf"]}
            claimed = await bea.post("/api/handoff/claim-next", headers=csrf)
            assert claimed.status_code == 200, claimed.text
            await bea.post(
                f"/api/handoff/entries/{claimed.json()['id']}/reply",
                json={"text": "Bea here: I can help with that."},
                headers=csrf,
            )
            staff = await c.until("staff", timeout=5)
            assert staff["text"] == "Bea here: I can help with that."
        await file_a_report(b, "Tenison Road, Cambridge")
        refs = await delivered(database, 3)
    assert len(refs) == 3 and len(set(refs)) == 3
    assert len(council_requests(data / "council.db")) == 3
