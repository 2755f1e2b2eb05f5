"""BINS MORNING / EVENING / <time> by text, and the CALL offer measured as it is sent."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from assist.chat.sms.inbound import choose_call_offer
from assist.chat.sms.render import as_sent
from assist.dialogue.prompts import Prompts
from assist.dialogue.render import sms_encoding, sms_segments
from assist.notify import optouts, texts, timing
from assist.service import Service
from tests.chat.sms.helpers import Phone, drain, running_assist

CITIZEN = "+447700900777"


@pytest.fixture
async def assist(tmp_path: Path) -> AsyncIterator[tuple[Service, Phone]]:
    async with running_assist(tmp_path) as (rt, _sender, client):
        yield rt, Phone(client, rt.settings, CITIZEN)


async def chosen(rt: Service) -> dt.time | None:
    async with rt.store.transaction() as tx:
        return await timing.chosen_time(tx, CITIZEN, "bin_day")


async def subscribe_by_text(rt: Service, phone: Phone) -> None:
    await phone.reply("BINS")
    await phone.reply("1")
    await phone.reply("CB1 2AD")
    await phone.reply("1")
    await drain(rt)


async def test_bins_morning_evening_and_a_time(assist: tuple[Service, Phone]) -> None:
    """A subscriber chooses the morning (moved to 8am, when quiet hours end), a clock time
    the evening before, and back to the default; each confirmed in one segment and stored."""
    rt, phone = assist
    await subscribe_by_text(rt, phone)
    reply = await phone.reply("bins morning")
    assert "8am on each collection day" in reply and "|" not in reply
    assert sms_segments(reply) == 1
    assert await chosen(rt) == dt.time(7, 0)
    reply = await phone.reply(" BINS 7pm ")
    assert "7pm the evening before" in reply and sms_segments(reply) == 1
    assert await chosen(rt) == dt.time(19, 0)
    reply = await phone.reply("Bins 21:30")  # inside quiet hours: half an hour before
    assert "8:30pm the evening before" in reply
    reply = await phone.reply("BINS EVENING")
    assert "6pm the evening before" in reply
    assert await chosen(rt) is None


async def test_bins_time_without_a_subscription(assist: tuple[Service, Phone]) -> None:
    """A number with no reminders has its time saved and is told how to start them."""
    rt, phone = assist
    reply = await phone.reply("BINS MORNING")
    assert "Text BINS to start them" in reply and sms_segments(reply) == 1
    assert await chosen(rt) == dt.time(7, 0)


async def test_bins_please_is_a_conversation(assist: tuple[Service, Phone]) -> None:
    """ "bins please" is not a time keyword: no time is stored."""
    rt, phone = assist
    await phone.reply("bins please")
    assert await chosen(rt) is None


async def test_opted_out_number_gets_no_confirmation(assist: tuple[Service, Phone]) -> None:
    """An opted-out number's choice is kept for later but it is not texted."""
    rt, phone = assist
    async with rt.store.transaction() as tx:
        await optouts.suppress(tx, CITIZEN, "keyword", "stop", 0.0)
    assert await phone.reply("BINS MORNING") == ""
    assert await chosen(rt) == dt.time(7, 0)


async def test_bins_back_on_names_the_chosen_time(assist: tuple[Service, Phone]) -> None:
    """BINS after BINS OFF says when reminders will come for a number that chose a time."""
    rt, phone = assist
    await subscribe_by_text(rt, phone)
    await phone.reply("BINS OFF")
    await phone.reply("BINS MORNING")
    rt.conversations.clock = lambda: 4_000_000_000.0  # the conversation has lapsed
    reply = await phone.reply("BINS")
    assert "on for 12 Mill Road" in reply and "8am on each collection day" in reply
    assert sms_segments(reply) == 1


POLISH_QUEUE = "Łączę z pracownikiem. Miejsce w kolejce: 2. Czas oczekiwania: około 4 minuty."
POLISH_FULL_OFFER = "Wyślij CALL, a oddzwonimy bez utraty miejsca w kolejce."
POLISH_SHORT_OFFER = "Wyślij CALL, a oddzwonimy."


def test_full_call_offer_kept_when_it_fits_once_folded() -> None:
    """Polish text over 70 UCS-2 characters that folds into one GSM-7 segment keeps the full
    offer (measured as raw UCS-2 it took two segments and the short one only one)."""
    queue = "Miejsce w kolejce: 2. Czekasz ok. 4 min."
    full = f"{queue} {POLISH_FULL_OFFER}"
    short = f"{queue} {POLISH_SHORT_OFFER}"
    assert sms_segments(full) == 2 and sms_segments(short) == 1  # the old measure
    assert sms_encoding(as_sent(full)) == "GSM-7" and sms_segments(as_sent(full)) == 1
    assert choose_call_offer(full, short) == full


def test_short_call_offer_when_only_it_fits_once_folded() -> None:
    """When only the short wording fits one segment as sent, it is chosen (the old measure
    saw both as several UCS-2 segments and kept the long one)."""
    lead = "Dziękujemy. Przekazujemy rozmowę do pracownika urzędu."
    full = f"{lead} {POLISH_QUEUE} {POLISH_FULL_OFFER}"
    short = f"{lead} {POLISH_QUEUE} {POLISH_SHORT_OFFER}"
    assert sms_segments(as_sent(full)) > 1 and sms_segments(as_sent(short)) == 1
    assert sms_segments(short) > 1  # the old measure
    assert choose_call_offer(full, short) == short


def test_english_call_offer_unchanged() -> None:
    """English text is measured as before: full when it fits, short when only that fits."""
    full = "You're number 1 in the queue. Reply CALL for a call back instead; you keep your place."
    assert choose_call_offer(full, "short") == full
    long_full = "x" * 130 + " Reply CALL for a call back instead; you keep your place."
    short = "x" * 130 + " Reply CALL for a call back."
    assert choose_call_offer(long_full, short) == short


async def test_help_stays_one_text(assist: tuple[Service, Phone]) -> None:
    """HELP is answered in one segment with the default settings."""
    _, phone = assist
    reply = await phone.reply("HELP")
    assert reply and "|" not in reply and sms_segments(reply) == 1


def test_new_texts_fit_one_segment(prompts: Prompts) -> None:
    """Every new reminder-time text, filled with long realistic values, is one GSM-7 segment."""
    address = "Flat 12, 104 Newmarket Road, Cambridge"
    when = texts.text(prompts, "en", "notify.when_evening", time="12:30pm")
    filled = [
        texts.text(prompts, "en", "notify.bins_on_at", address=address, when=when),
        texts.text(prompts, "en", "notify.bins_time", when=when),
        texts.text(prompts, "en", "notify.bins_time_unsubscribed", when=when),
        texts.text(
            prompts,
            "en",
            "notify.bin_reminder_morning",
            bins="black, blue and green",
            address=address,
        ),
    ]
    for message in filled:
        assert sms_encoding(message) == "GSM-7" and sms_segments(message) == 1, message
