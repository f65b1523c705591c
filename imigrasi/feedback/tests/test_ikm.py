"""The regulation's arithmetic (PermenPANRB 14/2017), checked against examples worked by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from imigrasi.feedback import ikm

# Four respondents, worked on paper: element sums 14 13 11 16 13 14 15 11 13 (120 in all).
FOUR_RESPONDENTS = [
    [4, 4, 3, 4, 3, 4, 4, 3, 4],
    [3, 3, 3, 4, 3, 3, 4, 2, 3],
    [4, 3, 2, 4, 4, 4, 4, 3, 3],
    [3, 3, 3, 4, 3, 3, 3, 3, 3],
]


def test_it_reproduces_a_hand_worked_example() -> None:
    result = ikm.compute(FOUR_RESPONDENTS)
    assert result.respondents == 4
    # NRR = element sum / respondents.
    assert [float(v) for v in result.element_nrr] == [
        3.5, 3.25, 2.75, 4.0, 3.25, 3.5, 3.75, 2.75, 3.25
    ]  # fmt: skip
    # Weighted index = sum of NRR x 1/9 = 30/9 = 120/36.
    assert result.index == Fraction(10, 3)
    # x 25 = 83.333... -> 83.33, grade B (76.61-88.30).
    assert result.ikm == Decimal("83.33")
    assert result.grade == "B"


def test_it_reproduces_the_domain_brief_example_with_exact_weights() -> None:
    """Means 3.20 3.10 3.00 3.80 3.30 3.40 3.50 3.00 3.20 from ten respondents: the exact
    weight gives 3.2778 -> 81.94 (B); the rounded weight 0.111 would give 81.12."""
    result = ikm.from_totals([32, 31, 30, 38, 33, 34, 35, 30, 32], 10)
    assert result.index == Fraction(295, 90)
    assert ikm.round_half_up(result.index, 4) == Decimal("3.2778")
    assert result.ikm == Decimal("81.94")
    assert result.grade == "B"


def test_it_rounds_a_tie_half_up_as_indonesian_reports_do() -> None:
    """One respondent answers 4 everywhere, seven answer 3: every NRR is 25/8 = 3.125, the
    index 3.125 and the converted index exactly 78.125, published as 78.13 (round-half-even
    would say 78.12)."""
    rows = [[4] * 9] + [[3] * 9] * 7
    result = ikm.compute(rows)
    assert result.element_nrr == (Fraction(25, 8),) * 9
    assert result.index == Fraction(25, 8)
    assert result.ikm == Decimal("78.13")
    assert ikm.round_half_up(Fraction(3125, 1000), 2) == Decimal("3.13")


@pytest.mark.parametrize(
    ("value", "grade"),
    [
        ("100.00", "A"), ("88.31", "A"), ("88.30", "B"), ("76.61", "B"), ("76.60", "C"),
        ("65.00", "C"), ("64.99", "D"), ("25.00", "D"),
    ],
)  # fmt: skip
def test_it_reads_the_grade_from_the_regulations_table(value: str, grade: str) -> None:
    assert ikm.grade_for(Decimal(value)) == grade


def test_the_raw_scale_band_limits_convert_to_the_table() -> None:
    assert ikm.round_half_up(Fraction("3.5324") * 25, 2) == Decimal("88.31")
    assert ikm.round_half_up(Fraction("3.0644") * 25, 2) == Decimal("76.61")
    assert ikm.round_half_up(Fraction("2.60") * 25, 2) == Decimal("65.00")


def test_everyone_answering_the_extremes_gives_25_and_100() -> None:
    assert ikm.compute([[1] * 9]).ikm == Decimal("25.00")
    assert ikm.compute([[1] * 9]).grade == "D"
    assert ikm.compute([[4] * 9]).ikm == Decimal("100.00")


@pytest.mark.parametrize("bad", [0, 5, "3.5", "", " ", True, None, 2.0, "x"])
def test_it_refuses_a_score_that_is_not_a_whole_number_from_1_to_4(bad: object) -> None:
    rows: list[list[object]] = [[3] * 9, [3, 3, 3, 3, bad, 3, 3, 3, 3]]
    with pytest.raises(ikm.InvalidScore) as raised:
        ikm.compute(rows)
    assert (raised.value.row, raised.value.element) == (2, 5)


def test_it_refuses_no_respondents() -> None:
    with pytest.raises(ValueError, match="no respondents"):
        ikm.compute([])


def test_every_krejcie_morgan_row_agrees_with_their_formula() -> None:
    """s = X^2 N P(1-P) / (d^2 (N-1) + X^2 P(1-P)), X^2 = 3.841, P = 0.5, d = 0.05."""
    for population, sample in ikm.KREJCIE_MORGAN:
        formula = 3.841 * population * 0.25 / (0.0025 * (population - 1) + 3.841 * 0.25)
        assert abs(formula - sample) <= 1, population


@pytest.mark.parametrize(
    ("population", "sample"),
    [(0, 0), (7, 7), (10, 10), (100, 80), (101, 86), (381, 196), (1000, 278), (2_000_000, 384)],
)
def test_the_minimum_sample_takes_the_next_row_up(population: int, sample: int) -> None:
    assert ikm.minimum_sample(population) == sample


def test_periods_are_quarters_semesters_and_years() -> None:
    quarter = ikm.Period.parse("2025-q4")
    assert (quarter.start, quarter.end) == (dt.date(2025, 10, 1), dt.date(2026, 1, 1))
    assert quarter.previous().code == "2025-Q3"
    assert ikm.Period.parse("2025-Q1").previous().code == "2024-Q4"
    semester = ikm.Period.parse("2025-S2")
    assert (semester.start, semester.end) == (dt.date(2025, 7, 1), dt.date(2026, 1, 1))
    year = ikm.Period.parse("2024")
    assert (year.start, year.end) == (dt.date(2024, 1, 1), dt.date(2025, 1, 1))
    assert ikm.Period.quarter_of(dt.date(2025, 5, 31)).code == "2025-Q2"
    for bad in ("2025-Q5", "2025-S3", "25-Q1", "2025Q1", ""):
        with pytest.raises(ValueError):
            ikm.Period.parse(bad)
