"""Issue 20: staff sign-in lockout per account and address, audited conversation reads,
and the staff API's answers for a postcode without addresses."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assist.handoff import auth
from assist.store import SQLiteStore

from .live import PASSWORD, LiveServer, add_citizen, add_people, make_app, settings_for

_clients: list[httpx.Client] = []


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[LiveServer, Path]]:
    settings = settings_for(tmp_path)
    add_people(settings.db_path, ("ann", "agent"), ("bob", "agent"), ("sue", "supervisor"))
    with LiveServer(make_app(settings)) as server:
        try:
            yield server, settings.db_path
        finally:
            while _clients:
                _clients.pop().close()


def sign_in(server: LiveServer, name: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=server.url, follow_redirects=False)
    _clients.append(client)
    r = client.post("/api/handoff/session", json={"username": name, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return client, r.json()["csrf"]


async def test_wrong_passwords_from_one_address_do_not_lock_the_account_elsewhere(
    store: SQLiteStore,
) -> None:
    """Item 16: five wrong passwords locked a named account for 15 minutes from anywhere."""
    async with store.transaction() as tx:
        await auth.add_staff(tx, "bob", "agent", PASSWORD, 0.0)
    now = 1000.0
    for _ in range(auth.MAX_FAILURES_PER_USER):
        async with store.transaction() as tx:
            assert await auth.login(tx, "bob", "wrong-guess", "203.0.113.9", now) is None
    async with store.transaction() as tx:
        with pytest.raises(auth.LockedOut):
            await auth.login(tx, "bob", PASSWORD, "203.0.113.9", now)
    async with store.transaction() as tx:
        assert await auth.login(tx, "bob", PASSWORD, "10.1.2.3", now) is not None


async def test_a_spread_out_guesser_locks_the_account_until_a_supervisor_unlocks(
    store: SQLiteStore,
) -> None:
    """Guesses from many addresses still lock the account; `unlock` opens it again."""
    async with store.transaction() as tx:
        await auth.add_staff(tx, "bob", "agent", PASSWORD, 0.0)
    for n in range(auth.MAX_FAILURES_PER_ACCOUNT):
        async with store.transaction() as tx:
            await auth.login(tx, "bob", "wrong-guess", f"198.51.100.{n}", 1000.0)
    async with store.transaction() as tx:
        with pytest.raises(auth.LockedOut):
            await auth.login(tx, "bob", PASSWORD, "10.1.2.3", 1000.0)
    async with store.transaction() as tx:
        assert await auth.unlock(tx, "bob") > 0
    async with store.transaction() as tx:
        assert await auth.login(tx, "bob", PASSWORD, "10.1.2.3", 1000.0) is not None


def test_a_supervisor_unlocks_an_account(site: tuple[LiveServer, Path]) -> None:
    """Over the API: agents may not unlock; a supervisor can, and the lock is gone."""
    server, _ = site
    with httpx.Client(base_url=server.url) as c:
        for _ in range(5):
            c.post("/api/handoff/session", json={"username": "bob", "password": "guess-guess-1"})
        assert (
            c.post(
                "/api/handoff/session", json={"username": "bob", "password": PASSWORD}
            ).status_code
            == 429
        )
    ann, ann_csrf = sign_in(server, "ann")
    r = ann.post("/api/handoff/staff/bob/unlock", headers={"X-CSRF-Token": ann_csrf})
    assert r.status_code == 403
    sue, csrf = sign_in(server, "sue")
    assert sue.post("/api/handoff/staff/bob/unlock").status_code == 403  # no CSRF token
    r = sue.post("/api/handoff/staff/bob/unlock", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.json()["unlocked"] > 0
    sign_in(server, "bob")


def test_closed_conversations_are_for_their_agent_and_supervisors_and_reads_are_audited(
    site: tuple[LiveServer, Path],
) -> None:
    """Item 5: any agent could read any conversation by id, closed ones included."""
    server, db = site
    entry_id = add_citizen(db, 1)
    ann, csrf = sign_in(server, "ann")
    bob, _ = sign_in(server, "bob")
    sue, _ = sign_in(server, "sue")
    h = {"X-CSRF-Token": csrf}
    assert bob.get(f"/api/handoff/entries/{entry_id}").status_code == 200  # open: may take it
    ann.post(f"/api/handoff/entries/{entry_id}/claim", headers=h)
    r = ann.post(
        f"/api/handoff/entries/{entry_id}/close", json={"outcome": "report_filed"}, headers=h
    )
    assert r.json()["status"] == "closed"
    assert bob.get(f"/api/handoff/entries/{entry_id}").status_code == 403
    assert bob.get(f"/console/entries/{entry_id}").status_code == 404
    assert ann.get(f"/api/handoff/entries/{entry_id}").status_code == 200
    assert sue.get(f"/api/handoff/entries/{entry_id}").status_code == 200
    assert ann.get("/api/handoff/reads").status_code == 403  # supervisors only
    reads = sue.get("/api/handoff/reads", params={"entry": entry_id}).json()
    seen = [(r["staff"], r["refused"]) for r in reversed(reads)]
    assert seen == [
        ("bob", False),
        ("bob", True),
        ("bob", True),
        ("ann", False),
        ("sue", False),
    ]


def test_closed_conversations_can_be_for_supervisors_only() -> None:
    """With ASSIST_CLOSED_CONVERSATIONS=supervisors even the handling agent is refused."""
    from assist.handoff.entries import Entry
    from assist.handoff.reads import may_read

    entry = Entry.__new__(Entry)
    object.__setattr__(entry, "status", "closed")
    object.__setattr__(entry, "claimed_by", "ann")
    ann = auth.Staff("ann", "agent", "c")
    sue = auth.Staff("sue", "supervisor", "c")
    assert may_read(entry, ann, "handler_and_supervisors")
    assert not may_read(entry, ann, "supervisors")
    assert may_read(entry, sue, "supervisors")


def test_a_postcode_without_addresses_is_an_empty_list_not_a_502(
    site: tuple[LiveServer, Path],
) -> None:
    """Item 11: the staff API answered 502 when a postcode had no addresses."""
    server, db = site
    entry_id = add_citizen(db, 1)
    ann, csrf = sign_in(server, "ann")
    ann.post(f"/api/handoff/entries/{entry_id}/claim", headers={"X-CSRF-Token": csrf})
    r = ann.get(f"/api/handoff/entries/{entry_id}/addresses", params={"postcode": "CB9 9ZZ"})
    assert r.status_code == 200 and r.json() == []
