"""Flow files: the YAML schema for conversations, loaded with file:line errors.

A flow is a map from step name to step (python-telegram-bot's ConversationHandler is the
model). Step types:

    menu      a question with up to four options; free words are classified into an intent
    collect   ask for one value (postcode, reference, free text, mobile) into a slot
    address   choose an address at the postcode collected earlier
    confirm   read back what was collected; yes goes on, no goes back
    action    call the council back end (lookups now, writes through the outbox)
    say       tell something, then go on
    handoff   put the citizen through to a person
    end       say goodbye and finish

Targets: `goto: step` (same flow), `goto: flow.step`, or `goto: flow` (its start step).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assist.dialogue.calls import CALLS

StepType = Literal["menu", "collect", "address", "confirm", "action", "say", "handoff", "end"]
EXPECTS = ("text", "postcode", "reference", "mobile")
"""`mobile`: a UK mobile to text; on the phone and by SMS the citizen's own number, not asked."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OptionSpec(_Model):
    """One menu option: a key, a task-first label (prompt key) and where it leads."""

    key: str = Field(pattern=r"^[1-7]$")
    label: str
    goto: str | None = None
    handoff: bool = False
    intents: tuple[str, ...] = ()
    """Intents (from SERVICES.md) that choose this option when said in the citizen's words."""
    words: tuple[str, ...] = ()
    """Extra words that choose this option (speech hints and exact matches)."""
    set: dict[str, str] = Field(default_factory=dict)
    """Slots to set when chosen."""

    @field_validator("words")
    @classmethod
    def _printable(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if any(not w.isprintable() for w in v):
            raise ValueError("words must be printable text (no control characters)")
        return v


class StepSpec(_Model):
    """One step of a flow; which fields apply depends on `type` (see the module docstring)."""

    type: StepType
    prompt: str | None = None
    options: tuple[OptionSpec, ...] = ()
    slot: str | None = None
    expect: str | None = None
    next: str | None = None
    on_no: str | None = None
    call: str | None = None
    on_error: str | None = None
    reason: str | None = None
    priority: Literal["normal", "high", "urgent"] = "normal"
    skill: str | None = None
    service: str | None = None
    topic: str | None = None

    @field_validator("expect")
    @classmethod
    def _expect(cls, v: str | None) -> str | None:
        if v is not None and v not in EXPECTS:
            raise ValueError(f"expect must be one of {EXPECTS}")
        return v

    @field_validator("call")
    @classmethod
    def _call(cls, v: str | None) -> str | None:
        if v is not None and v not in CALLS:
            raise ValueError(f"call must be one of {tuple(sorted(CALLS))}")
        return v

    def targets(self) -> list[str]:
        """Every target this step can lead to (for reachability checks)."""
        out = [t for t in (self.next, self.on_no, self.on_error) if t]
        out += [o.goto for o in self.options if o.goto]
        return out


class FlowSpec(_Model):
    """A whole flow: its name, the intents that start it, its first step and its steps."""

    flow: str = Field(pattern=r"^[a-z_]+$")
    intents: tuple[str, ...] = ()
    start: str
    steps: dict[str, StepSpec]


@dataclass(frozen=True)
class FlowProblem:
    """A problem found while loading or linting, located in a file."""

    file: str
    line: int
    step: str
    message: str

    def __str__(self) -> str:
        where = f" step {self.step}:" if self.step else ""
        return f"{self.file}:{self.line}:{where} {self.message}"


class FlowError(Exception):
    """Flow files are invalid; `problems` says where and why."""

    def __init__(self, problems: list[FlowProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class LoadedFlow:
    """A validated flow with where it came from (for error messages)."""

    spec: FlowSpec
    file: str
    lines: dict[tuple[str, ...], int]

    def line_of(self, *path: str) -> int:
        """The line of a path (e.g. ("steps", "menu")) in the file, or of its nearest parent."""
        p = tuple(path)
        while p and p not in self.lines:
            p = p[:-1]
        return self.lines.get(p, 1)


class FlowSet:
    """All flows by name, with lookups the engine needs."""

    def __init__(self, flows: Iterable[LoadedFlow]) -> None:
        self.flows: dict[str, LoadedFlow] = {}
        for f in flows:
            self.flows[f.spec.flow] = f
        self.by_intent: dict[str, str] = {}
        for name, f in self.flows.items():
            for intent in f.spec.intents:
                self.by_intent[intent] = name

    def step(self, flow: str, step: str) -> StepSpec:
        """The step; raises KeyError if it does not exist."""
        return self.flows[flow].spec.steps[step]

    def resolve(self, current_flow: str, target: str) -> tuple[str, str]:
        """Turn a target (`step`, `flow.step` or `flow`) into (flow, step); KeyError if none."""
        if "." in target:
            flow, step = target.split(".", 1)
        elif target in self.flows[current_flow].spec.steps:
            flow, step = current_flow, target
        else:
            flow, step = target, self.flows[target].spec.start
        self.step(flow, step)
        return flow, step


def _line_map(node: yaml.Node, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], int]:
    lines = {path: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = str(k.value)
            lines[(*path, key)] = k.start_mark.line + 1
            lines.update(
                {p: ln for p, ln in _line_map(v, (*path, key)).items() if p != (*path, key)}
            )
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            lines.update(_line_map(v, (*path, str(i))))
    return lines


def load_flow_file(path: Path) -> LoadedFlow:
    """Load and validate one flow file; raises FlowError with file:line problems."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise FlowError([FlowProblem(name, line, "", f"not valid YAML: {exc}")]) from exc
    if node is None or not isinstance(data, dict):
        raise FlowError([FlowProblem(name, 1, "", "a flow file must be a mapping")])
    lines = _line_map(node)
    try:
        spec = FlowSpec.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(str(x) for x in err["loc"])
            p = loc
            while p and p not in lines:
                p = p[:-1]
            step = loc[1] if len(loc) > 1 and loc[0] == "steps" else ""
            problems.append(
                FlowProblem(name, lines.get(p, 1), step, f"{'.'.join(loc)}: {err['msg']}")
            )
        raise FlowError(problems) from exc
    return LoadedFlow(spec, name, lines)


def load_flows(directory: Path) -> FlowSet:
    """Load every `*.yaml` flow in a directory and check cross-references.

    Raises FlowError listing every problem found (all files are read before raising).
    """
    problems: list[FlowProblem] = []
    loaded: list[LoadedFlow] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            loaded.append(load_flow_file(path))
        except FlowError as exc:
            problems += exc.problems
    if problems:
        raise FlowError(problems)
    flows = FlowSet(loaded)
    problems += check_references(flows)
    if problems:
        raise FlowError(problems)
    return flows


def check_references(flows: FlowSet) -> list[FlowProblem]:
    """Problems with targets that point nowhere and starts that do not exist."""
    problems = []
    for lf in flows.flows.values():
        spec = lf.spec
        if spec.start not in spec.steps:
            problems.append(
                FlowProblem(
                    lf.file, lf.line_of("start"), "", f"start step {spec.start!r} does not exist"
                )
            )
        for name, step in spec.steps.items():
            for target in step.targets():
                try:
                    flows.resolve(spec.flow, target)
                except KeyError:
                    problems.append(
                        FlowProblem(
                            lf.file,
                            lf.line_of("steps", name),
                            name,
                            f"target {target!r} does not exist",
                        )
                    )
    return problems


def dump_flow(spec: FlowSpec) -> str:
    """YAML text for a flow, loadable again by `load_flow_file` to an equal spec."""
    data: dict[str, Any] = spec.model_dump(mode="json", exclude_defaults=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
