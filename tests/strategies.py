"""Hypothesis strategies shared by the test suite."""

from __future__ import annotations

from hypothesis import strategies as st

from assist.backend_client.protocol import REPORT_SERVICES, Address, ReportRequest
from assist.dialogue.types import Channel

KEYS = st.sampled_from(list("0123456789*#"))
PHRASES = st.sampled_from(
    [
        "when is my bin collected",
        "my bin was missed",
        "pothole",
        "yes",
        "no",
        "CB1 2AD",
        "CB7 4AA",
        "SW1A 1AA",
        "1",
        "2",
        "blue",
        "Mill Road, Cambridge",
        "repeat",
        "back",
        "start again",
        "slower",
        "Polski",
        "bye",
        "what",
        "",
        "   ",
        "AS-ABCDEF",
        "12345",
        "my mum's carer hurts her",
        "council tax",
        "text me the menu",
        "ąęłńóśźż",
        "<script>",
        "a" * 5000,
    ]
)
INPUT = st.one_of(
    st.tuples(st.just("digits"), KEYS),
    st.tuples(st.just("text"), PHRASES),
    st.tuples(st.just("text"), st.text(max_size=60)),
    st.tuples(st.just("silence"), st.just("")),
)
CHANNELS = st.sampled_from([Channel.VOICE, Channel.SMS, Channel.WEB, Channel.TERMINAL])

_TEXT = st.text(max_size=30)
_COORD = st.none() | st.floats(-90, 90, allow_nan=False, allow_infinity=False)
ADDRESSES = st.builds(
    Address,
    id=_TEXT,
    line=_TEXT,
    postcode=_TEXT,
    district=_TEXT,
    lat=_COORD,
    long=_COORD,
)
REPORTS = st.builds(
    ReportRequest,
    service=st.sampled_from(sorted(REPORT_SERVICES)),
    description=_TEXT,
    assist_ref=_TEXT,
    address=st.none() | ADDRESSES,
    location_text=st.none() | _TEXT,
    lat=_COORD,
    long=_COORD,
    attributes=st.dictionaries(_TEXT, _TEXT, max_size=3),
    phone=st.none() | _TEXT,
    first_name=st.none() | _TEXT,
    last_name=st.none() | _TEXT,
)
"""Problem reports as the assistant or staff might file them (any text, any place)."""

FOLDABLE = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="aąćęłńóśźżėįšųūžčăâîșțãõçáéíóúàêôßøæœđı'’‘ʼ -_.!?İǅℌŉ", max_size=40),
    PHRASES,
)
"""Text for `fold`: anything, and text dense in diacritics, apostrophes and odd capitals."""
APOSTROPHES = st.sampled_from(["'", "’", "‘", "ʼ", ""])
"""The apostrophes people type (straight, curly, modifier) and none at all."""
