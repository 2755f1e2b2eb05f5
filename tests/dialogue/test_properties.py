"""Properties of the engine over any input, and of flow files over load/dump."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assist.backend_client.memory import InMemoryCouncilServices
from assist.dialogue.engine import Engine
from assist.dialogue.flows import (
    FlowSpec,
    OptionSpec,
    StepSpec,
    dump_flow,
    load_flow_file,
)
from assist.dialogue.types import Ask, Channel, End, HandOff, Inbound, Session, Status
from assist.service import Dialogue

from ..strategies import CHANNELS, INPUT

REPO = Path(__file__).resolve().parents[2]


def _engine(dialogue: Dialogue) -> Engine:
    return Engine(
        dialogue.flows,
        dialogue.prompts,
        dialogue.fallback,
        InMemoryCouncilServices(today=dt.date(2026, 11, 30)),
        today=lambda: dt.date(2026, 11, 30),
    )


def _inbound(channel: Channel, kind: str, value: str) -> Inbound:
    if kind == "digits":
        return Inbound(channel, "p", digits=value)
    if kind == "silence":
        return Inbound(channel, "p", silence=True)
    return Inbound(channel, "p", text=value)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(channel=CHANNELS, inputs=st.lists(INPUT, max_size=12))
def test_any_input_sequence_ends_in_a_valid_step_or_a_handoff(
    dialogue: Dialogue, channel: Channel, inputs: list[tuple[str, str]]
) -> None:
    """Whatever the citizen does, the engine never raises and always stands somewhere real."""
    engine = _engine(dialogue)
    session = Session("s", channel, "p")

    async def run() -> None:
        await engine.start(session)
        for kind, value in inputs:
            actions = await engine.turn(session, _inbound(channel, kind, value))
            if session.status == Status.ENDED:
                assert isinstance(actions[-1], End)
                break
            if session.status == Status.QUEUED:
                continue
            if session.flow.startswith("_"):
                assert any(isinstance(a, Ask) for a in actions)
                continue
            engine.flows.step(session.flow, session.step)  # the step exists
            assert any(isinstance(a, Ask) for a in actions) or any(
                isinstance(a, HandOff) for a in actions
            ), (session.position, actions)
            for a in actions:
                if isinstance(a, Ask):
                    assert len(a.options) <= 4

    asyncio.run(run())


def _all_steps(dialogue: Dialogue) -> list[tuple[str, str]]:
    return [
        (f, s)
        for f, lf in dialogue.flows.flows.items()
        for s in lf.spec.steps
        if lf.spec.steps[s].type in ("menu", "collect", "confirm", "address")
    ]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.data(),
    person=st.sampled_from(["0", "person", "agent", "human", "operator"]),
    channel=CHANNELS,
)
def test_person_from_any_waiting_step(
    dialogue: Dialogue, data: st.DataObject, person: str, channel: Channel
) -> None:
    """From any step that waits for the citizen, `0` or "person" hands off."""
    flow, step = data.draw(st.sampled_from(_all_steps(dialogue)))
    engine = _engine(dialogue)
    session = Session(
        "s",
        channel,
        "p",
        flow=flow,
        step=step,
        slots={"postcode": "CB1 2AD", "_addresses": [], "_addr_mode": "pick"},
    )
    inbound = (
        Inbound(channel, "p", digits=person)
        if person == "0"
        else Inbound(channel, "p", text=person)
    )
    actions = asyncio.run(engine.turn(session, inbound))
    assert any(isinstance(a, HandOff) for a in actions)
    assert session.status == Status.QUEUED


def test_shipped_flows_round_trip_through_dump_and_load(dialogue: Dialogue, tmp_path: Path) -> None:
    """Every shipped flow dumps to YAML that loads back to an equal flow."""
    for name, lf in dialogue.flows.flows.items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(dump_flow(lf.spec), encoding="utf-8")
        assert load_flow_file(path).spec == lf.spec


NAMES = st.text(alphabet="abcdefghij_", min_size=1, max_size=8)
OPTIONS = st.builds(
    OptionSpec,
    key=st.sampled_from(list("1234567")),
    label=NAMES,
    goto=st.none() | NAMES,
    handoff=st.booleans(),
    intents=st.lists(NAMES, max_size=2).map(tuple),
    words=st.lists(st.text(max_size=10).filter(str.isprintable), max_size=2).map(tuple),
    set=st.dictionaries(NAMES, NAMES, max_size=2),
)
STEPS = st.builds(
    StepSpec,
    type=st.sampled_from(["menu", "collect", "say", "end", "handoff"]),
    prompt=st.none() | NAMES,
    options=st.lists(OPTIONS, max_size=4).map(tuple),
    slot=st.none() | NAMES,
    next=st.none() | NAMES,
    priority=st.sampled_from(["normal", "high", "urgent"]),
)
FLOWS = st.builds(
    FlowSpec,
    flow=NAMES.filter(lambda n: n.strip("_") != ""),
    start=NAMES,
    intents=st.lists(NAMES, max_size=3).map(tuple),
    steps=st.dictionaries(NAMES, STEPS, min_size=1, max_size=4),
)


@settings(max_examples=100, deadline=None)
@given(spec=FLOWS)
def test_any_flow_round_trips_through_dump_and_load(spec: FlowSpec) -> None:
    """Any valid flow spec dumps to YAML that loads back to an equal spec."""
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "f.yaml"
        path.write_text(dump_flow(spec), encoding="utf-8")
        assert load_flow_file(path).spec == spec
