"""Helpers for driving the engine in tests."""

from __future__ import annotations

from assist.dialogue.engine import Engine
from assist.dialogue.types import Action, Ask, Channel, HandOff, Inbound, Say, Session


def new_session(channel: Channel = Channel.TERMINAL, sender: str = "tester") -> Session:
    """A fresh session."""
    return Session(id="s1", channel=channel, sender=sender)


async def say(
    engine: Engine,
    session: Session,
    text: str | None = None,
    digits: str | None = None,
    silence: bool = False,
) -> list[Action]:
    """One turn with typed text, keys, or silence."""
    channel = session.channel
    return await engine.turn(
        session, Inbound(channel, session.sender, text=text, digits=digits, silence=silence)
    )


def asks(actions: list[Action]) -> list[Ask]:
    """The questions in a turn's actions."""
    return [a for a in actions if isinstance(a, Ask)]


def texts(actions: list[Action]) -> str:
    """Everything said or asked, joined."""
    return " | ".join(a.text for a in actions if isinstance(a, Say | Ask))


def handoff(actions: list[Action]) -> HandOff | None:
    """The hand-off in a turn, if any."""
    return next((a for a in actions if isinstance(a, HandOff)), None)
