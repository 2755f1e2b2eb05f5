"""What goes into a turn (`Inbound`), what comes out (actions), and the session between turns."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field, fields
from typing import Any


class Channel(enum.StrEnum):
    """Where a conversation happens; adapters render actions for their channel."""

    VOICE = "voice"
    SMS = "sms"
    WEB = "web"
    TERMINAL = "terminal"


class Priority(enum.IntEnum):
    """Queue priority: higher is served first."""

    NORMAL = 0
    HIGH = 1
    URGENT = 2


@dataclass(frozen=True)
class Inbound:
    """One thing the citizen did: typed, pressed, said, or stayed silent."""

    channel: Channel
    """The channel it arrived on."""
    sender: str
    """Who: an E.164 phone number for voice/SMS, a chat id for web, a name for terminal."""
    text: str | None = None
    """Typed text (SMS, chat, terminal)."""
    digits: str | None = None
    """Keys pressed on the phone (DTMF), without the finishing `#`."""
    speech: str | None = None
    """What a speech recogniser heard."""
    confidence: float | None = None
    """The recogniser's confidence in `speech`, 0..1."""
    language_hint: str | None = None
    """A language the channel believes the citizen uses (browser, phone network), or None."""
    silence: bool = False
    """True when the citizen said or pressed nothing before the timeout."""
    origin: str | None = None
    """Where it came from when the sender alone does not say: a web chat client's address.
    Used only to limit how many queue places one source can hold; never shown or logged."""
    shown: str | None = None
    """What the citizen did, in the words they saw, for the record (a button's label, "Asked
    for a person"), when `digits` stand for it; the engine acts on `digits`/`text` alone."""

    @property
    def words(self) -> str | None:
        """The free words of this input (speech or text), stripped, or None."""
        raw = self.speech if self.speech is not None else self.text
        if raw is None:
            return None
        raw = raw.strip()
        return raw or None


@dataclass(frozen=True)
class Option:
    """One menu choice: the key that picks it and a task-first label ("report a problem")."""

    key: str
    label: str
    short: str = ""
    """A shorter label for text messages (empty: use `label`)."""
    language: str = ""
    """The language `label` is in when it is not the conversation's (the language menu offers
    each language in its own words); empty: the conversation's."""


@dataclass(frozen=True)
class Say:
    """Tell the citizen something; no answer expected."""

    text: str
    kind: str = "say"


@dataclass(frozen=True)
class Ask:
    """Ask and wait: a prompt, up to four options, and what kind of answer is expected."""

    text: str
    options: tuple[Option, ...] = ()
    expect: str = "choice"
    """choice | text | postcode | reference | yes_no."""
    entry: bool = False
    """True for steps where the citizen types or says a value (longer timeouts for relay)."""
    step: str = ""
    """`flow.step` this question belongs to (adapters use it for idempotency and hints)."""
    kind: str = "ask"


@dataclass(frozen=True)
class HandOff:
    """Put the citizen in the queue for a person, with everything said so far."""

    reason: str
    priority: Priority = Priority.NORMAL
    skill: str | None = None
    context: dict[str, Any] = field(default_factory=dict)
    kind: str = "handoff"


@dataclass(frozen=True)
class SendSms:
    """Send a text to the citizen (through the outbox, after the turn commits)."""

    to: str
    text: str
    purpose: str = "info"
    kind: str = "sms"


@dataclass(frozen=True)
class CallBackend:
    """A back-end write delivered through the outbox exactly once (e.g. a problem report)."""

    operation: str
    payload: dict[str, Any]
    key: str
    """Idempotency key: the same key is never delivered twice."""
    kind: str = "backend"


@dataclass(frozen=True)
class End:
    """The conversation is over (after a goodbye or a completed journey)."""

    kind: str = "end"


Action = Say | Ask | HandOff | SendSms | CallBackend | End


def action_to_dict(action: Action) -> dict[str, Any]:
    """A JSON-ready dict of an action (web chat and the store use it)."""
    return asdict(action)


def action_from_dict(data: dict[str, Any]) -> Action:
    """Rebuild an action from `action_to_dict` output."""
    kind = data.get("kind")
    d = {k: v for k, v in data.items()}
    if kind == "say":
        return Say(**d)
    if kind == "ask":
        d["options"] = tuple(Option(**o) for o in d.get("options", ()))
        return Ask(**d)
    if kind == "handoff":
        d["priority"] = Priority(d.get("priority", 0))
        return HandOff(**d)
    if kind == "sms":
        return SendSms(**d)
    if kind == "backend":
        return CallBackend(**d)
    if kind == "end":
        return End()
    raise ValueError(f"unknown action kind {kind!r}")


AFTER_A_PERSON = ("main", "anything_else")
"""Where a text conversation carries on when staff close it or hand it back: "Is there
anything else we can help with?", with everything the citizen said still in the session."""


class Status(enum.StrEnum):
    """Where a session stands."""

    ACTIVE = "active"
    QUEUED = "queued"
    WITH_AGENT = "with_agent"
    ENDED = "ended"


@dataclass
class Session:
    """Everything the engine remembers between turns of one conversation."""

    id: str
    channel: Channel
    sender: str
    language: str = "en"
    language_chosen: bool = False
    flow: str = "main"
    step: str = ""
    slots: dict[str, Any] = field(default_factory=dict)
    misses: int = 0
    """Consecutive turns at this step that were not understood (silence, wrong key...)."""
    low_confidence: int = 0
    """Consecutive free-text turns the classifier was unsure about."""
    history: list[str] = field(default_factory=list)
    """Previous `flow.step`s, for `back`."""
    slow: bool = False
    status: Status = Status.ACTIVE
    intent: str | None = None
    last_actions: list[dict[str, Any]] = field(default_factory=list)
    """What the citizen was last told (for `repeat`)."""
    refs: list[str] = field(default_factory=list)
    """References given to the citizen in this conversation."""
    turns: int = 0
    resumed: bool = False
    degraded: bool = False
    """True when the last turn had to use a fallback (NLU or back end unavailable)."""
    created_at: float = 0.0
    updated_at: float = 0.0

    @property
    def position(self) -> str:
        """`flow.step`."""
        return f"{self.flow}.{self.step}"

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of this session: what `dataclasses.asdict` gives (every field in
        order, containers copied), with the channel and status as plain strings. Written out
        because `asdict` was a tenth of a turn's time (tests/dialogue/test_session_json.py
        holds them equal)."""
        data = {name: _copied(getattr(self, name)) for name in _SESSION_FIELDS}
        data["channel"] = self.channel.value
        data["status"] = self.status.value
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Session:
        """Rebuild a session from `to_json` output (unknown keys from newer versions ignored)."""
        known = {k: v for k, v in data.items() if k in _SESSION_NAMES}
        known["channel"] = Channel(known["channel"])
        known["status"] = Status(known.get("status", "active"))
        return cls(**known)


_SESSION_FIELDS = tuple(f.name for f in fields(Session))
_SESSION_NAMES = frozenset(_SESSION_FIELDS)
_PLAIN = (str, int, float, bool, type(None))


@dataclass(frozen=True)
class _Box:
    value: Any


def _copied(value: Any) -> Any:
    """`value` as `dataclasses.asdict` would copy it: plain JSON values by hand (the usual
    case), anything else (dataclasses, named tuples, subclasses...) by `asdict` itself."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:
        return {_copied(k): _copied(v) for k, v in value.items()}
    if kind is list:
        return [_copied(v) for v in value]
    if kind is tuple:
        return tuple(_copied(v) for v in value)
    if isinstance(value, enum.Enum):
        return value  # what deepcopy gives for a member
    return asdict(_Box(value))["value"]
