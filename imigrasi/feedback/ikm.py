"""The community satisfaction index (IKM) exactly as PermenPANRB 14/2017 computes it.

Pure and typed: no Django. The public results page, the CSV export and ``manage.py ikm`` all
call ``compute`` (from raw answers) or ``from_totals`` (from sums the database added up), so
a figure can never differ between them.

The regulation's method, for the nine elements (unsur) U1…U9 answered on a 1-4 scale:

* element score NRR_i = (sum of the answers to element i) / (number of respondents);
* weighted index = Σ NRR_i x 1/9 (every element has the same weight, 1/9);
* converted index IKM = weighted index x 25, so it runs from 25 to 100;
* service quality grade from the converted index: A (very good) 88.31-100, B (good)
  76.61-88.30, C (not good) 65.00-76.60, D (poor) 25.00-64.99.

Rounding, our reading (the regulation's text, as far as the domain notes quote it, fixes the
weights and the grade table but no intermediate rounding): every intermediate value is an
exact fraction; only the converted index is rounded, once, to 2 decimals, half away from zero
(the school rounding Indonesian reports use, not Python's round-half-even), and the grade is
read from that 2-decimal value, so that a value such as 88.305 (which would fall between the
bands 88.30 and 88.31) gets the grade of the number that is published. Many published
reports instead multiply by the rounded weight 0.111 and round each NRR to 3 decimals; that
shifts scores by up to ~0.8 points (domain brief 5.2), so we do not. For display, NRR values
are shown with 3 decimals and the weighted index with 4 (the regulation's raw-scale bands,
2.5996 / 3.0644 / 3.5324, have 4).

The minimum sample is read from Krejcie & Morgan's table (1970) for the population, i.e. the
number of services completed in the period: a population between two rows uses the larger
row (the safe side); a population under 10 must all answer.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal

ELEMENTS = 9
SCALE = (1, 2, 3, 4)
WEIGHT = Fraction(1, ELEMENTS)
CONVERSION = 25
COLUMNS = tuple(f"u{i}" for i in range(1, ELEMENTS + 1))

Grade = Literal["A", "B", "C", "D"]
# (lowest converted index of the band, grade), highest first: the regulation's table.
GRADE_BANDS: tuple[tuple[Decimal, Grade], ...] = (
    (Decimal("88.31"), "A"),
    (Decimal("76.61"), "B"),
    (Decimal("65.00"), "C"),
    (Decimal("25.00"), "D"),
)

# Krejcie & Morgan (1970), population N → sample S, as published (95 % confidence, 5 %
# margin, p = 0.5). A test checks every row against their formula.
KREJCIE_MORGAN: tuple[tuple[int, int], ...] = (
    (10, 10), (15, 14), (20, 19), (25, 24), (30, 28), (35, 32), (40, 36), (45, 40), (50, 44),
    (55, 48), (60, 52), (65, 56), (70, 59), (75, 63), (80, 66), (85, 70), (90, 73), (95, 76),
    (100, 80), (110, 86), (120, 92), (130, 97), (140, 103), (150, 108), (160, 113), (170, 118),
    (180, 123), (190, 127), (200, 132), (210, 136), (220, 140), (230, 144), (240, 148),
    (250, 152), (260, 155), (270, 159), (280, 162), (290, 165), (300, 169), (320, 175),
    (340, 181), (360, 186), (380, 191), (400, 196), (420, 201), (440, 205), (460, 210),
    (480, 214), (500, 217), (550, 226), (600, 234), (650, 242), (700, 248), (750, 254),
    (800, 260), (850, 265), (900, 269), (950, 274), (1000, 278), (1100, 285), (1200, 291),
    (1300, 297), (1400, 302), (1500, 306), (1600, 310), (1700, 313), (1800, 317), (1900, 320),
    (2000, 322), (2200, 327), (2400, 331), (2600, 335), (2800, 338), (3000, 341), (3500, 346),
    (4000, 351), (4500, 354), (5000, 357), (6000, 361), (7000, 364), (8000, 367), (9000, 368),
    (10000, 370), (15000, 375), (20000, 377), (30000, 379), (40000, 380), (50000, 381),
    (75000, 382), (1000000, 384),
)  # fmt: skip


class InvalidScore(ValueError):
    """An answer outside 1-4, or not a whole number; ``row`` counts respondents from 1."""

    def __init__(self, row: int, element: int, value: object) -> None:
        super().__init__(f"row {row}: u{element} is {value!r}; scores are whole numbers 1 to 4")
        self.row = row
        self.element = element
        self.value = value


@dataclass(frozen=True)
class Result:
    respondents: int
    element_nrr: tuple[Fraction, ...]  # exact
    index: Fraction  # exact weighted index, 1-4
    ikm: Decimal  # converted, rounded to 2 decimals
    grade: Grade

    def as_json(self) -> dict[str, object]:
        """The contract of ``manage.py ikm``: exact values as floats, the IKM with 2 decimals."""
        return {
            "respondents": self.respondents,
            "element_nrr": [float(value) for value in self.element_nrr],
            "index": float(self.index),
            "ikm": float(self.ikm),
            "grade": self.grade,
        }


def round_half_up(value: Fraction, places: int) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    # Decimal division keeps 28 significant digits: far more than any tie needs here (a tie
    # at 2 or 3 places of a sum over n respondents is exact in decimal for n ≤ 10^20).
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def grade_for(ikm: Decimal) -> Grade:
    """The band of a converted index already rounded to 2 decimals."""
    for lowest, grade in GRADE_BANDS:
        if ikm >= lowest:
            return grade
    raise ValueError(f"a converted index runs from 25 to 100, not {ikm}")


def from_totals(totals: Sequence[int], respondents: int) -> Result:
    """The index from each element's sum of answers and the number of respondents."""
    if len(totals) != ELEMENTS:
        raise ValueError(f"expected {ELEMENTS} element totals, got {len(totals)}")
    if respondents <= 0:
        raise ValueError("no respondents")
    for element, total in enumerate(totals, start=1):
        if not SCALE[0] * respondents <= total <= SCALE[-1] * respondents:
            raise ValueError(f"u{element} total {total} is impossible for {respondents} answers")
    nrr = tuple(Fraction(total, respondents) for total in totals)
    index = sum((value * WEIGHT for value in nrr), Fraction(0))
    ikm = round_half_up(index * CONVERSION, 2)
    return Result(respondents, nrr, index, ikm, grade_for(ikm))


def check_score(value: object, row: int, element: int) -> int:
    """One answer as an int 1-4; anything else (3.5, "4 ", "", True) raises InvalidScore."""
    if isinstance(value, bool):
        raise InvalidScore(row, element, value)
    if isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"[+]?\d+", text):
            raise InvalidScore(row, element, value)
        value = int(text)
    if not isinstance(value, int) or value not in SCALE:
        raise InvalidScore(row, element, value)
    return value


def compute(rows: Iterable[Sequence[object]]) -> Result:
    """The index from one row of nine answers per respondent (checked: 1-4 whole numbers)."""
    totals = [0] * ELEMENTS
    respondents = 0
    for row_number, row in enumerate(rows, start=1):
        if len(row) != ELEMENTS:
            raise ValueError(f"row {row_number}: expected {ELEMENTS} answers, got {len(row)}")
        for element, value in enumerate(row, start=1):
            totals[element - 1] += check_score(value, row_number, element)
        respondents = row_number
    return from_totals(totals, respondents)


def minimum_sample(population: int) -> int:
    """Krejcie & Morgan: the respondents needed for a population (services in the period)."""
    if population <= 0:
        return 0
    if population < KREJCIE_MORGAN[0][0]:
        return population
    for rows, sample in KREJCIE_MORGAN:
        if population <= rows:
            return sample
    return KREJCIE_MORGAN[-1][1]


# --- periods: quarter, semester, year --------------------------------------------------------

PeriodKind = Literal["quarter", "semester", "year"]
_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?P<kind>[QS])(?P<part>\d))?$")


@dataclass(frozen=True)
class Period:
    """A reporting period, written "2025" (year), "2025-S1" (semester), "2025-Q3" (quarter)."""

    year: int
    kind: PeriodKind
    part: int = 1

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD.match(text.strip().upper())
        if match is None:
            raise ValueError(f"not a period: {text!r}")
        year = int(match["year"])
        if not match["kind"]:
            return cls(year, "year")
        kind: PeriodKind = "quarter" if match["kind"] == "Q" else "semester"
        part = int(match["part"])
        if not 1 <= part <= (4 if kind == "quarter" else 2):
            raise ValueError(f"not a period: {text!r}")
        return cls(year, kind, part)

    @classmethod
    def quarter_of(cls, day: dt.date) -> Period:
        return cls(day.year, "quarter", (day.month - 1) // 3 + 1)

    @property
    def months(self) -> int:
        return {"quarter": 3, "semester": 6, "year": 12}[self.kind]

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, (self.part - 1) * self.months + 1, 1)

    @property
    def end(self) -> dt.date:
        """The first day after the period."""
        month = self.start.month + self.months
        return dt.date(self.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)

    @property
    def code(self) -> str:
        if self.kind == "year":
            return str(self.year)
        return f"{self.year}-{'Q' if self.kind == 'quarter' else 'S'}{self.part}"

    def previous(self) -> Period:
        if self.kind == "year":
            return Period(self.year - 1, "year")
        count = 4 if self.kind == "quarter" else 2
        if self.part == 1:
            return Period(self.year - 1, self.kind, count)
        return Period(self.year, self.kind, self.part - 1)

    def __str__(self) -> str:
        return self.code
