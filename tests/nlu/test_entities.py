"""Entities: postcodes, report references and bin colours, typed or spoken, in five languages."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assist.backend_client.references import REF_ALPHABET
from assist.dialogue.entities import extract_entities, normalise_postcode
from assist.dialogue.harm import risk_cues


@pytest.mark.parametrize(
    ("text", "postcode"),
    [
        ("my postcode is CB1 2AD", "CB1 2AD"),
        ("cb12ad", "CB1 2AD"),
        ("bin day for pe13 1ab please", "PE13 1AB"),
        ("CB4  3EX", "CB4 3EX"),
        ("i live at 12 mill road cb1 2ad cambridge", "CB1 2AD"),
        ("c b one two a d", "CB1 2AD"),
        ("p e one three one a b", "PE13 1AB"),
        ("SW1A 1AA", "SW1A 1AA"),
    ],
)
def test_postcodes_are_found_and_normalised(text: str, postcode: str) -> None:
    """UK postcodes, with or without the space, typed or spelt out by a recogniser, come back
    in the standard form."""
    assert extract_entities(text)["postcode"] == postcode


def test_text_without_a_postcode_has_none() -> None:
    """Ordinary words and numbers are not mistaken for postcodes."""
    for text in ("my bin was missed", "call 01223 123456", "number 12 at the back"):
        assert "postcode" not in extract_entities(text)


def test_normalise_postcode_rejects_non_postcodes() -> None:
    """normalise_postcode returns None for anything that is not a postcode."""
    assert normalise_postcode("cb1 2ad") == "CB1 2AD"
    assert normalise_postcode("hello") is None
    assert normalise_postcode("CB1 2CI") is None  # C and I never end a postcode


@pytest.mark.parametrize(
    ("text", "reference", "kind"),
    [
        ("my reference is AS-7K3M9Q", "AS-7K3M9Q", "assist"),
        ("ref as7k3m9q", "AS-7K3M9Q", "assist"),
        ("AS 4HXP2D", "AS-4HXP2D", "assist"),
        ("a s seven k three m nine q", "AS-7K3M9Q", "assist"),
        ("the council gave me 20241234", "20241234", "council"),
        ("status of 12345678 please", "12345678", "council"),
    ],
)
def test_references_are_found(text: str, reference: str, kind: str) -> None:
    """Assist references (AS- and six unambiguous characters) and council numbers are found."""
    entities = extract_entities(text)
    assert (entities["reference"], entities["reference_kind"]) == (reference, kind)


def test_postcode_digits_and_phone_numbers_are_not_references() -> None:
    """A postcode's digits, short numbers and phone numbers are not references."""
    assert "reference" not in extract_entities("CB1 2AD")
    assert "reference" not in extract_entities("house number 12")
    assert "reference" not in extract_entities("ring me on 07700900123")
    assert "reference" not in extract_entities("AS-7K3M9O")  # O is not in the alphabet


@given(st.text(alphabet=REF_ALPHABET, min_size=6, max_size=6))
def test_every_assist_reference_round_trips(code: str) -> None:
    """Any Assist reference, in any case and with or without its dash, is read back exactly."""
    for written in (f"AS-{code}", f"as-{code.lower()}", f"AS{code}"):
        assert extract_entities(f"ref {written}")["reference"] == f"AS-{code}"


@pytest.mark.parametrize(
    ("text", "colour"),
    [
        ("my black bin wasnt emptied", "black"),
        ("is it the blue one this week", "blue"),
        ("green bin missed", "green"),
        ("nie zabrali czarnego kosza", "black"),
        ("niebieski kosz", "blue"),
        ("zielony pojemnik", "green"),
        ("neišvežė juodo konteinerio", "black"),
        ("mėlynas konteineris", "blue"),
        ("žalią konteinerį", "green"),
        ("pubela neagră", "black"),
        ("pubela albastră nu a fost golită", "blue"),
        ("pubela verde", "green"),
        ("o contentor preto", "black"),
        ("contentor azul", "blue"),
        ("o contentor verde não foi esvaziado", "green"),
    ],
)
def test_bin_colours_in_five_languages(text: str, colour: str) -> None:
    """Black, blue and green bins are recognised in English, Polish, Lithuanian, Romanian and
    Portuguese, in their inflected forms and without accents."""
    assert extract_entities(text)["bin_colour"] == colour


def test_colour_words_that_are_not_bins_are_ignored() -> None:
    """A blue badge or black bags of fly-tipping are not a bin colour."""
    assert "bin_colour" not in extract_entities("renew my blue badge")
    assert "bin_colour" not in extract_entities("black bags dumped in the lane")


@given(st.text(max_size=200))
def test_never_raises(text: str) -> None:
    """Any text at all gives a dict of entities and never raises."""
    assert isinstance(extract_entities(text), dict)


@pytest.mark.parametrize(
    "text",
    [
        "the carer hits my nan",
        "kids left alone every night",
        "dzieci są same w domu",
        "slaugytoja muša senelę",
        "copiii sunt lăsați singuri",
        "as crianças ficam sozinhas",
        "ele bate na mulher",
    ],
)
def test_risk_cues_are_found(text: str) -> None:
    """Words of harm are found in every language."""
    assert risk_cues(text)


def test_living_alone_and_bills_are_not_risk_cues() -> None:
    """An adult living alone, a bill or a timetable is not a sign of harm."""
    for text in ("o meu pai vive sozinho", "tata nu se descurcă singur", "my council tax bill",
                 "harmonogram odbioru", "bilet autobusowy"):  # fmt: skip
        assert risk_cues(text) == [], text
