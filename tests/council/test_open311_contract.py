"""Contract tests: the reference council's GeoReport v2 answers, in JSON and XML, over HTTP."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

import httpx
import pytest

from tests.council.conftest import API_KEY

BASE = "/open311/v2"
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
ATTRIBUTE_FIELDS = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
]


def xml_of(resp: httpx.Response) -> ET.Element:
    assert resp.headers["content-type"].startswith("text/xml")
    return ET.fromstring(resp.content)


def post(http: httpx.Client, fmt: str = "json", **fields: str) -> httpx.Response:
    data = {
        "jurisdiction_id": "cambridge",
        "api_key": API_KEY,
        "service_code": "WS-MISSED",
        "address_id": "cam-0001",
        "attribute[bin]": "black",
        "description": "Not emptied",
    }
    data.update(fields)
    return http.post(f"{BASE}/requests.{fmt}", data={k: v for k, v in data.items() if v != ""})


def test_discovery_json_and_xml_list_the_endpoint(http: httpx.Client) -> None:
    """Discovery names the GeoReport v2 specification, this endpoint's URL and both formats."""
    d = http.get(f"{BASE}/discovery.json").json()
    assert set(d) >= {"changeset", "contact", "key_service", "endpoints"}
    (ep,) = d["endpoints"]
    assert ep["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert ep["url"].endswith("/open311/v2")
    assert set(ep["formats"]) == {"application/json", "text/xml"}
    root = xml_of(http.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.iterfind("endpoints/endpoint/formats/format")] == ep["formats"]


@pytest.mark.parametrize(
    ("jurisdiction", "codes"),
    [("cambridgeshire", ["HW-POT", "SL-FAULT"]), ("cambridge", ["WS-MISSED", "ENV-FLY"])],
)
def test_services_have_the_spec_fields_in_json_and_xml(
    http: httpx.Client, jurisdiction: str, codes: list[str]
) -> None:
    """Each jurisdiction lists its own services with exactly GeoReport v2's service fields."""
    services = http.get(f"{BASE}/services.json", params={"jurisdiction_id": jurisdiction}).json()
    assert [s["service_code"] for s in services] == codes
    for s in services:
        assert list(s) == SERVICE_FIELDS
        assert s["metadata"] is True and s["type"] == "realtime"
    root = xml_of(http.get(f"{BASE}/services.xml", params={"jurisdiction_id": jurisdiction}))
    assert root.tag == "services"
    for el in root.iterfind("service"):
        assert [c.tag for c in el] == SERVICE_FIELDS
        assert el.findtext("metadata") == "true"


def test_service_definition_lists_attributes_with_values(http: httpx.Client) -> None:
    """A service definition has ordered attributes with the spec's fields and key/name values."""
    d = http.get(f"{BASE}/services/WS-MISSED.json", params={"jurisdiction_id": "cambridge"}).json()
    assert d["service_code"] == "WS-MISSED"
    bin_attr = d["attributes"][0]
    assert list(bin_attr) == ATTRIBUTE_FIELDS
    assert bin_attr["code"] == "bin" and bin_attr["required"] is True
    assert {v["key"] for v in bin_attr["values"]} == {"black", "blue", "green"}
    assert [a["order"] for a in d["attributes"]] == [1, 2]
    root = xml_of(
        http.get(f"{BASE}/services/WS-MISSED.xml", params={"jurisdiction_id": "cambridge"})
    )
    assert root.tag == "service_definition"
    first = root.find("attributes/attribute")
    assert first is not None and [c.tag for c in first] == ATTRIBUTE_FIELDS
    assert [v.findtext("key") for v in first.iterfind("values/value")] == ["black", "blue", "green"]


def test_post_then_get_returns_every_request_field_in_both_formats(http: httpx.Client) -> None:
    """A created request reads back with the GeoReport v2 field list, in JSON and XML."""
    created = post(http)
    assert created.status_code == 200
    (answer,) = created.json()
    assert set(answer) == {"service_request_id", "service_notice", "account_id"}
    rid = answer["service_request_id"]
    (got,) = http.get(f"{BASE}/requests/{rid}.json", params={"jurisdiction_id": "cambridge"}).json()
    assert list(got) == REQUEST_FIELDS
    assert got["status"] == "open" and got["zipcode"] == "CB1 2AD"
    assert got["address"] == "12 Mill Road, Cambridge" and got["lat"] == pytest.approx(52.2005)
    assert got["requested_datetime"].endswith("+00:00")
    root = xml_of(http.get(f"{BASE}/requests/{rid}.xml", params={"jurisdiction_id": "cambridge"}))
    assert root.tag == "service_requests"
    req = root.find("request")
    assert req is not None and [c.tag for c in req] == REQUEST_FIELDS
    assert req.findtext("service_request_id") == rid


def test_post_xml_answers_in_xml(http: httpx.Client) -> None:
    """POST requests.xml answers <service_requests><request><service_request_id>."""
    root = xml_of(post(http, "xml"))
    assert root.findtext("request/service_request_id", "").isdigit()


def test_same_assist_ref_is_not_duplicated(http: httpx.Client) -> None:
    """A second POST with the same assist_ref returns the first id and creates nothing."""
    first = post(http, **{"attribute[assist_ref]": "AS-ABC123"}).json()[0]
    second = post(http, **{"attribute[assist_ref]": "AS-ABC123"}).json()[0]
    assert second["service_request_id"] == first["service_request_id"]
    assert second["service_notice"]
    listed = http.get(f"{BASE}/requests.json", params={"jurisdiction_id": "cambridge"}).json()
    assert len(listed) == 1


def errors_of(resp: httpx.Response) -> list[dict[str, Any]]:
    body = resp.json()
    assert isinstance(body, list)
    for e in body:
        assert set(e) == {"code", "description"} and e["code"] == resp.status_code
    return body


@pytest.mark.parametrize(
    ("fields", "status", "words"),
    [
        ({"api_key": "wrong"}, 403, "api_key"),
        ({"api_key": ""}, 403, "api_key"),
        ({"jurisdiction_id": "essex"}, 404, "jurisdiction_id"),
        ({"jurisdiction_id": ""}, 400, "jurisdiction_id"),
        ({"service_code": ""}, 400, "service_code"),
        ({"service_code": "HW-POT"}, 400, "service_code"),  # a county service at the district
        ({"address_id": ""}, 400, "location"),
        ({"address_id": "nowhere"}, 400, "address_id"),
        ({"address_id": "", "lat": "51.5", "long": "-0.12"}, 400, "outside Cambridgeshire"),
        ({"address_id": "", "lat": "52.2"}, 400, "together"),
        ({"description": "x" * 4001}, 400, "4000"),
        ({"attribute[bin]": ""}, 400, "attribute[bin]"),
        ({"attribute[bin]": "purple"}, 400, "attribute[bin]"),
        ({"email": "not-an-email"}, 400, "email"),
    ],
)
def test_bad_posts_get_open311_error_arrays(
    http: httpx.Client, fields: dict[str, str], status: int, words: str
) -> None:
    """Refused POSTs answer an Open311 error array with the matching HTTP status."""
    resp = post(http, **fields)
    assert resp.status_code == status
    assert any(words in e["description"] for e in errors_of(resp))


def test_several_problems_are_reported_together(http: httpx.Client) -> None:
    """All validation problems come back in one array."""
    resp = post(http, address_id="", description="x" * 5000, **{"attribute[bin]": ""})
    assert resp.status_code == 400 and len(errors_of(resp)) == 3


def test_errors_in_xml(http: httpx.Client) -> None:
    """Errors in XML are <errors><error><code/><description/></error></errors>."""
    resp = post(http, "xml", api_key="wrong")
    root = xml_of(resp)
    assert resp.status_code == 403 and root.tag == "errors"
    assert root.findtext("error/code") == "403"


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE}/services.json",
        f"{BASE}/requests.json",
        f"{BASE}/requests/100001.json",
        f"{BASE}/services/HW-POT.json",
        f"{BASE}/tokens/abc.json",
    ],
)
def test_unknown_or_missing_jurisdiction_is_refused(http: httpx.Client, path: str) -> None:
    """Every jurisdiction-scoped resource refuses a missing (400) or unknown (404) one."""
    assert http.get(path).status_code == 400
    resp = http.get(path, params={"jurisdiction_id": "peterborough"})
    assert resp.status_code == 404 and "jurisdiction_id" in errors_of(resp)[0]["description"]


def test_unknown_request_and_format(http: httpx.Client) -> None:
    """An unknown id is a 404 error array; an unknown format is refused."""
    resp = http.get(f"{BASE}/requests/999.json", params={"jurisdiction_id": "cambridge"})
    assert resp.status_code == 404 and errors_of(resp)
    assert (
        http.get(f"{BASE}/services.yaml", params={"jurisdiction_id": "cambridge"}).status_code
        == 404
    )


def test_requests_filters(http: httpx.Client) -> None:
    """GET requests filters by id list, service_code, status and dates, per the spec."""
    a = post(http).json()[0]["service_request_id"]
    b = post(http, service_code="ENV-FLY", **{"attribute[bin]": ""}).json()[0]["service_request_id"]
    http.post(f"/staff/requests/{b}", data={"api_key": API_KEY, "status": "closed"})
    q = {"jurisdiction_id": "cambridge"}

    def ids(**params: str) -> list[str]:
        return [
            r["service_request_id"]
            for r in http.get(f"{BASE}/requests.json", params={**q, **params}).json()
        ]

    assert ids() == [b, a]
    assert ids(service_request_id=f"{a},{b}", status="open") == [b, a]  # ids override the rest
    assert ids(service_code="ENV-FLY") == [b]
    assert ids(status="open") == [a]
    assert ids(status="closed,open") == [b, a]
    assert ids(start_date="2000-01-01T00:00:00Z", end_date="2001-01-01T00:00:00Z") == []
    assert ids(start_date="2000-01-01T00:00:00+00:00") == [b, a]
    assert (
        http.get(f"{BASE}/requests.json", params={**q, "start_date": "yesterday"}).status_code
        == 400
    )
    assert http.get(f"{BASE}/requests.json", params={**q, "status": "lost"}).status_code == 400
    # the county sees none of the district's requests
    assert (
        http.get(f"{BASE}/requests.json", params={"jurisdiction_id": "cambridgeshire"}).json() == []
    )


def test_staff_change_status_and_notes(http: httpx.Client) -> None:
    """Staff set status and notes with the api_key; GET shows them; a wrong key is refused."""
    rid = post(http).json()[0]["service_request_id"]
    refused = http.post(f"/staff/requests/{rid}", data={"api_key": "no", "status": "closed"})
    assert refused.status_code == 403
    bad = http.post(f"/staff/requests/{rid}", data={"api_key": API_KEY, "status": "done"})
    assert bad.status_code == 400
    ok = http.post(
        f"/staff/requests/{rid}",
        data={
            "api_key": API_KEY,
            "status": "closed",
            "status_notes": "Emptied on Wednesday",
            "expected_datetime": "2026-12-16T12:00:00+00:00",
        },
    )
    assert ok.status_code == 200
    (got,) = http.get(f"{BASE}/requests/{rid}.json", params={"jurisdiction_id": "cambridge"}).json()
    assert (got["status"], got["status_notes"]) == ("closed", "Emptied on Wednesday")
    assert got["expected_datetime"] == "2026-12-16T12:00:00+00:00"
    assert (
        http.post("/staff/requests/1", data={"api_key": API_KEY, "status": "open"}).status_code
        == 404
    )


def test_personal_details_are_not_published(http: httpx.Client) -> None:
    """Names, email and phone given on POST never appear in GET answers."""
    post(http, email="ann@example.org", phone="+447700900123", first_name="Ann", last_name="Smith")
    text = http.get(f"{BASE}/requests.json", params={"jurisdiction_id": "cambridge"}).text
    assert "ann@example.org" not in text and "+447700900123" not in text and "Smith" not in text
