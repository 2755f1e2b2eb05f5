"""The registry of back-end calls matches what flows use, and flows are checked against it."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest
import yaml

from assist.dialogue.calls import CALLS, HANDLERS
from assist.dialogue.flows import StepSpec

FLOWS = Path(__file__).resolve().parents[2] / "dialogues" / "flows"


def calls_in(node: Any) -> set[str]:
    """Every `call:` value anywhere in a parsed flow file."""
    if isinstance(node, dict):
        found = {str(node["call"])} if "call" in node else set()
        return found.union(*(calls_in(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(calls_in(v) for v in node))
    return set()


def test_every_call_the_flows_make_is_registered() -> None:
    """The `call:` values in dialogues/flows/*.yaml are all names in the registry."""
    used = set().union(
        *(calls_in(yaml.safe_load(p.read_text(encoding="utf-8"))) for p in FLOWS.glob("*.yaml"))
    )
    assert used, "the shipped flows make back-end calls"
    assert used <= CALLS, f"not registered: {sorted(used - CALLS)}"


def test_every_registered_call_has_a_handler() -> None:
    """Each name flows may use maps to an async handler taking the turn and the step."""
    assert set(HANDLERS) == CALLS
    for name in CALLS:
        handler = HANDLERS[name]
        assert inspect.iscoroutinefunction(handler), name
        assert list(inspect.signature(handler).parameters) == ["t", "step"], name


def test_a_flow_with_an_unknown_call_does_not_load() -> None:
    """A step whose `call:` is not registered is refused, naming the calls there are."""
    with pytest.raises(ValueError, match="call must be one of"):
        StepSpec(type="action", call="make_tea", next="done")
    assert StepSpec(type="action", call="bin_day", next="done").call == "bin_day"
