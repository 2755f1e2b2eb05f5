"""Staff file reports and set up reminders for the citizen, over the real API and forms."""

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from assist.backend_client.reports import report_from_payload
from assist.notify.reminders import subscription_handlers
from assist.notify.schema import MIGRATIONS as NOTIFY_MIGRATIONS
from assist.store import core
from tests.conftest import store_at

from .live import PASSWORD, LiveServer, add_citizen, add_people, make_app, outbox_rows, settings_for

pytestmark = [pytest.mark.both_stores, pytest.mark.usefixtures("database_env")]


ENGINE_REPORT_KEYS = {
    "service",
    "description",
    "assist_ref",
    "location_text",
    "lat",
    "long",
    "attributes",
    "phone",
    "address",
    "session_id",
    "channel",
    "language",
}
"""The keys of the assistant's report payload (`report_payload` in backend_client/reports.py)."""
MILL_ROAD = {"postcode": "CB1 2AD", "address_id": "cam-1"}
_clients: list[httpx.Client] = []


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[LiveServer, Path]]:
    settings = settings_for(tmp_path)
    add_people(settings.db_path, ("ann", "agent"), ("bob", "agent"))
    with LiveServer(make_app(settings)) as server:
        try:
            yield server, settings.db_path
        finally:
            while _clients:
                _clients.pop().close()


def sign_in(server: LiveServer, name: str) -> tuple[httpx.Client, dict[str, str]]:
    client = httpx.Client(base_url=server.url, follow_redirects=False)
    _clients.append(client)
    r = client.post("/api/handoff/session", json={"username": name, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return client, {"X-CSRF-Token": r.json()["csrf"]}


def claimed(server: LiveServer, db: Path, channel: str = "sms") -> tuple[httpx.Client, Any, str]:
    entry_id = add_citizen(db, 1, channel=channel)
    ann, h = sign_in(server, "ann")
    assert ann.post(f"/api/handoff/entries/{entry_id}/claim", headers=h).status_code == 200
    return ann, h, entry_id


def test_report_filed_through_the_api_goes_the_assistants_way(
    site: tuple[LiveServer, Path],
) -> None:
    """A staff report is one `report` outbox row keyed by its reference, in the engine's shape,
    with a staff transcript line, an audit line and the reference in the context packet."""
    server, db = site
    ann, h, entry_id = claimed(server, db)
    found = ann.get(f"/api/handoff/entries/{entry_id}/addresses", params={"postcode": "CB12AD"})
    assert [a["id"] for a in found.json()] == ["cam-1", "cam-2"]
    r = ann.post(
        f"/api/handoff/entries/{entry_id}/reports",
        json={"service": "missed_bin", "bin": "blue", "address": MILL_ROAD},
        headers=h,
    )
    assert r.status_code == 201, r.text
    ref = r.json()["reference"]
    assert ref.startswith("AS-") and len(ref) == 9
    (row,) = outbox_rows(db, "report")
    assert row["key"] == ref and row["session_id"] == "sess1"
    payload = json.loads(row["payload"])
    assert set(payload) == ENGINE_REPORT_KEYS
    assert payload["attributes"] == {"bin": "blue"}
    assert payload["phone"] == "+447700900101" and payload["channel"] == "sms"
    report = report_from_payload(payload)
    assert report.description == "Missed blue bin" and report.assist_ref == ref
    assert report.address is not None and report.address.line == "12 Mill Road, Cambridge"
    assert report.lat == pytest.approx(52.2005)
    detail = ann.get(f"/api/handoff/entries/{entry_id}").json()
    last = detail["transcript"][-1]
    assert last["role"] == "staff" and ref in last["text"]
    assert last["meta"] == {"agent": "ann", "action": "report", "ref": ref}
    assert detail["entry"]["context"]["refs"] == ["AS-1001", ref]
    audit = rows(db, "SELECT actor, action, detail FROM audit WHERE action LIKE '%report%'")
    assert audit == [
        {
            "actor": "ann",
            "action": "handoff.report_filed",
            "detail": json.dumps({"ref": ref, "service": "missed_bin"}),
        }
    ]


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("en", "I've reported this for you: A missed bin, at 12 Mill Road, Cambridge."),
        ("pl", "Zgłoszenie zostało złożone w Twoim imieniu: Niezabrany pojemnik, 12 Mill Road"),
        ("pt", "Fiz o pedido por si: Contentor que não foi recolhido, em 12 Mill Road"),
    ],
)
def test_what_staff_did_is_written_in_the_citizens_language(
    site: tuple[LiveServer, Path], language: str, note: str
) -> None:
    """The transcript line a citizen can read about a report staff filed for them is in the
    citizen's language, with the reference."""
    server, db = site
    entry_id = add_citizen(db, 1, language=language)
    ann, h = sign_in(server, "ann")
    assert ann.post(f"/api/handoff/entries/{entry_id}/claim", headers=h).status_code == 200
    r = ann.post(
        f"/api/handoff/entries/{entry_id}/reports",
        json={"service": "missed_bin", "bin": "blue", "address": MILL_ROAD},
        headers=h,
    )
    ref = r.json()["reference"]
    last = ann.get(f"/api/handoff/entries/{entry_id}").json()["transcript"][-1]["text"]
    assert last.startswith(note) and ref in last


def test_report_by_location_in_words_and_bad_reports(site: tuple[LiveServer, Path]) -> None:
    """A report may give the place in words; a missing service, bin colour, description or place
    is refused with 422 and nothing is queued."""
    server, db = site
    ann, h, entry_id = claimed(server, db, channel="web")
    url = f"/api/handoff/entries/{entry_id}/reports"
    bad = [
        {"service": "report_dragon", "description": "x", "location": "here"},
        {"service": "missed_bin", "address": MILL_ROAD},
        {"service": "missed_bin", "bin": "purple", "address": MILL_ROAD},
        {"service": "missed_bin", "bin": "black", "location": "Mill Road"},
        {"service": "report_pothole", "location": "Mill Road"},
        {"service": "report_pothole", "description": "deep hole"},
        {
            "service": "report_pothole",
            "description": "x",
            "address": {**MILL_ROAD, "address_id": "z"},
        },
    ]
    for body in bad:
        r = ann.post(url, json=body, headers=h)
        assert r.status_code == 422, (body, r.text)
    assert outbox_rows(db, "report") == []
    r = ann.post(
        url,
        json={"service": "report_pothole", "description": "Deep hole", "location": "By the Co-op"},
        headers=h,
    )
    assert r.status_code == 201
    (row,) = outbox_rows(db, "report")
    payload = json.loads(row["payload"])
    assert payload["location_text"] == "By the Co-op" and payload["address"] is None
    assert payload["phone"] is None and payload["channel"] == "web"
    assert payload["attributes"] == {}


def test_only_the_holder_may_act_and_csrf_is_enforced(site: tuple[LiveServer, Path]) -> None:
    """Another agent gets 409, a missing or wrong CSRF token 403, on the API and the forms."""
    server, db = site
    ann, h, entry_id = claimed(server, db)
    bob, bob_h = sign_in(server, "bob")
    body = {"service": "report_pothole", "description": "Deep hole", "location": "Mill Road"}
    base = f"/api/handoff/entries/{entry_id}"
    assert bob.post(f"{base}/reports", json=body, headers=bob_h).status_code == 409
    assert bob.post(f"{base}/reminders", json={"start": False}, headers=bob_h).status_code == 409
    assert bob.get(f"{base}/addresses", params={"postcode": "CB1 2AD"}).status_code == 409
    form = {"csrf": bob_h["X-CSRF-Token"], **body}
    assert bob.post(f"/console/entries/{entry_id}/report", data=form).status_code == 409
    assert ann.post(f"{base}/reports", json=body).status_code == 403
    assert ann.post(f"{base}/reports", json=body, headers={"X-CSRF-Token": "no"}).status_code == 403
    assert ann.post(f"{base}/reminders", json={"start": False}).status_code == 403
    r = ann.post(f"/console/entries/{entry_id}/report", data={**body, "csrf": "wrong"})
    assert r.status_code == 403
    r = ann.post(f"/console/entries/{entry_id}/reminders", data={"reminders": "stop"})
    assert r.status_code == 403
    with httpx.Client(base_url=server.url) as anon:
        assert anon.post(f"{base}/reports", json=body).status_code == 401
    assert outbox_rows(db, "report") == [] and outbox_rows(db, "unsubscribe") == []
    assert ann.post(f"{base}/reports", json=body, headers=h).status_code == 201


def test_reminders_start_and_stop_for_phone_conversations(
    site: tuple[LiveServer, Path],
) -> None:
    """Starting and stopping reminders writes `subscribe`/`unsubscribe` rows in the engine's
    shape, which the notify handlers accept; web chats are refused (no number to text)."""
    server, db = site
    ann, h, entry_id = claimed(server, db, channel="sms")
    url = f"/api/handoff/entries/{entry_id}/reminders"
    assert ann.post(url, json={"start": True}, headers=h).status_code == 422
    r = ann.post(url, json={"start": True, "address": MILL_ROAD}, headers=h)
    assert r.status_code == 200 and r.json()["number"] == "+447700900101"
    r = ann.post(url, json={"start": False}, headers=h)
    assert r.status_code == 200
    (sub,) = outbox_rows(db, "subscribe")
    (unsub,) = outbox_rows(db, "unsubscribe")
    assert json.loads(sub["payload"]) == {
        "number": "+447700900101",
        "topic": "bin_day",
        "address_id": "cam-1",
        "address": "12 Mill Road, Cambridge",
        "language": "en",
        "channel": "sms",
    }
    assert json.loads(unsub["payload"])["number"] == "+447700900101"
    lines = ann.get(f"/api/handoff/entries/{entry_id}").json()["transcript"]
    assert [x["meta"].get("action") for x in lines[-2:]] == ["subscribe", "unsubscribe"]
    assert asyncio.run(deliver_subscription(db, sub)) == 1

    web, web_h, web_entry = claimed_second_web(server, db)
    r = web.post(
        f"/api/handoff/entries/{web_entry}/reminders",
        json={"start": True, "address": MILL_ROAD},
        headers=web_h,
    )
    assert r.status_code == 422 and "phone" in r.json()["detail"]


def test_console_forms_file_a_report_and_start_reminders(site: tuple[LiveServer, Path]) -> None:
    """The page's forms file a report (the reference is shown) and start reminders."""
    server, db = site
    ann, h, entry_id = claimed(server, db)
    page = ann.get(f"/console/entries/{entry_id}", params={"postcode": "CB1 2AD"})
    assert "14 Mill Road, Cambridge" in page.text and 'id="remind-address"' in page.text
    csrf = h["X-CSRF-Token"]
    r = ann.post(
        f"/console/entries/{entry_id}/report",
        data={
            "csrf": csrf,
            "service": "report_streetlight",
            "postcode": "CB1 2AD",
            "address_id": "cam-2",
            "description": "Light out",
        },
    )
    assert r.status_code == 303
    (row,) = outbox_rows(db, "report")
    assert r.headers["location"].endswith(f"?notice=report_filed&ref={row['key']}#notice")
    page = ann.get(r.headers["location"])
    assert f'<strong id="new-ref">{row["key"]}</strong>' in page.text
    assert json.loads(row["payload"])["address"]["id"] == "cam-2"
    r = ann.post(
        f"/console/entries/{entry_id}/reminders",
        data={"csrf": csrf, "reminders": "start", "postcode": "CB1 2AD", "address_id": "cam-1"},
    )
    assert r.status_code == 303 and outbox_rows(db, "subscribe")
    r = ann.post(f"/console/entries/{entry_id}/report", data={"csrf": csrf, "service": "x"})
    assert r.status_code == 422 and 'role="alert"' in r.text
    assert 'id="service-error">Choose what they are reporting.</p>' in r.text
    page = ann.get(f"/console/entries/{entry_id}", params={"postcode": "ZZ1 1ZZ"})
    assert 'id="addr-error"' in page.text and "outside the area" in page.text


def test_openapi_documents_the_new_actions(site: tuple[LiveServer, Path]) -> None:
    """Reports, reminders and the address look-up are in the OpenAPI document."""
    server, _ = site
    with httpx.Client(base_url=server.url) as c:
        paths = c.get("/openapi.json").json()["paths"]
    assert "post" in paths["/api/handoff/entries/{entry_id}/reports"]
    assert "post" in paths["/api/handoff/entries/{entry_id}/reminders"]
    assert "get" in paths["/api/handoff/entries/{entry_id}/addresses"]


def claimed_second_web(server: LiveServer, db: Path) -> tuple[httpx.Client, Any, str]:
    entry_id = add_citizen(db, 2, channel="web")
    bob, h = sign_in(server, "bob")
    assert bob.post(f"/api/handoff/entries/{entry_id}/claim", headers=h).status_code == 200
    return bob, h, entry_id


def rows(db: Path, sql: str) -> list[dict[str, Any]]:
    async def work() -> list[dict[str, Any]]:
        store = store_at(db)
        await store.open(core.MIGRATIONS)
        try:
            async with store.transaction() as tx:
                return await tx.fetchall(sql)
        finally:
            await store.close()

    return asyncio.run(work())


async def deliver_subscription(db: Path, row: dict[str, Any]) -> int:
    """Run the notify component's own `subscribe` handler on the row; count subscriptions."""
    store = store_at(db)
    await store.open([*core.MIGRATIONS, *NOTIFY_MIGRATIONS])
    try:
        handle = subscription_handlers(store, lambda: 1_000_000.0)["subscribe"]
        await handle(row, json.loads(row["payload"]))
        async with store.transaction() as tx:
            got = await tx.fetchall(
                "SELECT * FROM notify_subscriptions WHERE number = ? AND active = 1",
                ("+447700900101",),
            )
        return len(got)
    finally:
        await store.close()
