"""How the figures are shown: the regulation's grade names, rounded values, the CSV rows.

Display rounding (docs/feedback.md): NRR 3 decimals, weighted index 4, IKM 2 (the value the
grade is read from), all half away from zero, from the exact fractions of ``ikm.Result``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from imigrasi.catalog.models import Office
from imigrasi.feedback import ikm
from imigrasi.feedback.forms import ELEMENTS
from imigrasi.feedback.queries import Figures

# The regulation's names for the service quality grades (mutu pelayanan); a context of their
# own, since the survey's answer scale uses some of the same English words differently.
GRADE_LABELS: dict[str, Promise] = {
    "A": pgettext_lazy("service quality grade", "Very good"),
    "B": pgettext_lazy("service quality grade", "Good"),
    "C": pgettext_lazy("service quality grade", "Not good"),
    "D": pgettext_lazy("service quality grade", "Poor"),
}


@dataclass(frozen=True)
class ElementRow:
    number: int
    name: Promise
    nrr: Decimal
    weighted: Decimal


def element_rows(result: ikm.Result | None) -> list[ElementRow]:
    if result is None:
        return []
    return [
        ElementRow(
            element.number,
            element.name,
            ikm.round_half_up(value, 3),
            ikm.round_half_up(value * ikm.WEIGHT, 4),
        )
        for element, value in zip(ELEMENTS, result.element_nrr, strict=True)
    ]


CSV_HEADER = [
    "period",
    "office_code",
    "office",
    "service_code",
    "service",
    "respondents",
    "population",
    "minimum_sample",
    "sample_reached",
    *[f"nrr_u{i}" for i in range(1, 10)],
    "index",
    "ikm",
    "grade",
]


def _figures_row(period: ikm.Period, figures: Figures, office: Office | None) -> list[str]:
    if office is None:  # a row per office
        place = [figures.key, figures.label, "", ""]
    else:  # a row per service of one office
        place = [office.code, office.name, figures.key, figures.label]
    result = figures.result
    scores = (
        [
            *[str(ikm.round_half_up(value, 3)) for value in result.element_nrr],
            str(ikm.round_half_up(result.index, 4)),
            str(result.ikm),
            result.grade,
        ]
        if result is not None
        else [""] * 12
    )
    return [
        period.code,
        *place,
        str(figures.respondents),
        str(figures.population),
        str(figures.minimum_sample),
        "yes" if figures.sample_reached else "no",
        *scores,
    ]


def csv_rows(
    period: ikm.Period,
    figures: list[Figures],
    *,
    services: list[Figures] | None = None,
    office: Office | None = None,
) -> list[list[str]]:
    """Machine-readable: codes as well as names, '.' decimals, one header row."""
    rows = [CSV_HEADER]
    rows += [_figures_row(period, item, None) for item in figures]
    rows += [_figures_row(period, item, office) for item in services or []]
    return rows
