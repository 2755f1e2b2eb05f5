"""The waste API (addresses, alternate-week bins, bank-holiday shifts) and the info API."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from assist.council import demo_data
from assist.council.postcodes import MalformedPostcode, in_area, normalise
from assist.council.waste import collection_day, collections

HOLIDAYS = demo_data.bank_holidays()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cb12ad", "CB1 2AD"),
        (" CB1  2AD ", "CB1 2AD"),
        ("pe27 5eg", "PE27 5EG"),
        ("SW1A1AA", "SW1A 1AA"),
        ("cb24 9jd", "CB24 9JD"),
    ],
)
def test_postcodes_are_normalised(text: str, expected: str) -> None:
    """Postcodes in any case and spacing normalise to the standard form."""
    assert normalise(text) == expected


@pytest.mark.parametrize("text", ["", "hello", "CB1", "12345", "CB1 2AD x", "1CB 2AD"])
def test_malformed_postcodes_are_refused(text: str) -> None:
    """Text not shaped like a UK postcode raises MalformedPostcode."""
    with pytest.raises(MalformedPostcode):
        normalise(text)


def test_area_covers_cambridgeshire_districts_only() -> None:
    """CB and PE13-PE29 districts are in the area; London and Peterborough are not."""
    assert all(in_area(normalise(p)) for p in ("CB1 2AD", "CB7 4AA", "PE13 1DR", "PE28 5UX"))
    assert not any(in_area(normalise(p)) for p in ("SW1A 1AA", "PE1 1AA", "CB10 1AA"))


def test_demo_addresses_span_all_five_districts() -> None:
    """The demo data has a few dozen addresses in every district, all inside the area."""
    addrs = demo_data.addresses()
    assert len(addrs) >= 30
    assert {a.district for a in addrs} == {
        "cambridge",
        "south-cambs",
        "east-cambs",
        "fenland",
        "huntingdonshire",
    }
    assert all(
        in_area(normalise(a.postcode)) and normalise(a.postcode) == a.postcode for a in addrs
    )
    assert len({a.id for a in addrs}) == len(addrs)


def test_bins_alternate_weekly() -> None:
    """Black one week, blue and green the next, on the address's weekday."""
    addr = next(a for a in demo_data.addresses() if a.id == "cam-0001")  # Tuesday, week A
    # 2026-06-08 is 22 weeks after the reference week A (2026-01-05)
    got = collections(addr, dt.date(2026, 6, 8), 4, {}, demo_data.rounds())
    assert [(c["date"], c["bin"]) for c in got] == [
        ("2026-06-09", "black"),
        ("2026-06-16", "blue"),
        ("2026-06-16", "green"),
        ("2026-06-23", "black"),
        ("2026-06-30", "blue"),
        ("2026-06-30", "green"),
    ]


@pytest.mark.parametrize(
    ("usual", "actual"),
    [
        ("2026-05-04", "2026-05-05"),  # Monday bank holiday: Monday's round on Tuesday
        ("2026-05-08", "2026-05-09"),  # ... and Friday's on Saturday
        ("2026-04-02", "2026-04-02"),  # Thursday before Good Friday: unchanged
        ("2026-04-03", "2026-04-04"),  # Good Friday itself
        ("2026-12-31", "2027-01-02"),  # Boxing Day substitute Monday, then New Year's Day
        ("2027-12-28", "2027-12-30"),  # two substitute days in one week
        ("2026-06-10", "2026-06-10"),  # an ordinary week
    ],
)
def test_bank_holidays_move_collections(usual: str, actual: str) -> None:
    """A bank holiday on or before the collection day in its week moves it a day later,
    and never onto a bank holiday."""
    got = collection_day(dt.date.fromisoformat(usual), HOLIDAYS)
    assert got == dt.date.fromisoformat(actual)
    assert got not in HOLIDAYS


def test_bank_holidays_file_has_2026_and_2027() -> None:
    """Eight English bank holidays a year for 2026 and 2027."""
    years = [d.year for d in HOLIDAYS]
    assert years.count(2026) == 8 and years.count(2027) == 8


def test_addresses_by_postcode_over_http(http: httpx.Client) -> None:
    """A known postcode, in any form, lists its addresses."""
    body = http.get("/waste/addresses", params={"postcode": "cb12ad"}).json()
    assert body["postcode"] == "CB1 2AD"
    assert [a["id"] for a in body["addresses"]] == ["cam-0001", "cam-0002", "cam-0003"]


@pytest.mark.parametrize(
    ("postcode", "status", "error"),
    [
        ("SW1A 1AA", 404, "outside_area"),
        ("PE1 1AA", 404, "outside_area"),
        ("CB1 9ZZ", 404, "unknown_postcode"),
        ("banana", 400, "malformed_postcode"),
        ("", 400, "malformed_postcode"),
    ],
)
def test_postcode_answers_are_distinct(
    http: httpx.Client, postcode: str, status: int, error: str
) -> None:
    """Outside the area, unknown and malformed postcodes each get their own answer."""
    resp = http.get("/waste/addresses", params={"postcode": postcode})
    assert resp.status_code == status and resp.json()["error"] == error
    assert resp.json()["detail"]


def test_collections_over_http_show_the_christmas_shift(http: httpx.Client) -> None:
    """Collections in Christmas week carry the usual date they moved from and why."""
    body = http.get(
        "/waste/collections/cam-0001", params={"start": "2026-12-21", "weeks": 2}
    ).json()
    moved = [c for c in body["collections"] if c["moved_from"]]
    assert moved and moved[0] == {
        "bin": "blue",
        "date": "2026-12-30",
        "moved_from": "2026-12-29",
        "reason": "Moved because of Boxing Day (substitute day)",
    }
    assert http.get("/waste/collections/nope").status_code == 404
    assert http.get("/waste/collections/cam-0001", params={"start": "soon"}).status_code == 400


def test_collections_default_to_the_councils_today(http: httpx.Client) -> None:
    """Without a start date the collections begin at the council's today."""
    body = http.get("/waste/collections/hun-0001").json()
    assert body["collections"][0]["date"] >= "2026-12-14"
    assert len({c["date"] for c in body["collections"]}) == 4


def test_info_topics_have_hours_numbers_and_call_cost(http: httpx.Client) -> None:
    """Every topic answers with a phone number, hours and call cost; closures are listed."""
    topics = http.get("/info").json()["topics"]
    assert {"opening_hours", "council_tax", "blue_badge", "safeguarding"} <= set(topics)
    for topic in topics:
        body = http.get(f"/info/{topic}").json()
        assert body["phone"] and body["hours"] and body["call_cost"] and body["summary"]
    hours = http.get("/info/opening_hours").json()
    assert hours["extra"]["closed_on"][0] == {"date": "2026-12-25", "title": "Christmas Day"}
    assert "999" in http.get("/info/safeguarding").json()["summary"]
    assert http.get("/info/parking").status_code == 404
    holidays = http.get("/info/bank_holidays").json()["bank_holidays"]
    assert holidays[0]["date"] == "2026-12-25"
