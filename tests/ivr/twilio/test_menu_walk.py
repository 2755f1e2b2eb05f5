"""A scripted walk of every menu path, asserting the humane rules on each TwiML document."""

from __future__ import annotations

import itertools
from urllib.parse import parse_qs, urlparse

import pytest

from assist.ivr.twilio.phone import Heard, SimulatedPhone
from tests.ivr.twilio.conftest import PhoneFactory
from tests.ivr.twilio.rules import check_document, is_gather_entry, option_keys

Input = tuple[str, str]
ANSWERS = {
    "postcode": "CB1 2AD",
    "location": "Mill Road, Cambridge",
    "description": "A deep pothole by the bus stop",
    "reference": "AS-234567",
    "fault": "it is not working",
}
_numbers = itertools.count(100)


def step_of(heard: Heard) -> str:
    assert heard.gather is not None
    return parse_qs(urlparse(heard.gather.action).query).get("step", ["?"])[0]


async def play(phone: SimulatedPhone, inputs: list[Input]) -> list[Heard]:
    heards = [await phone.dial()]
    for kind, value in inputs:
        if kind == "press":
            heards.append(await phone.press(value))
        elif kind == "say":
            heards.append(await phone.say(value))
        else:
            heards.append(await phone.silence())
    return heards


def fresh(phone: PhoneFactory) -> SimulatedPhone:
    return phone(caller=f"+447700900{next(_numbers) % 1000:03d}")


def answer_for(step: str) -> str:
    name = step.split(".", 1)[1]
    return ANSWERS.get(name, "Mill Road, Cambridge")


async def explore(phone: PhoneFactory) -> dict[str, list[Input]]:
    """Every step reachable from the greeting by keys and entries; returns a path to each."""
    paths: dict[str, list[Input]] = {}
    stack: list[list[Input]] = [[]]
    while stack:
        path = stack.pop()
        heards = await play(fresh(phone), path)
        last = heards[-1]
        ending = (
            path[-1:] == [("press", "2")]
            and bool(paths.get("main.anything_else"))
            and path[:-1] == paths["main.anything_else"]
        )
        for heard in heards:
            for doc in heard.documents:
                check_document(doc, hangup_allowed=ending and heard is last)
        if last.state != "listening":
            continue
        step = step_of(last)
        if step in paths or len(path) > 10:
            continue
        paths[step] = path
        if step == "main.anything_else":
            stack.append([*path, ("press", "2")])
            continue
        keys = option_keys(last.said)
        if keys:
            stack.extend([*path, ("press", k)] for k in keys)
        else:
            assert is_gather_entry(last.documents[-1]), f"{step}: no options and not an entry"
            stack.append([*path, ("say", answer_for(step))])
    return paths


@pytest.mark.slow
async def test_every_menu_path_keeps_the_rules_and_zero_reaches_a_person_from_every_gather(
    phone: PhoneFactory,
) -> None:
    """From every Gather on every path, 0 puts the caller in the queue (an Enqueue), and
    every document on the way keeps the rules (options, words, barge-in, no hang-up)."""
    paths = await explore(phone)
    assert {
        "main.menu",
        "main.bins_menu",
        "main.report_menu",
        "main.care_menu",
        "main.other_menu",
        "report_pothole.location",
        "report_pothole.confirm",
        "bin_day.postcode",
        "missed_bin.which_bin",
        "request_status.reference",
        "main.anything_else",
    } <= set(paths)
    for step, path in paths.items():
        heards = await play(fresh(phone), [*path, ("press", "0")])
        last = heards[-1]
        assert last.state == "queued", f"0 at {step} did not reach the queue"
        assert any("<Enqueue" in d for d in last.documents), step
        for doc in last.documents:
            check_document(doc)


@pytest.mark.parametrize(
    "path",
    [[], [("press", "2")], [("press", "2"), ("press", "1")], [("press", "1"), ("press", "1")]],
    ids=["top menu", "report menu", "pothole location", "postcode"],
)
async def test_two_silences_put_the_caller_through_to_a_person(
    phone: PhoneFactory, path: list[Input]
) -> None:
    """Silence once: the options again (never a hang-up); silence twice: the queue."""
    heards = await play(fresh(phone), [*path, ("silence", ""), ("silence", "")])
    once, twice = heards[-2], heards[-1]
    assert once.state == "listening" and once.said, "first silence re-asks"
    for doc in once.documents:
        check_document(doc)
    assert twice.state == "queued"
    assert any("<Enqueue" in d for d in twice.documents)


async def test_the_first_prompt_names_the_council_the_cost_languages_and_menu(
    phone: PhoneFactory,
) -> None:
    """Who you've reached, the call cost and the menu, then the language choice after the
    options (issue 19): separate Says, each within 25 words, all inside the first Gather
    (barge-in)."""
    heard = await fresh(phone).dial()
    doc = heard.documents[0]
    check_document(doc)
    assert doc.index("<Gather") < doc.index("<Say")
    assert heard.said[0].startswith("Hello, you've reached Cambridgeshire councils")
    assert "costs the same as calling an 01 or 02 number" in heard.said[1]
    assert heard.said[2] == "What would you like to do?"
    assert option_keys(heard.said) == ["1", "2", "3", "4"]
    assert option_keys(heard.said[3:7]) == ["1", "2", "3", "4"]
    assert "press 6" in heard.said[7] and "press 0 at any time" in heard.said[7]
    assert heard.gather is not None and heard.gather.num_digits == 1
    assert heard.gather.language == "en-GB" and 'voice="Polly.Amy"' in doc


async def test_options_pause_600ms_and_entries_wait_long_for_relay_callers(
    phone: PhoneFactory,
) -> None:
    """Each option ends in a 600 ms SSML break; entry steps wait 12 s with no numDigits."""
    p = fresh(phone)
    menu = await p.dial()
    assert menu.documents[0].count('<break time="600ms" />') >= 4
    await p.press("2")
    entry = await p.press("1")
    assert entry.gather is not None
    assert entry.gather.timeout >= 10 and entry.gather.num_digits is None
    assert 'finishOnKey="#"' in entry.documents[0]


async def test_universal_keys_repeat_back_slower_and_text_the_menu(
    phone: PhoneFactory, rt: object
) -> None:
    """9 repeats, * goes back, 8 slows every later prompt (prosody 85%), 7 texts the menu."""
    p = fresh(phone)
    first = await p.dial()
    repeat = await p.press("9")
    assert repeat.said[-4:] == first.said[-4:]
    await p.press("2")
    back = await p.press("*")
    assert "What would you like to do?" in back.said
    slow = await p.press("8")
    assert '<prosody rate="85%">' in slow.documents[0]
    assert slow.gather is not None and slow.gather.timeout > 8
    texted = await p.press("7")
    assert any("sent the menu" in s for s in texted.said)
    from assist.service import Service
    from tests.ivr.twilio.conftest import count

    assert isinstance(rt, Service)
    assert (
        await count(
            rt, "SELECT COUNT(*) AS n FROM outbox WHERE kind = 'sms' AND recipient = ?", p.caller
        )
        == 1
    )


async def test_goodbye_is_the_only_way_the_line_hangs_up(phone: PhoneFactory) -> None:
    """After a completed journey and "that's all", the line says goodbye, then Hangup."""
    p = fresh(phone)
    await p.dial()
    await p.press("4")
    done = await p.press("4")  # opening times, then "anything else?"
    assert done.state == "listening"
    bye = await p.press("2")
    assert bye.state == "ended"
    assert bye.said[-1].endswith("Goodbye.")
    check_document(bye.documents[-1], hangup_allowed=True)
