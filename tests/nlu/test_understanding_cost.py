"""Keys and listed options never reach the classifier (nor Rasa): only free words are read."""

from __future__ import annotations

import datetime as dt

from assist.backend_client.memory import InMemoryCouncilServices
from assist.dialogue.engine import Engine, EngineConfig
from assist.dialogue.nlu import Classification
from assist.dialogue.testing import TableClassifier
from assist.service import Dialogue
from tests.dialogue.helpers import new_session, say, texts


class Counting:
    """The in-process classifier, counting what it is asked to read."""

    def __init__(self, inner: TableClassifier) -> None:
        self.inner = inner
        self.read: list[str] = []

    async def classify(self, text: str, language: str | None = None) -> Classification:
        self.read.append(text)
        return await self.inner.classify(text, language)


async def test_keys_and_listed_options_are_not_classified(dialogue: Dialogue) -> None:
    """A bin-day journey by keys, a typed menu label and a typed yes: no classification; a
    free sentence: one."""
    counting = Counting(TableClassifier({"pothole": "report_pothole"}))
    engine = Engine(
        dialogue.flows,
        dialogue.prompts,
        counting,
        InMemoryCouncilServices(today=dt.date(2026, 11, 30)),
        EngineConfig(),
        today=lambda: dt.date(2026, 11, 30),
    )
    session = new_session()
    await engine.start(session)
    await say(engine, session, digits="1")  # bins and recycling
    await say(engine, session, text="Your collection day")  # a listed option, typed
    await say(engine, session, text="CB1 2AD")  # a postcode where one is asked
    out = await say(engine, session, digits="1")  # the first address
    assert "black bin" in texts(out).lower()
    await say(engine, session, text="no")  # no reminder, typed
    assert counting.read == []
    await say(engine, session, text="yes")  # anything else? yes: the main menu
    await say(engine, session, text="there is a pothole outside my house")
    assert counting.read == ["there is a pothole outside my house"]
