import datetime
from decimal import Decimal

import pytest

from imports.values import (
    normalise,
    parse_amount,
    parse_bool,
    parse_date,
    parse_goal_number,
    parse_int,
    parse_percent,
    parse_position_number,
    parse_text,
)

EMPTY = [None, "", "   ", "\n"]
ALL_PARSERS = [
    parse_text,
    parse_date,
    parse_amount,
    parse_int,
    parse_percent,
    parse_bool,
    parse_goal_number,
    parse_position_number,
]


@pytest.mark.parametrize("parser", ALL_PARSERS)
@pytest.mark.parametrize("value", EMPTY)
def test_every_parser_reads_an_empty_cell_as_none(parser, value):
    assert parser(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  Online-Dienste   für  alle ", "Online-Dienste für alle"),
        ("Erste  Zeile\r\nzweite\tZeile", "Erste Zeile\nzweite Zeile"),
        (12.0, "12"),
        (12, "12"),
        (12.5, "12.5"),
        (Decimal("3.00"), "3"),
        (True, "ja"),
        (datetime.date(2025, 3, 1), "01.03.2025"),
    ],
)
def test_text_is_cleaned_and_numbers_lose_their_point_zero(value, expected):
    assert parse_text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("31.12.2025", datetime.date(2025, 12, 31)),
        ("1.3.2025", datetime.date(2025, 3, 1)),
        ("31.12.25", datetime.date(2025, 12, 31)),
        ("2025-12-31", datetime.date(2025, 12, 31)),
        ("31.12.2025 00:00", datetime.date(2025, 12, 31)),
        ("2025-12-31T10:30:00", datetime.date(2025, 12, 31)),
        (datetime.date(2025, 12, 31), datetime.date(2025, 12, 31)),
        (datetime.datetime(2025, 12, 31, 14, 0), datetime.date(2025, 12, 31)),
    ],
)
def test_dates_are_read_in_german_and_iso_form(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "Q3/2025",
            "„Q3/2025“ ist ein Quartal, kein Datum – bitte ein Datum angeben (z. B. 30.09.2025).",
        ),
        (
            "1. Quartal 2026",
            "„1. Quartal 2026“ ist ein Quartal, kein Datum – bitte ein Datum angeben "
            "(z. B. 31.03.2026).",
        ),
        (
            "Ende 2026",
            "„Ende 2026“ ist ein Jahr, kein Datum – bitte ein Datum angeben (z. B. 31.12.2026).",
        ),
        ("2026", "„2026“ ist ein Jahr, kein Datum – bitte ein Datum angeben (z. B. 31.12.2026)."),
        (
            "32.13.2025",
            "„32.13.2025“ ist kein Datum – bitte TT.MM.JJJJ angeben (z. B. 30.09.2025).",
        ),
        ("bald", "„bald“ ist kein Datum – bitte TT.MM.JJJJ angeben (z. B. 30.09.2025)."),
        (45000, "„45000“ ist kein Datum – bitte TT.MM.JJJJ angeben (z. B. 30.09.2025)."),
    ],
)
def test_dates_that_are_not_a_day_are_refused_with_a_german_hint(value, message):
    with pytest.raises(ValueError) as error:
        parse_date(value)
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.250.000,00 €", Decimal("1250000.00")),
        ("1250000", Decimal("1250000.00")),
        ("1.250.000", Decimal("1250000.00")),
        ("1 250 000,50 EUR", Decimal("1250000.50")),
        ("12,5", Decimal("12.50")),
        ("€ 3.000", Decimal("3000.00")),
        ("5.000,- Euro", Decimal("5000.00")),
        ("1250000.50", Decimal("1250000.50")),
        ("-5,00", Decimal("-5.00")),
        (1250000.0, Decimal("1250000.00")),
        (0.1 + 0.2, Decimal("0.30")),
        (1250000, Decimal("1250000.00")),
        (Decimal("12.345"), Decimal("12.35")),
    ],
)
def test_amounts_are_read_in_german_notation(value, expected):
    assert parse_amount(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "„abc“ ist kein Betrag (z. B. 1.250.000,00 €)."),
        ("ca. 5 Mio", "„ca. 5 Mio“ ist kein Betrag (z. B. 1.250.000,00 €)."),
        ("1,250,000.00", "„1,250,000.00“ ist kein Betrag (z. B. 1.250.000,00 €)."),
        (True, "„True“ ist kein Betrag (z. B. 1.250.000,00 €)."),
    ],
)
def test_amounts_that_are_no_number_are_refused(value, message):
    with pytest.raises(ValueError) as error:
        parse_amount(value)
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("value", "expected"), [("3", 3), (3, 3), (3.0, 3), ("3,0", 3), (" 12 ", 12), ("1.000", 1000)]
)
def test_whole_numbers_are_read(value, expected):
    assert parse_int(value) == expected


@pytest.mark.parametrize(
    ("value", "shown"), [(3.5, "3,5"), ("drei", "drei"), ("3,5", "3,5"), (False, "False")]
)
def test_numbers_that_are_not_whole_are_refused(value, shown):
    with pytest.raises(ValueError) as error:
        parse_int(value)
    assert str(error.value) == f"„{shown}“ ist keine ganze Zahl (z. B. 3)."


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("40 %", 40),
        ("40", 40),
        ("40%", 40),
        (40, 40),
        (1, 1),
        (0.4, 40),
        (1.0, 100),
        (0.0, 0),
        (0.333, 33),
        ("33,3 %", 33),
        (100, 100),
        (0, 0),
    ],
)
def test_progress_is_read_as_whole_percent(value, expected):
    assert parse_percent(value) == expected


def test_progress_above_100_is_refused():
    with pytest.raises(ValueError) as error:
        parse_percent("140 %")
    assert str(error.value) == "„140 %“ liegt nicht zwischen 0 und 100 %."


def test_progress_that_is_no_number_is_refused():
    with pytest.raises(ValueError) as error:
        parse_percent("fast fertig")
    assert str(error.value) == "„fast fertig“ ist kein Prozentwert (z. B. 40 %)."


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ja", True),
        ("Ja", True),
        ("x", True),
        ("WAHR", True),
        ("true", True),
        ("1", True),
        (1, True),
        (True, True),
        ("nein", False),
        ("falsch", False),
        ("false", False),
        ("0", False),
        (0, False),
        (False, False),
    ],
)
def test_yes_and_no_are_read_in_german_and_english(value, expected):
    assert parse_bool(value) is expected


def test_a_word_that_is_neither_yes_nor_no_is_refused():
    with pytest.raises(ValueError) as error:
        parse_bool("vielleicht")
    assert str(error.value) == "„vielleicht“ ist kein Ja/Nein-Wert (ja oder nein)."


@pytest.mark.parametrize("value", ["2.3", "2.3.", "Ziel 2.3", " ziel 2.3 ", 2.3, "2,3"])
def test_goal_numbers_are_read_as_field_and_goal(value):
    assert parse_goal_number(value) == "2.3"


@pytest.mark.parametrize("value", ["zwei.drei", "2", "2.3.1", "Z2"])
def test_goal_numbers_that_are_not_field_and_goal_are_refused(value):
    with pytest.raises(ValueError) as error:
        parse_goal_number(value)
    assert str(error.value) == f"„{value}“ ist keine Zielnummer (z. B. 2.3)."


@pytest.mark.parametrize("value", ["2", 2, 2.0, "2.", "Handlungsfeld 2", "HF 2"])
def test_field_of_action_numbers_are_read(value):
    assert parse_position_number(value) == "2"


def test_a_field_of_action_number_with_a_goal_part_is_refused():
    with pytest.raises(ValueError) as error:
        parse_position_number("2.3")
    assert str(error.value) == "„2.3“ ist keine Nummer eines Handlungsfelds (z. B. 2)."


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Federführender  FB:", "federführender fb"),
        ("Budget (EUR)*", "budget (eur)"),
        ("Straße", "STRASSE"),
        ("Start – Ende", "start - ende"),
        ("Titel\n der Maßnahme", "titel der massnahme"),
    ],
)
def test_normalised_words_match_regardless_of_case_space_and_punctuation(left, right):
    assert normalise(left) == normalise(right)


def test_normalising_keeps_umlauts_apart():
    assert normalise("Bürger") == "bürger" != normalise("Burger")
