"""Fill what was said: the place, the problem and the bin are taken from the first sentence."""

from __future__ import annotations

import pytest

from assist.dialogue.details import find_place
from assist.dialogue.engine import Engine
from assist.dialogue.types import Action, CallBackend, Channel

from .helpers import asks, new_session, say


def report_of(actions: list[Action]) -> dict[str, object]:
    """The report payload filed in these actions."""
    call = next(a for a in actions if isinstance(a, CallBackend))
    return call.payload


@pytest.mark.parametrize(
    ("words", "place"),
    [
        ("hole in the road outside 41 Mill Road, I nearly came off my bike", "41 Mill Road"),
        ("rubbish dumped near the library on Mill Road, mattresses", "Mill Road"),
        ("pothole at CB1 2AD", "CB1 2AD"),
        ("41a Hills Rd", "41a Hills Rd"),
        ("dziura przed 41 Mill Road", "41 Mill Road"),
        ("lamp out near the school gates", "near the school gates"),
        ("big hole in the road", None),
        ("there's a pothole", None),
    ],
)
def test_the_place_said(words: str, place: str | None) -> None:
    """A house number and street, a postcode or a landmark is the place; "the road" is not."""
    assert find_place(words) == place


async def test_pothole_sentence_fills_location_and_description(engine: Engine) -> None:
    """The chat case: "hole in the road outside 41 Mill Road, I nearly came off my bike" is
    not asked "Where is it?" nor "Tell me about the problem": it goes straight to the
    confirmation, and the council's report keeps "I nearly came off my bike"."""
    s = new_session(Channel.WEB)
    await engine.start(s)
    sentence = "hole in the road outside 41 Mill Road, I nearly came off my bike"
    actions = await say(engine, s, sentence)
    assert s.position == "report_pothole.confirm"
    assert s.slots["location"] == "41 Mill Road"
    assert "Where is it" not in asks(actions)[-1].text
    done = await say(engine, s, digits="1")
    report = report_of(done)
    assert "I nearly came off my bike" in str(report["description"])
    assert report["description"] == sentence


async def test_only_what_is_missing_is_asked(engine: Engine) -> None:
    """A pothole said with no place is asked where, and not what the problem is when the
    sentence already says it."""
    s = new_session(Channel.SMS)
    await engine.start(s)
    await say(engine, s, "theres a massive pothole and my car tyre burst going over it")
    assert s.position == "report_pothole.location"
    await say(engine, s, "Mill Road, Cambridge")
    assert s.position == "report_pothole.confirm"


async def test_missed_bin_colour_is_not_asked_again(engine: Engine) -> None:
    """ "the green one's still sat there full" is a missed green bin: after the address, the
    confirmation, not "Which bin was missed?"; the council gets the citizen's words."""
    s = new_session(Channel.WEB)
    await engine.start(s)
    await say(engine, s, "erm the green bin's still sat there full, they never came")
    assert s.slots.get("bin") == "green"
    await say(engine, s, "cb1 2ad")
    actions = await say(engine, s, digits="1")
    assert s.position == "missed_bin.confirm"
    assert "green bin" in asks(actions)[-1].text
    report = report_of(await say(engine, s, digits="1"))
    assert "they never came" in str(report["description"])


async def test_no_at_the_confirmation_forgets_what_was_heard(engine: Engine) -> None:
    """Saying no at the confirmation asks for the place again instead of reusing it."""
    s = new_session(Channel.WEB)
    await engine.start(s)
    await say(engine, s, "hole in the road outside 41 Mill Road, I nearly came off my bike")
    actions = await say(engine, s, digits="2")
    assert s.position == "report_pothole.location"
    assert "location" not in s.slots and "description" not in s.slots
    assert asks(actions)[-1].text.startswith("Where is it")


async def test_streetlight_keeps_the_citizens_words_with_the_fault(engine: Engine) -> None:
    """A street light's fault is still chosen, and the citizen's sentence stays with it."""
    s = new_session(Channel.WEB)
    await engine.start(s)
    await say(engine, s, "the street light outside 12 Hills Road keeps going off and on")
    assert s.slots["location"] == "12 Hills Road"
    assert s.position == "report_streetlight.fault"
    await say(engine, s, digits="2")
    assert s.position == "report_streetlight.confirm"
    assert "keeps going off and on" in s.slots["description"]
