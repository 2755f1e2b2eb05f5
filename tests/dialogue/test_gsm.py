"""The linter measures a text exactly as the SMS channel sends it: one GSM-7 fold for both."""

from __future__ import annotations

from pathlib import Path

import pytest

from assist.chat.sms.render import fit
from assist.dialogue.gsm import as_sent, fold_to_gsm7, sms_encoding, sms_segments
from assist.dialogue.lint import SAMPLES, sms_fits, sms_measure
from assist.dialogue.prompts import Prompts

PROMPTS = Path(__file__).resolve().parents[2] / "dialogues" / "prompts"


@pytest.fixture(scope="module")
def prompts() -> Prompts:
    """The repository's prompts."""
    return Prompts.load(PROMPTS)


def test_quoted_polish_thanks_is_gsm7_for_linter_and_sender() -> None:
    """„Dziękuję” folds to GSM-7 the same way for the linter and the sender."""
    text = "„Dziękuję” " * 10
    sent, encoding, segments = sms_measure(text)
    assert fold_to_gsm7("„Dziękuję”") == '"Dziekuje"'
    assert encoding == "GSM-7" and segments == 1 and sms_fits(text)
    assert fit(text) == [sent] == [as_sent(text)]


@pytest.mark.parametrize("lang", ["pl", "lt", "ro", "pt"])
def test_linter_counts_the_segments_the_sender_sends(prompts: Prompts, lang: str) -> None:
    """For every prompt, the linter's text, encoding and segment count are what is sent."""
    checked = 0
    for key in prompts.by_language[lang]:
        text = prompts.get(lang, key, **SAMPLES)
        measured, encoding, segments = sms_measure(text)
        messages = fit(text)
        if not measured:
            assert messages == []
            continue
        assert messages == [measured], key
        assert sms_encoding(messages[0]) == encoding, key
        assert sms_segments(messages[0]) == segments, key
        checked += 1
    assert checked > 100
