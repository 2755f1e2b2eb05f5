"""Opt-out, opt-in, help and per-type keywords, table-driven."""

from __future__ import annotations

import datetime as dt

import pytest

from assist.chat.sms.keywords import Keyword, Match, match_keyword

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
        ("bins morning", Keyword.BINS_TIME),
        (" BINS 7pm ", Keyword.BINS_TIME),
        ("BINS EVENING", Keyword.BINS_TIME),
        ("Bins 19:00", Keyword.BINS_TIME),
        ("bins please", None),
        ("bins 7", None),
        ("bins 25:00", None),
        ("morning bins please", None),
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


@pytest.mark.parametrize(
    ("body", "at"),
    [
        ("bins morning", dt.time(7, 0)),
        ("BINS MORNING", dt.time(7, 0)),
        (" BINS 7pm ", dt.time(19, 0)),
        ("BINS 7PM", dt.time(19, 0)),
        ("bins 7:30 pm", dt.time(19, 30)),
        ("Bins 6.45am", dt.time(6, 45)),
        ("BINS 19:00", dt.time(19, 0)),
        ("bins 07:00", dt.time(7, 0)),
        ("bins at 6pm", dt.time(18, 0)),
        ("bins 12pm", dt.time(12, 0)),
        ("BINS EVENING", None),
        ("bins night", None),
    ],
)
def test_bins_time_keywords_carry_the_time(body: str, at: dt.time | None) -> None:
    """BINS MORNING / EVENING / a clock time choose when reminders come, whole message only;
    EVENING means the default (no time of its own)."""
    match = match_keyword(body, conversing=True, queued=True)
    assert match is not None and match.keyword == Keyword.BINS_TIME
    assert match.at == at


@pytest.mark.parametrize(
    "body", ["bins please", "bins 7", "bins 13pm", "bins 19:75", "bins tomorrow", "7pm"]
)
def test_not_a_bins_time(body: str) -> None:
    """Anything else with BINS in it, or an ambiguous bare hour, is not a time keyword."""
    match = match_keyword(body)
    assert match is None or match.keyword != Keyword.BINS_TIME


@pytest.mark.parametrize(
    ("body", "language"),
    [("YES", None), ("yes.", None), ("Tak", "pl"), ("taip", "lt"), ("Da", "ro"), ("sim", "pt")],
)
def test_yes_agrees_only_while_a_request_waits(body: str, language: str | None) -> None:
    """YES (or its word in the citizen's language) agrees to reminders asked for in a chat
    only while that request waits; otherwise it is an ordinary answer, and an opted-out
    number's YES opts it back in instead."""
    assert match_keyword(body, asked=True) == Match(Keyword.AGREE, language)
    plain = match_keyword(body)
    assert plain is None or plain.keyword != Keyword.AGREE
    if body.lower().rstrip(".") == "yes":
        assert match_keyword(body, asked=True, opted_out=True) == Match(Keyword.START)
