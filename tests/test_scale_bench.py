"""Smoke test of bench/scale_bench.py: SQLite and one PostgreSQL instance, a few seconds each."""

from __future__ import annotations

import pytest

from bench import scale_bench
from tests import pg


@pytest.mark.slow
def test_the_scale_bench_prints_its_table(capsys: pytest.CaptureFixture[str]) -> None:
    """Both set-ups answer without errors and the table carries the 2-core caveat."""
    if pg.find_bin_dir() is None:
        pytest.fail(pg.INSTALL_HINT)  # as the store tests do: a skip would prove nothing
    argv = ["--instances", "1", "--seconds", "2", "--sat-seconds", "2"]
    code = scale_bench.main([*argv, "--clients", "10", "--chats", "10", "--callers", "4"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "SQLite, 1 instance" in out and "PostgreSQL, 1 instance" in out
    assert "cores" in out
