"""`python -m assist.council.cli serve` runs the reference council on its own."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.council.live import free_port


def test_serve_runs_standalone_with_uvicorn(tmp_path: Path) -> None:
    """The CLI serves discovery on the given port and keeps requests in the given file."""
    port = free_port()
    db = tmp_path / "own.db"
    env = {**os.environ, "ASSIST_COUNCIL_API_KEY": "cli-key", "ASSIST_DATA_DIR": str(tmp_path)}
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "assist.council.cli",
                "serve",
                "--port",
                str(port),
                "--db",
                str(db),
            ],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}/open311/v2"
        deadline = time.monotonic() + 15
        while True:
            try:
                resp = httpx.get(f"{url}/discovery.json", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "council did not start"
                time.sleep(0.1)
        assert resp.json()["endpoints"][0]["url"] == url
        created = httpx.post(
            f"{url}/requests.json",
            data={
                "jurisdiction_id": "cambridgeshire",
                "api_key": "cli-key",
                "service_code": "HW-POT",
                "lat": "52.2",
                "long": "0.12",
                "description": "Deep pothole",
            },
        )
        assert created.status_code == 200
        assert db.exists()
    finally:
        proc.terminate()
        proc.wait(10)
