"""The report outbox payload: built in one place, read back by the delivery handler."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from assist.backend_client.protocol import Address, ReportRequest
from assist.backend_client.reports import report_from_payload, report_payload
from tests.strategies import REPORTS

MILL_ROAD = Address("cam-1", "12 Mill Road, Cambridge", "CB1 2AD", "cambridge", 52.2, 0.13)


@given(
    REPORTS,
    st.none() | st.text(max_size=20),
    st.sampled_from(["voice", "sms", "web", "terminal"]),
    st.sampled_from(["en", "pl", "lt", "ro", "pt"]),
)
def test_payload_round_trips_through_json(
    report: ReportRequest, session_id: str | None, channel: str, language: str
) -> None:
    """Any report comes back unchanged from its payload, after the outbox's JSON."""
    payload = report_payload(report, session_id=session_id, channel=channel, language=language)
    assert report_from_payload(json.loads(json.dumps(payload))) == report


def test_payload_names_the_conversation() -> None:
    """The payload has the report's fields, the address as a dict, and the conversation."""
    report = ReportRequest(
        "missed_bin",
        "Missed blue bin",
        "AS-7K3QF2",
        address=MILL_ROAD,
        lat=52.2,
        long=0.13,
        attributes={"bin": "blue"},
        phone="+447700900123",
    )
    payload = report_payload(report, session_id="s1", channel="sms", language="pl")
    assert payload == {
        "service": "missed_bin",
        "description": "Missed blue bin",
        "assist_ref": "AS-7K3QF2",
        "location_text": None,
        "lat": 52.2,
        "long": 0.13,
        "attributes": {"bin": "blue"},
        "phone": "+447700900123",
        "address": {
            "id": "cam-1",
            "line": "12 Mill Road, Cambridge",
            "postcode": "CB1 2AD",
            "district": "cambridge",
            "lat": 52.2,
            "long": 0.13,
        },
        "session_id": "s1",
        "channel": "sms",
        "language": "pl",
    }
