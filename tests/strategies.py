"""Hypothesis strategies shared by the test suite."""

from __future__ import annotations

from hypothesis import strategies as st

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
