"""The console speaks plainly: steps, channels, numbers, lines and summaries in words, no ids."""

import re
from pathlib import Path

import pytest

from assist.dialogue.flows import load_flows
from assist.dialogue.prompts import Prompts
from assist.handoff import plain

ROOT = Path(__file__).resolve().parents[2]
PROMPTS = Prompts.load(ROOT / "dialogues" / "prompts")
FLOWS = load_flows(ROOT / "dialogues" / "flows")
ID_LIKE = re.compile(r"[a-z]+[._][a-z_]+|\w+-\d{2,}")


@pytest.mark.parametrize(
    "position",
    sorted(f"{name}.{step}" for name, f in FLOWS.flows.items() for step in f.spec.steps),
)
def test_every_step_of_every_flow_has_words(position: str) -> None:
    """Each step of each flow is described for staff in words (`console.step.<flow>.<step>`),
    never shown as its id."""
    assert PROMPTS.has("en", f"console.step.{position}"), f"no console.step.{position}"
    words = plain.step_words(PROMPTS, position)
    assert words and not ID_LIKE.search(words), words


def test_described_steps_are_real_steps() -> None:
    """No description is left over for a step that no flow has any more."""
    steps = {f"{n}.{s}" for n, f in FLOWS.flows.items() for s in f.spec.steps}
    described = {
        k.removeprefix("console.step.")
        for k in PROMPTS.by_language["en"]
        if k.startswith("console.step.") and k != "console.step.unknown"
    }
    assert described - steps == set()


def test_steps_and_reasons_read_as_words() -> None:
    """A known step reads as the dialogue's words; a hand-off reason as why; anything else as
    general words, never the raw id."""
    assert plain.step_words(PROMPTS, "missed_bin.address") == (
        "choosing their address for a missed bin"
    )
    assert plain.step_words(PROMPTS, "asked_for_person") == "asked for a person"
    assert plain.step_words(PROMPTS, "_language.choose") == "in the conversation"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("+447700900777", "07700 900777"),
        ("07700900777", "07700 900777"),
        ("+442079460018", "020 7946 0018"),
        ("+443450455200", "0345 045 5200"),
        ("+441214960000", "0121 496 0000"),
        ("+441223123456", "01223 123456"),
        ("+48601234567", "+48 601234567"),
        ("RbkQ4XAxbWJ_itTXEiWYyHKq", ""),
        ("", ""),
    ],
)
def test_numbers_are_formatted_for_people(raw: str, shown: str) -> None:
    """Phone numbers are grouped as people write them; a chat id is no number at all."""
    assert plain.phone_number(raw) == shown


def test_web_chats_have_no_number_and_channels_have_names() -> None:
    """A web chat's sender (its chat id) is never shown as a number; channels have names."""
    assert plain.citizen_number("web", "RbkQ4XAxbWJ_itTXEiWYyHKq") == ""
    assert plain.citizen_number("sms", "+447700900777") == "07700 900777"
    assert [plain.channel_name(c) for c in ("web", "sms", "voice")] == [
        "web chat",
        "text message",
        "phone call",
    ]


def test_key_presses_read_as_what_they_meant() -> None:
    """The Talk-to-a-person button (0) reads "asked for a person", other keys "pressed"."""
    person = {"role": "citizen", "text": "0", "meta": {"digits": True}, "id": 7}
    view = plain.line_view(person, PROMPTS)
    assert view == {
        "id": 7,
        "role": "citizen",
        "who": "Citizen",
        "text": "(asked for a person)",
        "at": None,
        "action": None,
    }
    two = plain.line_view({"role": "citizen", "text": "2", "meta": {"digits": True}}, PROMPTS)
    assert two["text"] == "(pressed 2)"
    staff = plain.line_view({"role": "staff", "text": "Hi", "meta": {"agent": "ann"}}, PROMPTS)
    assert staff["who"] == "Staff (ann)"


def test_summaries_and_facts_leave_out_internal_ids() -> None:
    """An address's id (cam-0003) is kept for the back end but never shown."""
    slots = {
        "postcode": "CB1 2AD",
        "address": "Flat 3, 12 Mill Road, Cambridge",
        "address_id": "cam-0003",
        "bin": "green: the garden one",
    }
    line = plain.summary("missed_bin", "asked_for_person", slots, PROMPTS)
    assert line == "missed bin: Flat 3, 12 Mill Road, Cambridge, green (the garden one)"
    shown = plain.facts(slots)
    assert ("Address", "Flat 3, 12 Mill Road, Cambridge") in shown
    assert all("cam-0003" not in v for _k, v in shown)
    assert plain.summary(None, "asked_for_person", {}, PROMPTS) == "asked for a person"
