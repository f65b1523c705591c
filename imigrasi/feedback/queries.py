"""The published results: IKM per office, per service and period, from the stored answers.

The database adds up each element's answers (one grouped query); ``ikm.from_totals`` does the
regulation's arithmetic, so the page, the CSV and ``manage.py ikm`` share one computation.
The population of a period (for the minimum sample) is the number of services completed in it,
i.e. the invitations made for it.

``office_results`` is also what an analytics panel would read (no mart needed: a quarter of a
busy office is a few thousand rows, summed by an index on (office, served_on)).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone

from imigrasi.catalog.models import Office, Service, bilingual
from imigrasi.feedback import ikm
from imigrasi.feedback.models import Invitation, Response

_SUMS = {f"t{i}": Sum(f"u{i}") for i in range(1, 10)}


@dataclass(frozen=True)
class Figures:
    """One row of the published table: a unit (office, or office and service) in a period."""

    key: str  # office code, or service code within an office
    label: str
    respondents: int
    population: int
    result: ikm.Result | None  # None without respondents

    @property
    def minimum_sample(self) -> int:
        return ikm.minimum_sample(self.population)

    @property
    def sample_reached(self) -> bool:
        return self.respondents > 0 and self.respondents >= self.minimum_sample


def _result(row: Mapping[str, Any]) -> ikm.Result | None:
    respondents = int(row.get("n") or 0)
    if respondents == 0:
        return None
    return ikm.from_totals([int(row[f"t{i}"] or 0) for i in range(1, 10)], respondents)


def _in(period: ikm.Period) -> dict[str, dt.date]:
    return {"served_on__gte": period.start, "served_on__lt": period.end}


def offices_results(period: ikm.Period) -> list[Figures]:
    """Every active office that served anyone in the period (two queries in all)."""
    sums: dict[int, dict[str, Any]] = {
        row["office_id"]: dict(row)
        for row in Response.objects.filter(**_in(period))
        .values("office_id")
        .annotate(n=Count("pk"), **_SUMS)
        .order_by()
    }
    population = dict(
        Invitation.objects.filter(**_in(period))
        .values("office_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("office_id", "n")
    )
    offices = Office.objects.filter(pk__in=set(sums) | set(population)).order_by("name")
    return [
        Figures(
            key=office.code,
            label=office.name,
            respondents=int(sums.get(office.pk, {}).get("n") or 0),
            population=int(population.get(office.pk, 0)),
            result=_result(sums[office.pk]) if office.pk in sums else None,
        )
        for office in offices
    ]


def office_results(office: Office, period: ikm.Period) -> Figures:
    row = Response.objects.filter(office=office, **_in(period)).aggregate(n=Count("pk"), **_SUMS)
    population = Invitation.objects.filter(office=office, **_in(period)).count()
    return Figures(
        key=office.code,
        label=office.name,
        respondents=int(row["n"] or 0),
        population=population,
        result=_result(row),
    )


def service_results(office: Office, period: ikm.Period) -> list[Figures]:
    """Per service at one office: the regulation asks for the index per type of service."""
    sums: dict[int, dict[str, Any]] = {
        row["service_id"]: dict(row)
        for row in Response.objects.filter(office=office, **_in(period))
        .values("service_id")
        .annotate(n=Count("pk"), **_SUMS)
        .order_by()
    }
    population = dict(
        Invitation.objects.filter(office=office, **_in(period))
        .values("service_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("service_id", "n")
    )
    services = Service.objects.filter(pk__in=set(sums) | set(population))
    figures = [
        Figures(
            key=service.code,
            label=bilingual(service, "name"),
            respondents=int(sums.get(service.pk, {}).get("n") or 0),
            population=int(population.get(service.pk, 0)),
            result=_result(sums[service.pk]) if service.pk in sums else None,
        )
        for service in services
    ]
    return sorted(figures, key=lambda f: f.label)


def recent_periods(today: dt.date | None = None) -> list[ikm.Period]:
    """What the period selector offers: the last 8 quarters, 4 semesters and 3 years, the
    current (incomplete) one first in each kind."""
    today = today or timezone.localdate()
    quarter = ikm.Period.quarter_of(today)
    semester = ikm.Period(today.year, "semester", 1 if today.month <= 6 else 2)
    year = ikm.Period(today.year, "year")
    periods: list[ikm.Period] = []
    for start, count in ((quarter, 8), (semester, 4), (year, 3)):
        current = start
        for _ in range(count):
            periods.append(current)
            current = current.previous()
    return periods


def default_period(today: dt.date | None = None) -> ikm.Period:
    """The last complete quarter: results are published after the period ends."""
    today = today or timezone.localdate()
    return ikm.Period.quarter_of(today).previous()
