"""Settings for a council's own server, refusals by cure, outbox leases, the reports CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from assist.backend_client import reports
from assist.backend_client.config import configuration_warnings, routes_from_settings
from assist.backend_client.open311_types import refusal_pairs
from assist.backend_client.protocol import InvalidRequest, NotFound, ReportRequest
from assist.backend_client.refusals import Cure, cure_for
from assist.backend_client.upkeep import report_metrics
from assist.outbox import Held, OutboxWorker, release_held
from assist.settings import Settings
from assist.store import Store
from assist.store.core import MIGRATIONS as CORE
from assist.store.core import enqueue_outbox
from tests.conftest import Database

REPO = Path(__file__).resolve().parents[2]


def test_service_codes_must_name_every_report_type() -> None:
    """A partial ASSIST_SERVICE_CODES is an error that names what is missing."""
    with pytest.raises(ValueError, match="missing: \\['missed_bin'"):
        Settings(  # type: ignore[call-arg]
            _env_file=None,
            service_codes="report_pothole=RD-01,report_streetlight=SL-01,report_flytipping=FT-01",
        )
    s = Settings(  # type: ignore[call-arg]
        _env_file=None,
        service_codes="report_pothole=RD-01,report_streetlight=SL-01,"
        "report_flytipping=FT-01,missed_bin=WS-01",
        open311_format="xml",
    )
    assert routes_from_settings(s)["missed_bin"].service_code == "WS-01"
    assert routes_from_settings(s)["missed_bin"].body == "district"


def test_a_partial_configuration_is_said_out_loud() -> None:
    """Only the Open311 URL set: the waste and info fallbacks and the default codes are named."""
    s = Settings(_env_file=None, council_open311_url="https://city.example/open311")  # type: ignore[call-arg]
    said = " ".join(configuration_warnings(s))
    assert "ASSIST_WASTE_API_URL" in said and "ASSIST_INFO_URL" in said
    assert "ASSIST_SERVICE_CODES" in said
    assert configuration_warnings(Settings(_env_file=None)) == []  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("status", "body", "cure"),
    [
        (400, {"code": 400, "detail": ["Invalid API key"]}, Cure.CONFIGURATION),
        (400, {"code": 400, "detail": ["Invalid jurisdiction_id"]}, Cure.CONFIGURATION),
        (400, [{"code": 400, "description": "service_code 'X' was not found"}], Cure.CONFIGURATION),
        (403, None, Cure.CONFIGURATION),
        (401, "<html><h1>Unauthorized</h1></html>", Cure.CONFIGURATION),
        (429, None, Cure.TIME),
        (400, [{"code": 400, "description": "attribute[bin] is required"}], Cure.REPORT),
        (422, {"detail": "description is too long"}, Cure.REPORT),
    ],
)
def test_refusals_are_sorted_by_what_cures_them(status: int, body: Any, cure: Cure) -> None:
    """Any error shape (spec array, {code, detail}, HTML) is read for what cures it."""
    text = body if isinstance(body, str) else json.dumps(body)
    parsed = None if isinstance(body, str) else body
    pairs = refusal_pairs(parsed, text) or [(str(status), "")]
    assert cure_for(InvalidRequest("refused", pairs, status=status)) is cure
    assert cure_for(NotFound("jurisdiction not found")) is Cure.CONFIGURATION


@pytest.fixture
async def store(database: Database) -> Any:
    s = await database.open([*CORE, *reports.MIGRATIONS])
    yield s
    await s.close()


@pytest.mark.both_stores
async def test_a_claimed_row_is_not_taken_until_its_lease_runs_out(store: Store) -> None:
    """Worker A's claim keeps worker B off the row; once A's lease has run out, B takes it."""
    seen: list[str] = []
    t = [1000.0]

    async def slow(row: dict[str, Any], payload: dict[str, Any]) -> None:
        seen.append(payload["who"])
        # while A is inside its handler, B runs a pass: it must find nothing to claim
        if payload["who"] == "a" and len(seen) == 1:
            assert await b.run_once() == 0

    a = OutboxWorker(store, {"x": slow}, clock=lambda: t[0], lease_s=60)
    b = OutboxWorker(store, {"x": slow}, clock=lambda: t[0], lease_s=60)
    async with store.transaction() as tx:
        await enqueue_outbox(tx, kind="x", key="k1", payload={"who": "a"}, now=t[0])
    assert await a.run_once() == 1
    assert seen == ["a"]
    # A dead worker: a claim that is never finished is taken over after its lease.
    async with store.transaction() as tx:
        await enqueue_outbox(tx, kind="x", key="k2", payload={"who": "b"}, now=t[0])
        await tx.execute(
            "UPDATE outbox SET claimed_by = 'dead', lease_until = ? WHERE key = 'k2'", (t[0] + 60,)
        )
    assert await b.run_once() == 0
    t[0] += 61
    assert await b.run_once() == 1 and seen == ["a", "b"]


@pytest.mark.both_stores
async def test_held_rows_wait_for_release(store: Store) -> None:
    """A handler raising Held parks its row; release_held makes it due again."""

    async def hold(row: dict[str, Any], payload: dict[str, Any]) -> None:
        raise Held("wrong api key")

    w = OutboxWorker(store, {"x": hold}, clock=lambda: 1000.0)
    async with store.transaction() as tx:
        await enqueue_outbox(tx, kind="x", key="k", payload={}, now=1000.0)
    await w.run_once()
    assert await w.run_once() == 0
    async with store.transaction() as tx:
        row = await tx.fetchone("SELECT status, last_error FROM outbox")
        assert row == {"status": "held", "last_error": "wrong api key"}
        assert await release_held(tx, 1000.0) == 1
    assert await w.run_once() == 1


@pytest.mark.both_stores
async def test_metrics_count_held_and_alerted_reports(store: Store) -> None:
    """`report_metrics` gives /metrics the held and needing-staff figures."""
    async with store.transaction() as tx:
        await reports.enqueue_report(tx, ReportRequest("missed_bin", "Missed", "AS-M1"), now=1.0)
        await reports.enqueue_report(tx, ReportRequest("missed_bin", "Fly", "AS-M2"), now=1.0)
        await reports.mark_held(tx, "AS-M1", "Invalid API key", 2.0)
        await reports.mark_rejected(tx, "AS-M2", "bad report", 2.0)
    m = await report_metrics(store)
    assert m["assist_reports_held"][1] == 1.0
    assert m["assist_reports_needing_staff"][1] == 1.0


@pytest.mark.both_stores
def test_assist_reports_held_and_retry(tmp_path: Path, database: Database) -> None:
    """`assist reports held` lists a held report with its reason; `retry` sends it again
    (on the store ASSIST_DATABASE_URL chooses)."""
    import asyncio

    from assist.app import all_migrations

    async def seed() -> None:
        s = await database.open(all_migrations())
        async with s.transaction() as tx:
            await reports.enqueue_report(tx, ReportRequest("missed_bin", "Missed", "AS-C1"))
            await reports.mark_held(tx, "AS-C1", "Invalid API key", 2.0)
            await tx.execute("UPDATE outbox SET status = 'held'")
        await s.close()

    asyncio.run(seed())
    env = {**os.environ, "ASSIST_DATA_DIR": str(tmp_path), "ASSIST_RASA_URL": ""}
    env["ASSIST_DATABASE_URL"] = database.url or ""

    def assist(*args: str) -> str:
        out = subprocess.run(
            [sys.executable, "-m", "assist.cli", "reports", *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert out.returncode == 0, out.stderr
        return out.stdout

    listed = assist("held")
    assert "AS-C1" in listed and "Invalid API key" in listed
    assert "1 reports will be sent again" in assist("retry")
