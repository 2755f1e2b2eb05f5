"""The conversation engine: universal commands, flows, misses and hand-offs."""

from __future__ import annotations

import pytest

from assist.backend_client.memory import InMemoryCouncilServices
from assist.dialogue.engine import Engine
from assist.dialogue.references import find_postcode, find_reference, spoken_reference
from assist.dialogue.render import voice_segments, words
from assist.dialogue.types import CallBackend, Channel, End, Priority, SendSms, Status

from .helpers import asks, handoff, new_session, say, texts


async def test_greeting_names_council_cost_and_asks_top_menu(engine: Engine) -> None:
    """A call is greeted with who you've reached, the call cost and at most four tasks."""
    s = new_session(Channel.VOICE)
    actions = await engine.start(s)
    said = texts(actions)
    assert "Cambridgeshire councils" in said
    assert "costs the same" in said
    menu = asks(actions)[-1]
    assert 1 <= len(menu.options) <= 4
    assert s.position == "main.menu"


async def test_text_channels_are_not_told_call_cost(engine: Engine) -> None:
    """Call cost is a phone matter: web and SMS greetings leave it out."""
    actions = await engine.start(new_session(Channel.WEB))
    assert "costs" not in texts(actions)


@pytest.mark.parametrize(
    "phrase",
    [
        "0",
        "person",
        "Agent",
        "operator!",
        "human",
        "a real person",
        "człowiek",
        "konsultant",
        "žmogus",
        "operatorius",
        "un om",
        "persoană",
        "pessoa",
        "atendente",
    ],
)
async def test_person_from_the_first_prompt(engine: Engine, phrase: str) -> None:
    """`0` or the word for a person, in any supported language, reaches the queue at once."""
    s = new_session()
    await engine.start(s)
    actions = await say(engine, s, digits=phrase) if phrase == "0" else await say(engine, s, phrase)
    h = handoff(actions)
    assert h is not None and h.reason == "asked_for_person"
    assert s.status == Status.QUEUED


async def test_one_silence_reprompts_differently_second_goes_to_person(engine: Engine) -> None:
    """Silence is answered once with different words; the second silence reaches a person."""
    s = new_session(Channel.VOICE)
    first = asks(await engine.start(s))[-1]
    again = await say(engine, s, silence=True)
    assert handoff(again) is None
    assert "Sorry" in texts(again)
    assert asks(again)[-1].text == first.text
    assert not any(isinstance(a, End) for a in again)
    second = await say(engine, s, silence=True)
    h = handoff(second)
    assert h is not None and h.reason == "not_understood"
    assert not any(isinstance(a, End) for a in second)


async def test_wrong_key_twice_goes_to_person(engine: Engine) -> None:
    """A key that is not an option counts as a miss, like silence."""
    s = new_session(Channel.VOICE)
    await engine.start(s)
    assert handoff(await say(engine, s, digits="5")) is None
    assert handoff(await say(engine, s, digits="5")) is not None


async def test_repeat_says_the_last_question_again(engine: Engine) -> None:
    """`9` or "repeat" says the same thing again without moving."""
    s = new_session(Channel.VOICE)
    await engine.start(s)
    await say(engine, s, digits="1")
    before = s.position
    again = await say(engine, s, digits="9")
    assert s.position == before
    assert asks(again)[-1].text == "What do you need to know about your bins?"
    assert asks(await say(engine, s, "say that again"))[-1].text == asks(again)[-1].text


async def test_back_returns_to_the_previous_step(engine: Engine) -> None:
    """`*` goes back one step; at the top it says so and asks again."""
    s = new_session(Channel.VOICE)
    await engine.start(s)
    await say(engine, s, digits="2")
    assert s.position == "main.report_menu"
    await say(engine, s, digits="*")
    assert s.position == "main.menu"
    top = await say(engine, s, digits="*")
    assert "start already" in texts(top)


async def test_start_again_forgets_details(engine: Engine) -> None:
    """ "start again" returns to the top menu with nothing collected."""
    s = new_session()
    await engine.start(s)
    await say(engine, s, "when is my bin collected")
    await say(engine, s, "CB1 2AD")
    assert s.slots["postcode"] == "CB1 2AD"
    await say(engine, s, "start again")
    assert s.position == "main.menu" and s.slots == {}


async def test_slower_is_remembered(engine: Engine) -> None:
    """`8` slows speech for the rest of the call and repeats the question."""
    s = new_session(Channel.VOICE)
    await engine.start(s)
    actions = await say(engine, s, digits="8")
    assert s.slow is True
    assert asks(actions)


async def test_bin_day_by_keys(engine: Engine) -> None:
    """Keys alone complete a bin-day enquiry, with the next collections read out."""
    s = new_session(Channel.VOICE)
    await engine.start(s)
    await say(engine, s, digits="1")
    ask = asks(await say(engine, s, digits="1"))[-1]
    assert ask.expect == "postcode" and ask.entry
    pick = asks(await say(engine, s, "c b 1 2 a d" if False else "CB1 2AD"))[-1]
    assert [o.label for o in pick.options] == ["12 Mill Road, Cambridge", "14 Mill Road, Cambridge"]
    answer = texts(await say(engine, s, digits="2"))
    assert "14 Mill Road" in answer and "black bin Thursday 3 December" in answer


async def test_bin_day_in_own_words_skips_menus(engine: Engine) -> None:
    """Saying what you need goes straight to the task, and a postcode said is not asked again."""
    s = new_session()
    await engine.start(s)
    actions = await say(engine, s, "when do my bins get collected? I'm at CB7 4AA")
    assert s.flow == "bin_day"
    assert "Is it 3 Fore Hill, Ely?" in texts(actions)


async def test_missed_bin_report_goes_to_outbox_with_reference(engine: Engine) -> None:
    """A missed-bin report is an outbox action keyed by a reference the citizen is given."""
    s = new_session(Channel.SMS, "+447700900123")
    await engine.start(s)
    await say(engine, s, "my bin wasn't collected")
    await say(engine, s, "CB1 2AD")
    await say(engine, s, "1")
    await say(engine, s, "blue")
    actions = await say(engine, s, "yes")
    call = next(a for a in actions if isinstance(a, CallBackend))
    assert call.operation == "report" and call.payload["service"] == "missed_bin"
    assert call.payload["attributes"] == {"bin": "blue"}
    assert call.key in texts(actions)
    assert call.payload["phone"] == "+447700900123"


async def test_pothole_report_collects_location_and_description(engine: Engine) -> None:
    """A pothole report asks where and what, reads it back, and files it on yes."""
    s = new_session(Channel.VOICE, "+447700900124")
    await engine.start(s)
    await say(engine, s, "there's a massive pothole on my road")
    assert s.position == "report_pothole.location"
    await say(engine, s, "Mill Road by the library, Cambridge")
    confirm = asks(await say(engine, s, "deep hole, cars swerving round it"))[-1]
    assert "Mill Road by the library" in confirm.text and confirm.expect == "yes_no"
    actions = await say(engine, s, digits="1")
    call = next(a for a in actions if isinstance(a, CallBackend))
    assert call.payload["description"] == "deep hole, cars swerving round it"
    assert "A S, " in texts(actions)  # the reference is spelled out on the phone


async def test_saying_no_at_confirmation_asks_again(engine: Engine) -> None:
    """ "No" at the read-back goes back to correct the details, filing nothing."""
    s = new_session()
    await engine.start(s)
    await say(engine, s, "report a street light")
    await say(engine, s, "outside 4 High Street, Ely")
    await say(engine, s, "1")
    actions = await say(engine, s, "no")
    assert not any(isinstance(a, CallBackend) for a in actions)
    assert s.position == "report_streetlight.location"


async def test_safeguarding_is_urgent_with_999_advice(engine: Engine) -> None:
    """Someone at risk goes to the urgent queue, and is told to call 999 in danger."""
    s = new_session(Channel.VOICE)
    await engine.start(s)
    await say(engine, s, digits="3")
    actions = await say(engine, s, digits="1")
    h = handoff(actions)
    assert h is not None and h.priority == Priority.URGENT and h.skill == "safeguarding"
    assert "999" in texts(actions)


async def test_safeguarding_disclosed_in_a_description_is_not_filed_as_a_report(
    engine: Engine,
) -> None:
    """Free text that reveals someone at risk goes to a person, even mid-report."""
    s = new_session()
    await engine.start(s)
    await say(engine, s, "report fly tipping")
    await say(engine, s, "behind the flats on Arbury Road")
    actions = await say(engine, s, "my neighbour is hitting his children and they are scared")
    h = handoff(actions)
    assert h is not None and h.priority == Priority.URGENT


async def test_unknown_postcode_asked_again_then_person(engine: Engine) -> None:
    """A postcode with no addresses is asked again; twice, a person helps."""
    s = new_session()
    await engine.start(s)
    await say(engine, s, "bin day")
    first = await say(engine, s, "CB99 9ZZ")
    assert "can't find any addresses" in texts(first) and handoff(first) is None
    assert s.position == "bin_day.postcode"
    second = await say(engine, s, "CB98 9ZZ")
    assert handoff(second) is not None


async def test_postcode_outside_area_goes_to_person(engine: Engine) -> None:
    """A postcode outside Cambridgeshire is explained and handed to a person."""
    s = new_session()
    await engine.start(s)
    await say(engine, s, "bin day")
    actions = await say(engine, s, "SW1A 1AA")
    assert "isn't in the area" in texts(actions)
    h = handoff(actions)
    assert h is not None and h.reason == "outside_area"


async def test_back_end_down_offers_a_person(
    engine: Engine, council: InMemoryCouncilServices
) -> None:
    """When the council system is down the citizen is told plainly and offered a person."""
    s = new_session()
    await engine.start(s)
    await say(engine, s, "bin day")
    council.down = True
    actions = await say(engine, s, "CB1 2AD")
    assert "isn't answering" in texts(actions)
    assert s.degraded
    assert handoff(await say(engine, s, "1")) is not None


async def test_status_by_reference(engine: Engine, council: InMemoryCouncilServices) -> None:
    """A report's status is read back by its reference."""
    from assist.backend_client.protocol import ReportRequest

    receipt = await council.create_report(ReportRequest("report_pothole", "hole", "AS-ABCDEF"))
    s = new_session()
    await engine.start(s)
    await say(engine, s, "what's happening with my report")
    actions = await say(engine, s, f"it's {receipt.council_ref}")
    assert "it is open" in texts(actions)


@pytest.mark.parametrize(
    "said",
    ["qq73dram", "it's QQ73DRAM", "my reference is qq73dram.", "q q seven three d r a m"],
)
async def test_status_by_a_council_reference_of_any_shape(
    engine: Engine, council: InMemoryCouncilServices, said: str
) -> None:
    """A council's own reference (letters and digits, any case, typed or spelled out) is
    understood, not met with "Sorry, I didn't catch the reference"."""
    from assist.backend_client.protocol import ReportRequest, ReportStatus

    council.reports["qq73dram"] = (
        ReportRequest("report_pothole", "hole", "AS-QQ73DR"),
        ReportStatus("qq73dram", "open", "report_pothole"),
    )
    s = new_session()
    await engine.start(s)
    await say(engine, s, "what's happening with my report")
    actions = await say(engine, s, said)
    assert "it is open" in texts(actions)
    assert "didn't catch" not in texts(actions)


async def test_status_unknown_reference_is_said_kindly(engine: Engine) -> None:
    """An unknown reference gets a plain answer, not an error."""
    s = new_session()
    await engine.start(s)
    await say(engine, s, "has anything happened with the report I made")
    actions = await say(engine, s, "AS-ZZZZZZ")
    assert "can't find a report" in texts(actions)


async def test_out_of_scope_offers_a_person(engine: Engine) -> None:
    """Something the council doesn't do here is said plainly, with a person offered."""
    s = new_session()
    await engine.start(s)
    actions = await say(engine, s, "can you renew my passport")
    said = texts(actions)
    assert "not something I can help with" in said or "didn't catch" in said


async def test_text_me_the_menu_on_the_phone(engine: Engine) -> None:
    """`7` on the phone texts the whole menu map and asks the question again."""
    s = new_session(Channel.VOICE, "+447700900125")
    await engine.start(s)
    actions = await say(engine, s, digits="7")
    sms = next(a for a in actions if isinstance(a, SendSms))
    assert sms.to == "+447700900125"
    assert "1 Bins" in sms.text and "21 " in sms.text.replace("  ", "") and "0 a person" in sms.text
    assert asks(actions)


async def test_goodbye_ends_politely(engine: Engine) -> None:
    """Finishing says goodbye and ends; it is the only way the engine ends a call."""
    s = new_session(Channel.VOICE)
    await engine.start(s)
    await say(engine, s, digits="4")
    await say(engine, s, digits="4")  # opening times
    actions = await say(engine, s, digits="2")  # nothing else
    assert isinstance(actions[-1], End)
    assert "Goodbye" in texts(actions)
    assert s.status == Status.ENDED


async def test_very_long_description_is_cut_to_open311_limit(engine: Engine) -> None:
    """A 10,000-character description is accepted and cut to 4,000 characters."""
    s = new_session()
    await engine.start(s)
    await say(engine, s, "report a pothole")
    await say(engine, s, "Station Road, March")
    await say(engine, s, "x " * 5000)
    assert len(s.slots["description"]) <= 4000


async def test_every_spoken_question_is_short(engine: Engine) -> None:
    """Each spoken segment of every question in a walk through the menus is ≤ 25 words."""
    s = new_session(Channel.VOICE)
    actions = await engine.start(s)
    for key in ["1", "*", "2", "*", "3", "*", "4"]:
        for ask in asks(actions):
            for segment in voice_segments(engine.prompts, "en", ask):
                assert words(segment) <= 25, segment
        actions = await say(engine, s, digits=key)


def test_postcodes_and_references_are_recognised() -> None:
    """Postcodes are normalised; Assist and council references are found in speech."""
    assert find_postcode("it's cb12ad thanks") == "CB1 2AD"
    assert find_postcode("PE13 1AB") == "PE13 1AB"
    assert find_postcode("no postcode here") is None
    assert find_reference("as-7k3qf2") == "AS-7K3QF2"
    assert find_reference("the number is 1 0 4 2") == "1042"
    assert spoken_reference("AS-7K3QF2") == "A S, 7, K, 3, Q, F, 2"


async def test_resume_offers_to_carry_on(engine: Engine) -> None:
    """A dropped caller is welcomed back with what they were doing and can carry on."""
    s = new_session(Channel.VOICE)
    await engine.start(s)
    await say(engine, s, "report a pothole")
    await say(engine, s, "Mill Road, Cambridge")
    actions = await engine.resume(s)
    assert "Welcome back" in texts(actions) and "pothole" in texts(actions)
    carried = await say(engine, s, digits="1")
    assert s.position == "report_pothole.description"
    assert asks(carried)
