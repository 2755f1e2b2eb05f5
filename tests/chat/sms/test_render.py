"""Segment counting, diacritic folding and fitting replies into at most 3 segments."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assist.app import open_service
from assist.chat.sms.render import actions_text, fit, fold_to_gsm7
from assist.dialogue.prompts import Prompts
from assist.dialogue.render import sms_encoding, sms_length, sms_segments
from assist.dialogue.types import Ask, Channel, Inbound, Option, Say
from assist.service import load_dialogue
from assist.settings import Settings


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("a" * 459, "GSM-7", 3),
        ("a" * 460, "GSM-7", 4),
        ("€" + "a" * 158, "GSM-7", 1),
        ("€" + "a" * 159, "GSM-7", 2),
        ("[" + "a" * 159, "GSM-7", 2),
        ("£" + "a" * 159, "GSM-7", 1),
        ("é" * 160, "GSM-7", 1),
        ("ą" * 70, "UCS-2", 1),
        ("ą" * 71, "UCS-2", 2),
        ("ą" * 134, "UCS-2", 2),
        ("ą" * 135, "UCS-2", 3),
        ("ą" + "a" * 69, "UCS-2", 1),
        ("ą" + "a" * 70, "UCS-2", 2),
        ("ș" * 70, "UCS-2", 1),
        ("ã" + "a" * 70, "UCS-2", 2),
        ("ė", "UCS-2", 1),
        ("😀" * 35, "UCS-2", 1),
        ("😀" * 36, "UCS-2", 2),
    ],
)
def test_segment_counts(text: str, encoding: str, segments: int) -> None:
    """GSM-7: 160 a segment, 153 a part; ^{}\\[~]|€ count 2. UCS-2: 70, then 67 a part."""
    assert sms_encoding(text) == encoding
    assert sms_segments(text) == segments


def test_extension_characters_count_double() -> None:
    """A single € or [ takes two septets."""
    assert sms_length("€") == 2
    assert sms_length("[") == 2
    assert sms_length("a") == 1


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Zgłoszenie przyjęte. Dziękujemy!", "Zgloszenie przyjete. Dziekujemy!"),
        ("Ąą Ćć Ęę Łł Ńń Óó Śś Źź Żż", "Aa Cc Ee Ll Nn Oo Ss Zz Zz"),
        ("Ačiū, pranešimas užregistruotas", "Aciu, pranesimas uzregistruotas"),
        ("ėę įų ūš", "ee iu us"),
        ("Mulțumim, raportul a fost înregistrat", "Multumim, raportul a fost inregistrat"),
        ("ș ş ț ţ ă â î", "s s t t a a i"),
        ("Não, obrigação", "Nao, obrigacao"),
        ("É café, você está", "É café, voce esta"),
        ("you’ll – “quoted”…", 'you\'ll - "quoted"...'),
        ("Straße Müller ñ", "Straße Müller ñ"),
    ],
)
def test_fold_to_gsm7(text: str, folded: str) -> None:
    """Accents GSM-7 lacks are dropped, letters it has are kept, typography made plain."""
    assert fold_to_gsm7(text) == folded


def test_fold_keeps_what_has_no_plain_equivalent() -> None:
    """An emoji stays (the text stays UCS-2 rather than being corrupted)."""
    assert fold_to_gsm7("ok 😀") == "ok 😀"


@given(st.text(alphabet="aąbcćeęlłnńoóśzźżAĄŁ ,.", min_size=1, max_size=200))
def test_folded_polish_is_gsm7_and_never_longer(text: str) -> None:
    """Folding Polish text always gives GSM-7 of the same length in characters."""
    folded = fold_to_gsm7(text)
    assert sms_encoding(folded) == "GSM-7"
    assert len(folded) == len(text)


def test_fit_short_polish_stays_accented() -> None:
    """A non-English reply that fits one UCS-2 segment keeps its diacritics."""
    assert fit("Dziękujemy.") == ["Dziękujemy."]


def test_fit_folds_a_long_polish_reply_into_one_segment() -> None:
    """A Polish reply over 70 characters is folded, fitting one GSM-7 segment."""
    text = "Zgłoszenie przyjęte. Numer referencyjny AS-7K2Q. Wyślemy SMS z numerem rady."
    assert sms_segments(text) == 2
    (message,) = fit(text)
    assert sms_encoding(message) == "GSM-7"
    assert sms_segments(message) == 1
    assert message.startswith("Zgloszenie przyjete.")


def test_fit_never_exceeds_three_segments() -> None:
    """A reply longer than 3 segments is split at sentences into messages of <= 3 each."""
    sentence = "This is a sentence of moderate length for the test."
    text = " ".join([sentence] * 20)
    parts = fit(text)
    assert len(parts) > 1
    assert all(sms_segments(p) <= 3 for p in parts)
    assert " ".join(parts) == text
    assert all(p.endswith(".") for p in parts)


def test_fit_splits_a_single_enormous_sentence_at_words() -> None:
    """Even one sentence longer than 3 segments is split, at spaces."""
    text = " ".join(["word"] * 200)
    parts = fit(text)
    assert all(sms_segments(p) <= 3 for p in parts)
    assert " ".join(parts) == text


@pytest.fixture(scope="module")
def prompts() -> Prompts:
    return load_dialogue().prompts


def test_actions_text_numbers_the_options(prompts: Prompts) -> None:
    """A question becomes one text with numbered short options and the person option."""
    ask = Ask(
        "What would you like to do?",
        options=(
            Option("1", "Bins and recycling", "Bins"),
            Option("2", "Report a problem in the street", "Report a problem"),
        ),
    )
    text = actions_text(prompts, "en", [Say("Hello."), ask])
    assert text == (
        "Hello. What would you like to do? Reply 1 Bins, 2 Report a problem, 0 a person"
    )
    assert sms_segments(text) == 1


async def test_top_menu_fits_three_segments(prompts: Prompts, tmp_path: Path) -> None:
    """The real greeting and top menu, rendered for SMS, fit in one message of <= 3 segments."""
    rt = await open_service(Settings(data_dir=tmp_path, rasa_url=None))
    try:
        out = await rt.conversations.handle(Inbound(Channel.SMS, "+447700900123", text="hello"))
    finally:
        await rt.close()
    text = actions_text(prompts, "en", out.actions)
    assert "Reply 1 Bins" in text
    assert len(fit(text)) == 1
