"""Smoke test of bench/busy_hour.py: a few users for two seconds, clients in their own
processes, the server's own time and both loops' lag printed beside the client's figures."""

from __future__ import annotations

import asyncio

import pytest

from bench import busy_hour


@pytest.mark.slow
def test_the_busy_hour_prints_server_and_client_figures(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = asyncio.run(busy_hour.run(4, 2, 2.0, use_rasa=False, summary=None, detail=True))
    out = capsys.readouterr().out
    assert code == 0, out
    assert "clients in two processes" in out
    assert "phone, each webhook (server)" in out and "no answers" not in out
    assert "client loop (phone)" in out and "server loop" in out
