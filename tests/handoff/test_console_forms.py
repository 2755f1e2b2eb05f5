"""The conversation page's forms over HTTP: prefilled from the context packet, corrected in
place, adding to an existing report, and refusals in words that say what to do."""

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .live import PASSWORD, LiveServer, add_citizen, add_people, make_app, outbox_rows, settings_for

MISSED = {
    "postcode": "CB1 2AD",
    "address": "14 Mill Road, Cambridge",
    "address_id": "cam-2",
    "bin": "green: the garden waste one",
}


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


def claimed(server: LiveServer, db: Path, **citizen: object) -> tuple[httpx.Client, str, str]:
    entry_id = add_citizen(db, 1, **citizen)  # type: ignore[arg-type]
    ann, csrf = sign_in(server, "ann")
    r = ann.post(f"/api/handoff/entries/{entry_id}/claim", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200
    return ann, csrf, entry_id


def field(page: str, name: str) -> str:
    """The value a form field shows (input value, selected option, or textarea text)."""
    m = re.search(rf'<textarea id="{name}"[^>]*>([^<]*)</textarea>', page)
    if m:
        return m.group(1)
    m = re.search(rf'<select id="{name}".*?</select>', page, re.S)
    if m:
        chosen = re.search(r'<option value="([^"]*)" selected>', m.group(0))
        return chosen.group(1) if chosen else ""
    m = re.search(rf'<input id="{name}"[^>]*value="([^"]*)"', page)
    assert m, f"no field {name}"
    return m.group(1)


def test_the_report_form_starts_from_what_the_citizen_said(site: tuple[LiveServer, Path]) -> None:
    """Service, their address at the known postcode, bin colour, their words and a number
    for updates are filled in; no internal id is shown as text."""
    server, db = site
    ann, _, entry_id = claimed(
        server, db, intent="missed_bin", slots=MISSED, step="missed_bin.confirm"
    )
    page = ann.get(f"/console/entries/{entry_id}").text
    assert field(page, "service") == "missed_bin"
    assert field(page, "report-address") == "cam-2"
    assert field(page, "bin") == "green"
    assert field(page, "description") == "the garden waste one"
    assert field(page, "report-phone") == "07700 900101"
    assert "checking a missed bin report" in page and "missed_bin.confirm" not in page
    assert ">cam-2<" not in page and "Number:" not in page
    assert "missed bin: 14 Mill Road, Cambridge, green (the garden waste one)" in page


def test_a_mistake_keeps_everything_typed(site: tuple[LiveServer, Path]) -> None:
    """A missing colour re-renders the page (422, no error page) with every field as typed
    and the message beside the bin field; nothing is sent."""
    server, db = site
    ann, csrf, entry_id = claimed(server, db)
    typed = {
        "csrf": csrf,
        "service": "missed_bin",
        "postcode": "CB1 2AD",
        "address_id": "cam-1",
        "bin": "",
        "description": "Nobody came on Tuesday <b>again</b>",
        "phone": "07700 900 555",
    }
    r = ann.post(f"/console/entries/{entry_id}/report", data=typed)
    assert r.status_code == 422
    page = r.text
    assert 'id="bin-error">Choose the colour of the bin that was missed.</p>' in page
    assert 'aria-describedby="bin-error"' in page and 'role="alert"' in page
    assert field(page, "service") == "missed_bin"
    assert field(page, "report-address") == "cam-1"
    assert field(page, "description") == "Nobody came on Tuesday &lt;b&gt;again&lt;/b&gt;"
    assert field(page, "report-phone") == "07700 900 555"
    assert outbox_rows(db, "report") == []
    r = ann.post(f"/console/entries/{entry_id}/report", data={**typed, "bin": "blue"})
    assert r.status_code == 303
    (row,) = outbox_rows(db, "report")
    payload = json.loads(row["payload"])
    assert payload["phone"] == "+447700900555" and payload["attributes"] == {"bin": "blue"}
    assert payload["description"] == "Nobody came on Tuesday <b>again</b>"


def test_adding_to_an_existing_report(site: tuple[LiveServer, Path]) -> None:
    """New information is kept with a report made earlier (the council takes no updates),
    noted in the conversation, and shown to whoever looks at that report next."""
    server, db = site
    ann, csrf, entry_id = claimed(server, db)
    r = ann.post(
        f"/console/entries/{entry_id}/report",
        data={
            "csrf": csrf,
            "service": "report_pothole",
            "location": "Mill Road",
            "description": "Deep",
        },
    )
    ref = re.search(r"ref=(AS-\w+)", r.headers["location"]).group(1)  # type: ignore[union-attr]
    r = ann.post(
        f"/console/entries/{entry_id}/report-note",
        data={"csrf": csrf, "reference": "AS-NOPE99", "text": "It is bigger now"},
    )
    assert r.status_code == 422
    assert "There is no report with that reference. Check it with them." in r.text
    assert field(r.text, "note-text") == "It is bigger now"
    r = ann.post(
        f"/console/entries/{entry_id}/report-note",
        data={"csrf": csrf, "reference": ref.lower(), "text": "It is bigger now"},
    )
    assert r.status_code == 303 and r.headers["location"].endswith("?result=report_note#result")
    page = ann.get(r.headers["location"]).text
    assert f"Added to report {ref}: It is bigger now" in page
    notes = ann.get(f"/api/handoff/reports/{ref}/notes").json()
    assert [(n["author"], n["text"], n["sent_to_council"]) for n in notes] == [
        ("ann", "It is bigger now", 0)
    ]
    # The next person to look at that report sees it: another conversation that names it.
    other = add_citizen(db, 2)
    bob, bob_csrf = sign_in(server, "bob")
    bob.post(f"/api/handoff/entries/{other}/claim", headers={"X-CSRF-Token": bob_csrf})
    r = bob.post(
        f"/api/handoff/entries/{other}/report-notes",
        json={"reference": ref, "text": "Car damaged too"},
        headers={"X-CSRF-Token": bob_csrf},
    )
    assert r.status_code == 201 and r.json() == {"reference": ref, "sent_to_council": False}
    sue, _ = sign_in(server, "sue")
    supervisor = sue.get("/console/supervisor").text
    assert "It is bigger now" in supervisor and "Car damaged too" in supervisor


def test_refusals_say_what_to_do_without_ids(site: tuple[LiveServer, Path]) -> None:
    """A second claim names the colleague, not the entry id; an empty note or no outcome says
    what is missing."""
    server, db = site
    ann, csrf, entry_id = claimed(server, db)
    bob, bob_csrf = sign_in(server, "bob")
    r = bob.post(f"/console/entries/{entry_id}/claim", data={"csrf": bob_csrf})
    assert r.status_code == 409
    assert "ann is already helping this person. Go back to the queue" in r.text
    assert entry_id not in r.text.replace(f"/console/entries/{entry_id}", "")
    r = bob.post(f"/console/entries/{entry_id}/note", data={"csrf": bob_csrf, "text": "x"})
    assert "This conversation is not with you now" in r.text
    r = ann.post(f"/console/entries/{entry_id}/note", data={"csrf": csrf, "text": " "})
    assert r.status_code == 422 and "Write a note first." in r.text
    r = ann.post(f"/console/entries/{entry_id}/close", data={"csrf": csrf})
    assert r.status_code == 422 and "Choose how the conversation ended." in r.text
    r = ann.post(f"/console/entries/{entry_id}/transfer", data={"csrf": csrf, "to_agent": "zed"})
    assert r.status_code == 409 and "That colleague is not taking conversations now" in r.text


def test_supervisor_figures_for_a_period_and_csv(site: tuple[LiveServer, Path]) -> None:
    """Supervisors see today's figures per channel and language, pick a period, download CSV;
    with no real numbers there is no Erlang C table, only what to enter."""
    server, db = site
    add_citizen(db, 1, channel="sms", language="pl")
    sue, _ = sign_in(server, "sue")
    page = sue.get("/console/supervisor").text
    assert '<h2 id="period-h">Today</h2>' in page
    assert (
        "text message, Polish" in page and "Erlang C for" not in page and "0.0 erlangs" not in page
    )
    assert "There are no real numbers for this period yet" in page
    assert "pothole.location" not in page
    r = sue.get("/console/supervisor.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    header, total, sms = r.text.splitlines()[:3]
    assert header.startswith("channel,language,contacts,resolved_without_person,handed_to_person")
    assert total.startswith("all,all,1,0,1,") and sms.startswith("text message,pl,1,0,1,")
    bad = sue.get("/console/supervisor", params={"from": "2025-05-02", "to": "2025-05-01"})
    assert bad.status_code == 200 and 'id="period-error"' in bad.text
    assert sue.get("/console/supervisor.csv", params={"from": "nope"}).status_code == 422
    ann, _ = sign_in(server, "ann")
    assert ann.get("/console/supervisor.csv").status_code == 403
    calc = sue.get(
        "/console/supervisor",
        params={"contacts_per_hour": "720", "handle_time_s": "240", "agents": "55"},
    ).text
    assert "720.0 contacts an hour taking 4 min 00 s each: 48.0 people" in calc
