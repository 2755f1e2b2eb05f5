"""Opt-out, opt-in, help and per-type keywords, table-driven."""

from __future__ import annotations

import pytest

from assist.chat.sms_keywords import Keyword, match_keyword

S, ST, H = Keyword.STOP, Keyword.START, Keyword.HELP


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("STOP", S),
        ("Stop", S),
        ("stop", S),
        (" STOP ", S),
        ("\tStOp\n", S),
        ("STOP.", S),
        ("STOPALL", S),
        ("UNSUBSCRIBE", S),
        ("CANCEL", S),
        ("END", S),
        ("QUIT", S),
        ("REVOKE", S),
        ("OPTOUT", S),
        ("opt-out", S),
        ("stop please", None),
        ("please stop", None),
        ("STOP PLEASE", None),
        ("don't stop", None),
        ("stopped", None),
        ("", None),
        ("   ", None),
        # Polish: STOP itself, and local words (accents optional)
        ("KONIEC", S),
        ("Rezygnuję", S),
        ("rezygnuje", S),
        ("WYPISZ", S),
        # Lithuanian, Romanian, Portuguese
        ("ATSISAKYTI", S),
        ("DEZABONARE", S),
        ("PARAR", S),
        ("Sair", S),
        ("UNSTOP", ST),
        ("HELP", H),
        ("info", H),
        ("POMOC", H),
        ("Ajutor", H),
        ("AJUDA", H),
        ("BINS OFF", Keyword.BINS_OFF),
        ("stop bins", Keyword.BINS_OFF),
        ("Updates off", Keyword.UPDATES_OFF),
        ("updates on", Keyword.UPDATES_ON),
        ("bins on", Keyword.BINS_ON),
        ("CALL", None),
        ("help me with my bins", None),
    ],
)
def test_keywords_for_a_number_not_opted_out(body: str, expected: Keyword | None) -> None:
    """Keywords are whole single-word messages, any case, spaces ignored; phrases are not."""
    match = match_keyword(body)
    assert (match.keyword if match else None) == expected


@pytest.mark.parametrize("lang_word", ["STOP", "Stop", " stop "])
@pytest.mark.parametrize("lang", ["pl", "lt", "ro", "pt"])
def test_stop_itself_matches_in_every_language(lang_word: str, lang: str) -> None:
    """STOP is the opt-out whatever language the citizen uses."""
    match = match_keyword(lang_word)
    assert match is not None and match.keyword == Keyword.STOP


def test_local_word_suggests_its_language() -> None:
    """A Polish opt-out word says the citizen reads Polish (the confirmation is in Polish)."""
    match = match_keyword("KONIEC")
    assert match is not None and match.language == "pl"
    english = match_keyword("STOP")
    assert english is not None and english.language is None


@pytest.mark.parametrize(
    ("body", "opted_out", "expected"),
    [
        ("YES", True, ST),
        ("yes", False, None),
        ("START", True, ST),
        ("Start", False, None),
        ("UNSTOP", False, ST),
    ],
)
def test_yes_and_start_opt_in_only_when_opted_out(
    body: str, opted_out: bool, expected: Keyword | None
) -> None:
    """YES and START are answers in a conversation unless the number is opted out."""
    match = match_keyword(body, opted_out=opted_out)
    assert (match.keyword if match else None) == expected


def test_call_and_bins_depend_on_the_conversation() -> None:
    """CALL asks for a call back only while queued; BINS subscribes only outside a conversation."""
    assert match_keyword("CALL") is None
    call = match_keyword("call", queued=True)
    assert call is not None and call.keyword == Keyword.CALL
    bins = match_keyword("BINS")
    assert bins is not None and bins.keyword == Keyword.BINS_ON
    assert match_keyword("bins", conversing=True) is None
