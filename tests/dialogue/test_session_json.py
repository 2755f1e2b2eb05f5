"""`Session.to_json` is written out by hand: it must give exactly what `asdict` gave."""

from __future__ import annotations

import collections
import dataclasses
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from assist.backend_client.protocol import Address
from assist.dialogue.types import Channel, Session, Status


def by_asdict(session: Session) -> dict[str, Any]:
    """The implementation `to_json` replaced."""
    data = dataclasses.asdict(session)
    data["channel"] = session.channel.value
    data["status"] = session.status.value
    return data


texts = st.text(max_size=12)
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(texts, inner, max_size=4)
        | st.tuples(inner, inner)
    ),
    max_leaves=20,
)
odd_values = st.builds(
    Address, texts, texts, texts, texts, st.none() | st.floats(allow_nan=False)
) | st.builds(lambda d: collections.OrderedDict(d), st.dictionaries(texts, scalars, max_size=3))
actions = st.lists(st.dictionaries(texts, json_values, max_size=4), max_size=3)
sessions = st.builds(
    Session,
    id=texts,
    channel=st.sampled_from(Channel),
    sender=texts,
    language=st.sampled_from(["en", "pl", "lt", "ro", "pt"]),
    language_chosen=st.booleans(),
    flow=texts,
    step=texts,
    slots=st.dictionaries(texts, json_values | odd_values, max_size=6),
    misses=st.integers(0, 9),
    low_confidence=st.integers(0, 9),
    history=st.lists(texts, max_size=5),
    slow=st.booleans(),
    status=st.sampled_from(Status),
    intent=st.none() | texts,
    last_actions=actions,
    refs=st.lists(texts, max_size=3),
    turns=st.integers(0, 10_000),
    resumed=st.booleans(),
    degraded=st.booleans(),
    created_at=st.floats(0, 2e9),
    updated_at=st.floats(0, 2e9),
)


@settings(max_examples=300, deadline=None)
@given(sessions)
def test_to_json_is_what_asdict_gave(session: Session) -> None:
    """Same keys in the same order, same values and types, and the same stored text."""
    data = session.to_json()
    expected = by_asdict(session)
    assert data == expected
    assert list(data) == list(expected)
    assert repr(data) == repr(expected)  # types too (tuples stay tuples, dicts stay dicts)


@settings(max_examples=200, deadline=None)
@given(sessions.filter(lambda s: all(type(v) is not Address for v in s.slots.values())))
def test_round_trip_equals_asdicts(session: Session) -> None:
    """Through JSON and back gives what the asdict version gave, and to_json again the same."""
    stored = json.dumps(session.to_json())
    assert stored == json.dumps(by_asdict(session))
    back = Session.from_json(json.loads(stored))
    assert back.to_json() == by_asdict(back) == json.loads(stored)
    assert back.channel is session.channel and back.status is session.status


@given(sessions)
def test_to_json_copies_containers(session: Session) -> None:
    """Changing the session afterwards does not change a dict already made (as asdict)."""
    data = session.to_json()
    before = repr(data)
    session.slots["added"] = 1
    session.history.append("x.y")
    session.refs.append("AS-1")
    for action in session.last_actions:
        action["added"] = 1
    for value in session.slots.values():
        if isinstance(value, list):
            value.append(1)
        elif isinstance(value, dict):
            value["added"] = 1
    assert repr(data) == before


def test_unknown_keys_ignored_and_status_defaults() -> None:
    """Keys from a newer version are ignored; a missing status is active."""
    data = Session("s1", Channel.SMS, "+447700900001").to_json()
    data["from_the_future"] = True
    del data["status"]
    back = Session.from_json(data)
    assert back.status is Status.ACTIVE and back.id == "s1" and back.channel is Channel.SMS
