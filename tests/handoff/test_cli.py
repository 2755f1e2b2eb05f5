"""`assist staff add/list/disable` manage console accounts with argon2 hashes."""

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assist.handoff.cli import staff_app
from assist.handoff.schema import MIGRATIONS
from assist.settings import get_settings
from assist.store import SQLiteStore, core


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("ASSIST_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def stored(db: Path) -> list[dict[str, object]]:
    async def read() -> list[dict[str, object]]:
        store = SQLiteStore(db)
        await store.open([*core.MIGRATIONS, *MIGRATIONS])
        async with store.transaction() as tx:
            rows = await tx.fetchall("SELECT username, role, password_hash FROM handoff_staff")
        await store.close()
        return rows

    return asyncio.run(read())


def test_add_reads_password_from_stdin_and_stores_a_hash(data_dir: Path) -> None:
    """`staff add NAME --role supervisor --password-stdin` stores an argon2id hash only."""
    r = CliRunner().invoke(
        staff_app,
        ["add", "Alice", "--role", "supervisor", "--password-stdin"],
        input="a long enough secret\n",
    )
    assert r.exit_code == 0, r.output
    (row,) = stored(data_dir / "assist.db")
    assert row["username"] == "alice" and row["role"] == "supervisor"
    assert str(row["password_hash"]).startswith("$argon2id$")
    assert "a long enough secret" not in str(row["password_hash"])
    listed = CliRunner().invoke(staff_app, ["list"])
    assert "alice\tsupervisor" in listed.output


def test_add_prompts_and_refuses_weak_input(data_dir: Path) -> None:
    """The prompt asks twice; short passwords and unknown roles are refused."""
    r = CliRunner().invoke(
        staff_app, ["add", "bob"], input="a long enough secret\na long enough secret\n"
    )
    assert r.exit_code == 0, r.output
    short = CliRunner().invoke(staff_app, ["add", "carl", "--password-stdin"], input="short\n")
    assert short.exit_code == 2 and "12 characters" in short.output
    role = CliRunner().invoke(
        staff_app,
        ["add", "dan", "--role", "boss", "--password-stdin"],
        input="a long enough secret\n",
    )
    assert role.exit_code != 0
    assert [r["username"] for r in stored(data_dir / "assist.db")] == ["bob"]
    off = CliRunner().invoke(staff_app, ["disable", "bob"])
    assert off.exit_code == 0 and "disabled" in CliRunner().invoke(staff_app, ["list"]).output


async def test_a_new_password_ends_existing_sessions(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Resetting a staff password signs that person out everywhere."""
    from assist.handoff.auth import add_staff
    from assist.handoff.schema import MIGRATIONS
    from assist.store import SQLiteStore, core

    store = SQLiteStore(tmp_path / "s.db")
    await store.open([*core.MIGRATIONS, *MIGRATIONS])
    try:
        async with store.transaction() as tx:
            await add_staff(tx, "ann", "agent", "correct horse battery", 1.0)
            await tx.execute(
                "INSERT INTO handoff_staff_sessions (token_hash, username, csrf, created_at,"
                " expires_at) VALUES ('h', 'ann', 'c', 1, 99999999999)"
            )
            await add_staff(tx, "ann", "agent", "a brand new password", 2.0)
            left = await tx.fetchall("SELECT * FROM handoff_staff_sessions")
        assert left == []
    finally:
        await store.close()
