"""The console's HTTP surface on a real uvicorn: the API flow and its security."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .live import PASSWORD, LiveServer, add_citizen, add_people, make_app, outbox_rows, settings_for

pytestmark = [pytest.mark.both_stores, pytest.mark.usefixtures("database_env")]


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


def test_unauthenticated_requests_are_refused(site: tuple[LiveServer, Path]) -> None:
    """Without a session the API answers 401 and the console redirects to sign in."""
    server, _ = site
    with httpx.Client(base_url=server.url) as c:
        assert c.get("/api/handoff/queue").status_code == 401
        assert c.post("/api/handoff/claim-next").status_code == 401
        r = c.get("/console", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/console/login"
    with httpx.Client(base_url=server.url, cookies={"assist_staff": "abc.def"}) as forged:
        assert forged.get("/api/handoff/queue").status_code == 401


def test_agents_cannot_see_supervisor_figures(site: tuple[LiveServer, Path]) -> None:
    """Supervisor figures and the calculator refuse agents (403) and serve supervisors."""
    server, _ = site
    ann, _ = sign_in(server, "ann")
    assert ann.get("/api/handoff/stats").status_code == 403
    assert ann.get("/console/supervisor").status_code == 403
    sue, _ = sign_in(server, "sue")
    figures = sue.get("/api/handoff/stats").json()
    assert figures["waiting"] == 0 and "service_level" in figures
    calc = sue.get(
        "/api/handoff/erlang",
        params={"contacts_per_hour": 720, "handle_time_s": 240, "agents": 55, "target_s": 15},
    ).json()
    row = next(r for r in calc if r["agents"] == 55)
    assert row["p_wait"] == pytest.approx(0.2387, abs=1e-4)
    assert sue.get("/console/supervisor").status_code == 200


def test_csrf_is_enforced(site: tuple[LiveServer, Path]) -> None:
    """State changes without the session's CSRF token are refused (API header and forms)."""
    server, db = site
    add_citizen(db, 1)
    ann, csrf = sign_in(server, "ann")
    assert ann.post("/api/handoff/claim-next").status_code == 403
    assert (
        ann.post("/api/handoff/claim-next", headers={"X-CSRF-Token": "x" + csrf}).status_code == 403
    )
    assert ann.post("/console/claim-next", data={"csrf": "wrong"}).status_code == 403
    with httpx.Client(base_url=server.url) as anon:
        r = anon.post("/console/login", data={"username": "ann", "password": PASSWORD})
        assert r.status_code == 403 and "assist_staff" not in r.cookies
    assert ann.post("/api/handoff/claim-next", headers={"X-CSRF-Token": csrf}).status_code == 200


def test_login_issues_a_new_session_and_ends_the_old(site: tuple[LiveServer, Path]) -> None:
    """Signing in always issues a fresh session id; a planted or previous one stops working."""
    server, _ = site
    client, _ = sign_in(server, "ann")
    first = client.cookies["assist_staff"]
    r = client.post("/api/handoff/session", json={"username": "ann", "password": PASSWORD})
    second = r.cookies["assist_staff"]
    assert second != first
    for cookie, status in ((first, 401), (second, 200)):
        with httpx.Client(base_url=server.url, cookies={"assist_staff": cookie}) as other:
            assert other.get("/api/handoff/queue").status_code == status
    set_cookie = r.headers["set-cookie"].lower()
    assert "httponly" in set_cookie and "samesite=strict" in set_cookie


def test_login_brute_force_is_limited(site: tuple[LiveServer, Path]) -> None:
    """After five wrong passwords even the right one is refused for a while (429)."""
    server, _ = site
    with httpx.Client(base_url=server.url) as c:
        for _ in range(5):
            r = c.post(
                "/api/handoff/session", json={"username": "bob", "password": "guess-guess-1"}
            )
            assert r.status_code == 401
        r = c.post("/api/handoff/session", json={"username": "bob", "password": PASSWORD})
        assert r.status_code == 429
        r = c.post("/api/handoff/session", json={"username": "ann", "password": PASSWORD})
        assert r.status_code == 200


def test_api_flow_claim_reply_close(site: tuple[LiveServer, Path]) -> None:
    """An agent claims, replies (transcript + outbox), and closes; a second agent cannot claim."""
    server, db = site
    entry_id = add_citizen(db, 1)
    ann, csrf = sign_in(server, "ann")
    bob, bob_csrf = sign_in(server, "bob")
    queue = ann.get("/api/handoff/queue").json()
    assert queue["entries"][0]["id"] == entry_id and queue["entries"][0]["position"] == 1
    h = {"X-CSRF-Token": csrf}
    claimed = ann.post("/api/handoff/claim-next", headers=h).json()
    assert claimed["id"] == entry_id and claimed["context"]["slots"]["location"]
    r = bob.post(f"/api/handoff/entries/{entry_id}/claim", headers={"X-CSRF-Token": bob_csrf})
    assert r.status_code == 409
    assert (
        bob.post("/api/handoff/claim-next", headers={"X-CSRF-Token": bob_csrf}).status_code == 204
    )
    r = bob.post(
        f"/api/handoff/entries/{entry_id}/reply",
        json={"text": "hi"},
        headers={"X-CSRF-Token": bob_csrf},
    )
    assert r.status_code == 409
    r = ann.post(f"/api/handoff/entries/{entry_id}/reply", json={"text": "I can help."}, headers=h)
    assert r.status_code == 200
    detail = ann.get(f"/api/handoff/entries/{entry_id}").json()
    assert detail["transcript"][-1] == {
        **detail["transcript"][-1],
        "role": "staff",
        "text": "I can help.",
    }
    (row,) = outbox_rows(db, "staff_reply")
    assert row["recipient"] == "+447700900101"
    r = ann.post(f"/api/handoff/entries/{entry_id}/close", json={"outcome": "nonsense"}, headers=h)
    assert r.status_code == 422
    r = ann.post(
        f"/api/handoff/entries/{entry_id}/close",
        json={"outcome": "report_filed", "notes": "filed"},
        headers=h,
    )
    assert r.json()["status"] == "closed"
    assert ann.get("/api/handoff/entries/h_nope").status_code == 404


def test_transcripts_are_escaped(site: tuple[LiveServer, Path]) -> None:
    """A citizen's markup is shown as text: the page never contains their raw <script>."""
    server, db = site
    entry_id = add_citizen(db, 1, text='<script>window.pwned=1</script><img src=x onerror="x()">')
    ann, _ = sign_in(server, "ann")
    page = ann.get(f"/console/entries/{entry_id}")
    assert page.status_code == 200
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page.text
    assert "<script>window.pwned" not in page.text and "<img src=x" not in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_openapi_documents_the_api(site: tuple[LiveServer, Path]) -> None:
    """The JSON API appears in FastAPI's OpenAPI document; console pages do not."""
    server, _ = site
    with httpx.Client(base_url=server.url) as c:
        paths = c.get("/openapi.json").json()["paths"]
    assert "/api/handoff/claim-next" in paths and "/api/handoff/entries/{entry_id}/close" in paths
    assert not any(p.startswith("/console") for p in paths)


def test_staff_lookups_are_recorded_on_the_conversation(site: tuple[LiveServer, Path]) -> None:
    """Bin-day and report-status lookups go through the council client and into the transcript."""
    server, db = site
    entry_id = add_citizen(db, 1)
    ann, csrf = sign_in(server, "ann")
    r = ann.post(
        f"/console/entries/{entry_id}/bin-days", data={"csrf": csrf, "postcode": "CB1 2AD"}
    )
    assert r.status_code == 409  # not claimed yet
    ann.post(f"/api/handoff/entries/{entry_id}/claim", headers={"X-CSRF-Token": csrf})
    r = ann.post(
        f"/console/entries/{entry_id}/bin-days", data={"csrf": csrf, "postcode": "CB1 2AD"}
    )
    assert r.status_code == 303 and r.headers["location"].endswith("?result=bin_days#result")
    r = ann.post(
        f"/console/entries/{entry_id}/bin-days",
        data={"csrf": csrf, "postcode": "CB1 2AD", "address_id": "cam-1"},
    )
    assert r.status_code == 303
    r = ann.post(
        f"/console/entries/{entry_id}/report-status", data={"csrf": csrf, "reference": "AS-404"}
    )
    assert r.status_code == 303
    lines = [x["text"] for x in ann.get(f"/api/handoff/entries/{entry_id}").json()["transcript"]]
    assert lines[-3] == (
        "There are several addresses at CB1 2AD. Find the addresses and choose theirs."
    )
    assert lines[-2].startswith("Bin days for 12 Mill Road, Cambridge: black ")
    assert lines[-1] == (
        "Could not check report AS-404: there is no report with that reference. Check it with them."
    )
    page = ann.get(r.headers["location"])
    assert "Could not check report AS-404" in page.text.split('id="result"')[1].split("</div>")[0]


def test_bin_day_look_up_uses_the_citizens_known_address(site: tuple[LiveServer, Path]) -> None:
    """With the citizen's address known (14 Mill Road), "Look up" answers for that address,
    not the first one at the postcode."""
    server, db = site
    slots = {"postcode": "CB1 2AD", "address": "14 Mill Road, Cambridge", "address_id": "cam-2"}
    entry_id = add_citizen(db, 1, intent="missed_bin", slots=slots, step="missed_bin.which_bin")
    ann, csrf = sign_in(server, "ann")
    ann.post(f"/api/handoff/entries/{entry_id}/claim", headers={"X-CSRF-Token": csrf})
    page = ann.get(f"/console/entries/{entry_id}").text
    assert 'name="address_id" value="cam-2"' in page and "cam-2</" not in page
    r = ann.post(
        f"/console/entries/{entry_id}/bin-days",
        data={"csrf": csrf, "postcode": "CB1 2AD", "address_id": "cam-2"},
    )
    lines = ann.get(f"/api/handoff/entries/{entry_id}").json()["lines"]
    assert lines[-1]["text"].startswith("Bin days for 14 Mill Road, Cambridge: black ")
    assert lines[-1]["who"] == "Note" and lines[-1]["id"] > lines[-2]["id"]
    assert r.headers["location"].endswith("#result")
