from __future__ import annotations

import datetime as dt

import pytest

from imigrasi.lib.identifiers import InvalidNIK, parse_nik

TODAY = dt.date(2026, 11, 29)


def test_it_decodes_the_worked_example_from_the_domain_brief() -> None:
    parts = parse_nik("3273056010900009", today=TODAY)
    assert parts.province == "Jawa Barat"
    assert parts.regency_code == "73"
    assert parts.is_female
    assert parts.birth_date == dt.date(1990, 10, 20)
    assert parts.serial == "0009"


def test_it_accepts_separators_people_type() -> None:
    assert parse_nik("3171 0101 1205 0001", today=TODAY).birth_date == dt.date(2005, 12, 1)


def test_a_two_digit_year_never_lands_in_the_future() -> None:
    assert parse_nik("3171010112270001", today=TODAY).birth_date == dt.date(1927, 12, 1)


@pytest.mark.parametrize(
    ("nik", "code"),
    [
        ("12345", "format"),
        ("327305601090000X", "format"),
        ("9973056010900009", "province"),
        ("3200056010900009", "region"),
        ("3273053210900009", "birth_date"),
        ("3273051013900009", "birth_date"),
        ("3273052902010001", "birth_date"),
        ("3273056010900000", "serial"),
    ],
)
def test_it_rejects_impossible_niks_with_a_reason(nik: str, code: str) -> None:
    with pytest.raises(InvalidNIK) as caught:
        parse_nik(nik, today=TODAY)
    assert caught.value.code == code


def test_working_days_skip_weekends_holidays_and_cuti_bersama() -> None:
    from imigrasi.lib.workdays import add_working_days, holiday_name, is_working_day

    assert holiday_name(dt.date(2026, 8, 17)) is not None  # Independence Day
    assert not is_working_day(dt.date(2026, 3, 20))  # cuti bersama Idul Fitri
    assert not is_working_day(dt.date(2026, 11, 28))  # Saturday
    # Thursday 19 March 2026 (Nyepi) + 1 working day: 20, 23, 24 March are cuti bersama.
    assert add_working_days(dt.date(2026, 3, 19), 1) == dt.date(2026, 3, 26)
    assert add_working_days(dt.date(2026, 11, 27), 4) == dt.date(2026, 12, 3)
