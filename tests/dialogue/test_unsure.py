"""Confirm when unsure: a long or low-margin classification is asked about before it is
followed; safeguarding and urgent words never are."""

from __future__ import annotations

from assist.dialogue.engine import Engine
from assist.dialogue.nlu import Classification
from assist.dialogue.types import Channel, Priority, Session

from .helpers import asks, handoff, new_session, say, texts

RAMBLE = (
    "erm so basically the bin men didnt come this week and the black one is still sat "
    "outside my house on the road"
)


class Scripted:
    """A classifier that answers every utterance with one classification."""

    def __init__(self, c: Classification) -> None:
        self.c = c

    async def classify(self, text: str, language: str | None = None) -> Classification:
        """The scripted classification, whatever the text."""
        return self.c


def scripted(engine: Engine, c: Classification) -> Engine:
    """The engine with a scripted classifier."""
    return Engine(engine.flows, engine.prompts, Scripted(c), engine.services, engine.config)


async def started(engine: Engine, language: str = "en") -> Session:
    """A web chat at the main menu."""
    s = new_session(Channel.WEB)
    s.language = language
    await engine.start(s)
    return s


async def test_low_margin_asks_before_following(engine: Engine) -> None:
    """Two close intents: "It sounds like this is about a missed bin. Is that right?"."""
    e = scripted(
        engine,
        Classification("missed_bin", 0.55, ranking=(("missed_bin", 0.55), ("bin_day", 0.45))),
    )
    s = await started(e)
    actions = await say(e, s, "the bin thing")
    assert asks(actions)[-1].text == "It sounds like this is about a missed bin. Is that right?"
    assert [o.key for o in asks(actions)[-1].options] == ["1", "2"]
    assert handoff(actions) is None
    await say(e, s, "yes")
    assert s.position == "missed_bin.postcode"


async def test_no_offers_the_menu_and_a_person(engine: Engine) -> None:
    """No to the guess: sorry, the menu, and a person one word away."""
    e = scripted(
        engine,
        Classification("bin_day", 0.5, ranking=(("bin_day", 0.5), ("missed_bin", 0.3))),
    )
    s = await started(e)
    await say(e, s, RAMBLE)
    actions = await say(e, s, digits="2")
    assert "ask for a person" in texts(actions)
    assert s.position == "main.menu"
    assert asks(actions)[-1].text == "What would you like to do?"
    h = handoff(await say(e, s, digits="0"))
    assert h is not None


async def test_long_not_quite_sure_is_confirmed_with_the_real_classifier(engine: Engine) -> None:
    """A long rambling sentence the classifier is not sure of is confirmed, not followed."""
    s = await started(engine)
    actions = await say(engine, s, RAMBLE)
    assert s.flow == "_unsure"
    assert asks(actions)[-1].text.startswith("It sounds like this is about")


async def test_sure_and_short_goes_straight_on(engine: Engine) -> None:
    """A clear request is not asked about."""
    s = await started(engine)
    await say(engine, s, "when is my bin day")
    assert s.position == "bin_day.postcode"


async def test_asked_in_the_citizens_language(engine: Engine) -> None:
    """The question is asked in the conversation's language."""
    e = scripted(
        engine,
        Classification("missed_bin", 0.5, ranking=(("missed_bin", 0.5), ("bin_day", 0.4))),
    )
    s = await started(e, "pl")
    actions = await say(e, s, "coś z koszem chyba")
    assert asks(actions)[-1].text == "Rozumiem, że chodzi o: Niezabrany pojemnik. Czy tak?"
    await say(e, s, "tak")
    assert s.position == "missed_bin.postcode"


async def test_safeguarding_is_never_asked_about(engine: Engine) -> None:
    """Low-margin safeguarding goes straight to the urgent person queue."""
    e = scripted(
        engine,
        Classification(
            "safeguarding", 0.5, ranking=(("safeguarding", 0.5), ("adult_social_care", 0.45))
        ),
    )
    s = await started(e)
    actions = await say(e, s, "i am worried about the children next door, they are always crying")
    h = handoff(actions)
    assert h is not None and h.priority == Priority.URGENT
    assert not any("sounds like" in a.text for a in asks(actions))


async def test_something_else_while_asked_is_answered_where_they_were(engine: Engine) -> None:
    """Answering the question with a new request is taken as that request."""
    s = await started(engine)
    await say(engine, s, RAMBLE)
    assert s.flow == "_unsure"
    await say(engine, s, "when is my bin day")
    assert s.position == "bin_day.postcode"
