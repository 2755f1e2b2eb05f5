"""Urgent words at any step, in five languages: a person now, or 999 in an emergency."""

from __future__ import annotations

import pytest

from assist.dialogue.engine import Engine
from assist.dialogue.types import Channel, Priority, Status
from assist.dialogue.urgent import Urgency, urgency

from .helpers import asks, handoff, new_session, say, texts

URGENT = [
    ("my mum has fallen and nobody is helping", "en"),
    ("my dad had a fall and cant get up", "en"),
    ("mama upadła i nikt nie pomaga", "pl"),
    ("mama upadla i nikt nie pomaga", "pl"),
    ("mama nukrito ir niekas nepadeda", "lt"),
    ("mama a căzut și nu o ajută nimeni", "ro"),
    ("mama a cazut si nu o ajuta nimeni", "ro"),
    ("a minha mãe caiu e ninguém ajuda", "pt"),
    ("a minha mae caiu e ninguem ajuda", "pt"),
]
EMERGENCY = [
    ("my husband is not breathing", "en"),
    ("hes hitting me right now", "en"),
    ("he's hitting me right now", "en"),
    ("tata nie oddycha", "pl"),
    ("on mnie bije", "pl"),
    ("tėtis nekvėpuoja", "lt"),
    ("tetis nekvepuoja", "lt"),
    ("tata nu mai respiră", "ro"),
    ("mă bate acum", "ro"),
    ("o meu pai não respira", "pt"),
    ("o meu pai nao respira", "pt"),
]


@pytest.mark.parametrize(("words", "lang"), URGENT)
def test_urgent_words_in_every_language(words: str, lang: str) -> None:
    """A fall with nobody helping is urgent, written with or without diacritics."""
    assert urgency(words) == (Urgency.URGENT, lang)


@pytest.mark.parametrize(("words", "lang"), EMERGENCY)
def test_emergency_words_in_every_language(words: str, lang: str) -> None:
    """Not breathing or being hit now is an emergency, with or without diacritics."""
    assert urgency(words) == (Urgency.EMERGENCY, lang)


@pytest.mark.parametrize(
    "words",
    [
        "help",
        "my bin has fallen over",
        "the tree has fallen down onto the road",
        "when is my bin day",
        "adult social care",
        "hole in the road outside 41 Mill Road, I nearly came off my bike",
    ],
)
def test_ordinary_words_are_not_urgent(words: str) -> None:
    """A bin or a tree that fell, and ordinary requests, are not urgent."""
    assert urgency(words) is None


async def test_fallen_mum_reaches_a_person_now_from_the_menu(engine: Engine) -> None:
    """The chat case: "my mum has fallen and nobody is helping" is never "I didn't catch
    that": a person at once, at urgent priority, with the citizen's words."""
    s = new_session(Channel.WEB)
    await engine.start(s)
    actions = await say(engine, s, "my mum has fallen and nobody is helping")
    h = handoff(actions)
    assert h is not None and h.reason == "urgent" and h.priority == Priority.URGENT
    assert "didn't catch" not in texts(actions)
    assert "999" in texts(actions)
    assert h.context["details"]["urgent_words"] == "my mum has fallen and nobody is helping"
    assert not asks(actions)
    assert s.status == Status.QUEUED


async def test_emergency_from_the_middle_of_a_report_says_999(engine: Engine) -> None:
    """Half way through reporting a pothole, "he is not breathing" gets 999 and a person now."""
    s = new_session(Channel.SMS)
    await engine.start(s)
    await say(engine, s, digits="2")
    await say(engine, s, digits="1")
    assert s.position == "report_pothole.location"
    actions = await say(engine, s, "my neighbour is not breathing")
    h = handoff(actions)
    assert h is not None and h.reason == "emergency" and h.priority == Priority.URGENT
    assert texts(actions).startswith("Please call 999")


async def test_urgent_words_answered_in_their_own_language(engine: Engine) -> None:
    """Polish urgent words in an English conversation are answered in Polish, at once."""
    s = new_session(Channel.WEB)
    await engine.start(s)
    actions = await say(engine, s, "mama upadla i nikt nie pomaga")
    assert "konsultantem" in texts(actions)
    h = handoff(actions)
    assert h is not None and h.priority == Priority.URGENT
    assert s.language == "pl"


async def test_emergency_while_waiting_is_told_999_and_keeps_its_place(engine: Engine) -> None:
    """Someone already waiting for a person who writes an emergency is told to call 999."""
    s = new_session(Channel.WEB)
    await engine.start(s)
    await say(engine, s, "person")
    assert s.status == Status.QUEUED
    actions = await say(engine, s, "he is hitting me")
    assert handoff(actions) is None
    assert "999" in texts(actions)


@pytest.mark.parametrize("words", ["help", "Help!", "pomocy", "ajutor", "ajuda", "pagalba"])
async def test_help_alone_says_what_we_do_not_the_care_team(engine: Engine, words: str) -> None:
    """ "help" alone is told what Assist does and how to reach a person, and asked again:
    never sent to the care team on a guess."""
    s = new_session(Channel.WEB)
    await engine.start(s)
    actions = await say(engine, s, words)
    assert handoff(actions) is None
    assert s.position == "main.menu"
    assert asks(actions)
