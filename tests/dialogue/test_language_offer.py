"""The session's language holds: a switch is offered for a clear sentence, never imposed."""

from __future__ import annotations

import datetime as dt

import pytest

from assist.backend_client.memory import InMemoryCouncilServices
from assist.dialogue.engine import Engine, EngineConfig
from assist.dialogue.language import detect_language
from assist.dialogue.types import Channel, Session
from assist.service import Dialogue

from .helpers import asks, handoff, new_session, say, texts

LANGUAGES = ("en", "pl", "lt", "ro", "pt")


@pytest.fixture
def detecting(dialogue: Dialogue, council: InMemoryCouncilServices) -> Engine:
    """The engine as the service builds it: with the language detector."""
    return Engine(
        dialogue.flows,
        dialogue.prompts,
        dialogue.fallback,
        council,
        EngineConfig(),
        detect_language=lambda text: detect_language(text, LANGUAGES),
        today=lambda: dt.date(2026, 11, 30),
    )


async def started(engine: Engine, language: str = "en") -> Session:
    """A web chat opened in a browser set to `language`."""
    s = new_session(Channel.WEB)
    s.language = language
    await engine.start(s)
    return s


@pytest.mark.parametrize(
    "words",
    ["adult social care", "asdkjh qwe zzz", "council tax", "Mill Road", "pomoc", "ok"],
)
async def test_service_words_typos_and_single_words_keep_the_language(
    detecting: Engine, words: str
) -> None:
    """The chat cases: "adult social care" and "asdkjh qwe zzz" in an English browser keep
    English (no Romanian, no Polish), and offer no switch."""
    s = await started(detecting)
    actions = await say(detecting, s, words)
    assert s.language == "en"
    assert not s.flow.startswith("_offer")
    h = handoff(actions)
    assert h is None or h.skill != "lang:ro"


@pytest.mark.parametrize(
    ("words", "lang", "question", "keep"),
    [
        (
            "nie zabrali mi śmieci w tym tygodniu",
            "pl",
            "Chcesz rozmawiać po polsku?",
            "No, English",
        ),
        (
            "mano siuksles nebuvo isvezos sia savaite",
            "lt",
            "Ar norite kalbėti lietuviškai?",
            "No, English",
        ),
        (
            "Buna ziua, nu mi-au luat gunoiul saptamana asta",
            "ro",
            "Doriți să continuăm în română?",
            "No, English",
        ),
        (
            "o meu lixo não foi recolhido esta semana",
            "pt",
            "Quer continuar em português?",
            "No, English",
        ),
    ],
)
async def test_a_clear_sentence_in_another_language_offers_it(
    detecting: Engine, words: str, lang: str, question: str, keep: str
) -> None:
    """A clear sentence in another supported language is answered with an offer in that
    language ("1 Tak / 2 No, English"); the language changes only when the citizen says yes."""
    s = await started(detecting)
    actions = await say(detecting, s, words)
    assert s.language == "en"
    offer = asks(actions)[-1]
    assert offer.text == question
    assert [o.key for o in offer.options] == ["1", "2"]
    assert offer.options[1].label == keep
    await say(detecting, s, digits="1")
    assert s.language == lang and s.language_chosen


async def test_yes_switches_and_answers_what_was_written(detecting: Engine) -> None:
    """After "Tak" the sentence that prompted the offer is answered, in Polish."""
    s = await started(detecting)
    await say(detecting, s, "nie zabrali mi śmieci w tym tygodniu")
    actions = await say(detecting, s, "tak")
    assert s.language == "pl"
    assert "po polsku" in texts(actions)
    # when the classifier is unsure of the sentence it confirms it first, in Polish
    if asks(actions)[-1].text == "Rozumiem, że chodzi o: Niezabrany pojemnik. Czy tak?":
        actions = await say(detecting, s, "tak")
    assert s.position == "missed_bin.postcode"
    assert asks(actions)[-1].text == detecting.prompts.get("pl", "bins.ask_postcode")


async def test_no_keeps_the_language_answers_and_never_asks_again(detecting: Engine) -> None:
    """ "No, English" keeps English, answers the sentence, and is not offered again."""
    s = await started(detecting)
    await say(detecting, s, "nie zabrali mi śmieci w tym tygodniu")
    actions = await say(detecting, s, digits="2")
    assert s.language == "en" and s.language_chosen
    # when the classifier is unsure of the sentence it confirms it first
    if asks(actions)[-1].text == "It sounds like this is about a missed bin. Is that right?":
        actions = await say(detecting, s, digits="1")
    assert s.position == "missed_bin.postcode"
    assert asks(actions)[-1].text == "What's your postcode?"
    await say(detecting, s, "start again")
    again = await say(detecting, s, "nie zabrali mi śmieci w tym tygodniu")
    assert s.language == "en"
    assert not any(a.text == "Chcesz rozmawiać po polsku?" for a in asks(again))


async def test_a_polish_browser_keeps_polish_for_english_service_words(detecting: Engine) -> None:
    """A Polish browser's chat stays Polish when the citizen types "council tax"."""
    s = await started(detecting, "pl")
    await say(detecting, s, "council tax")
    assert s.language == "pl"


async def test_english_sentence_in_a_polish_chat_offers_english(detecting: Engine) -> None:
    """A clear English sentence in a Polish chat offers English, in English."""
    s = await started(detecting, "pl")
    actions = await say(detecting, s, "my bin was not collected this week")
    offer = asks(actions)[-1]
    assert offer.text == "Would you like to carry on in English?"
    assert offer.options[1].label == "Nie, po polsku"
    assert s.language == "pl"
