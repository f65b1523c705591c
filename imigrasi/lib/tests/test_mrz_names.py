from __future__ import annotations

import datetime as dt

import pytest

from imigrasi.lib.mrz import InvalidMRZ, check_digit, parse_td3
from imigrasi.lib.names import InvalidName, icao_name

TODAY = dt.date(2026, 11, 29)
POL = "P<POLKOWALSKA<KWIATKOWSKA<<JOANNA<<<<<<<<<<<\nAA00000000POL6002084F1412314<<<<<<<<<<<<<<<4"
IDN_LINE2 = "C1234567<0IDN9001158M3401147<<<<<<<<<<<<<<08"
IDN = "P<IDNSANTOSO<<BUDI<<<<<<<<<<<<<<<<<<<<<<<<<<\n" + IDN_LINE2


@pytest.mark.parametrize(("data", "digit"), [("L898902C3", "6"), ("740812", "2"), ("120415", "9")])
def test_check_digits_match_the_icao_specimen(data, digit):
    assert check_digit(data) == digit


def test_it_parses_the_doc9303_example():
    mrz = parse_td3(POL, today=TODAY)
    assert mrz.surname == "KOWALSKA KWIATKOWSKA"
    assert mrz.given_names == "JOANNA"
    assert mrz.document_number == "AA0000000"
    assert mrz.nationality == "POL"
    assert mrz.birth_date == dt.date(1960, 2, 8)
    assert mrz.expiry_date == dt.date(2014, 12, 31)
    assert mrz.sex == "F"


def test_it_parses_an_indonesian_passport_and_tolerates_spaces_and_lower_case():
    mrz = parse_td3(IDN.lower().replace("<<<<", "<< <<"), today=TODAY)
    assert mrz.full_name == "BUDI SANTOSO"
    assert mrz.birth_date == dt.date(1990, 1, 15)
    assert mrz.expiry_date == dt.date(2034, 1, 14)
    assert mrz.sex == "M"


@pytest.mark.parametrize(
    ("position", "field"),
    [(0, "document_number"), (14, "birth_date"), (22, "expiry_date"), (43, "composite")],
)
def test_a_single_typo_is_caught_by_a_check_digit(position, field):
    line2 = list(IDN_LINE2)
    line2[position] = "7" if line2[position] != "7" else "8"
    with pytest.raises(InvalidMRZ) as caught:
        parse_td3(IDN.split("\n")[0] + "\n" + "".join(line2), today=TODAY)
    assert caught.value.code == "check_digit"
    assert caught.value.field in {field, "composite"}


@pytest.mark.parametrize(
    ("raw", "code"),
    [("P<IDN", "length"), ("V" + IDN[1:], "not_passport"), (IDN.replace("B", "É"), "characters")],
)
def test_malformed_input_is_refused(raw, code):
    with pytest.raises(InvalidMRZ) as caught:
        parse_td3(raw, today=TODAY)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("raw", "expected"), [("Budi  Santoso", "BUDI SANTOSO"), ("siti nurhaliza", "SITI NURHALIZA")]
)
def test_plain_names_are_accepted_in_capitals(raw, expected):
    assert icao_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code", "suggestion"),
    [
        ("Ai'nun", "punctuation", "AINUN"),
        ("M. Firman", "punctuation", "M FIRMAN"),
        ("Dr. Ratna Sari", "title", "RATNA SARI"),
        ("Ir Budi Santoso S.Kom", "title", "BUDI SANTOSO"),
        ("Budi 2", "digits", "BUDI"),
    ],
)
def test_icao_rules_refuse_titles_digits_and_punctuation_with_a_suggestion(raw, code, suggestion):
    with pytest.raises(InvalidName) as caught:
        icao_name(raw)
    assert caught.value.code == code
    assert caught.value.suggestion == suggestion
