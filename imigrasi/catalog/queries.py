"""Reads of the catalog: which requirements and fees apply to a given application."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from imigrasi.catalog.conditions import Facts, applies
from imigrasi.catalog.models import FeeLine, Requirement, Service, ServiceVariant


def jakarta_today() -> dt.date:
    """Fees change at midnight WIB (regulations are dated in Jakarta time)."""
    return timezone.localdate(timezone=dt.timezone(dt.timedelta(hours=7)))


def active_services() -> QuerySet[Service]:
    return Service.objects.filter(is_active=True)


def service_with_details(code: str) -> Service | None:
    return (
        active_services()
        .prefetch_related(
            "variants",
            "requirements",
            Prefetch("fee_lines", queryset=FeeLine.objects.select_related("variant")),
            "addons",
        )
        .filter(code=code)
        .first()
    )


def effective_fee_lines(service: Service, on: dt.date | None = None) -> list[FeeLine]:
    day = on or jakarta_today()
    return [line for line in service.fee_lines.all() if line.is_effective_on(day)]


def effective_fee_lines_qs(on: dt.date) -> Q:
    return Q(effective_from__lte=on) & (Q(effective_to__isnull=True) | Q(effective_to__gte=on))


@dataclass(frozen=True)
class FeeQuote:
    lines: list[FeeLine]
    on: dt.date

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)


def quote(
    service: Service,
    variant: ServiceVariant | None,
    facts: Facts,
    addons: Iterable[Service] = (),
    on: dt.date | None = None,
) -> FeeQuote:
    """The fee lines an application pays: its variant's lines whose condition holds, add-ons."""
    day = on or jakarta_today()
    lines = [
        line
        for line in FeeLine.objects.filter(service=service)
        .filter(effective_fee_lines_qs(day))
        .select_related("variant")
        if (line.variant_id is None or (variant is not None and line.variant_id == variant.pk))
        and applies(line.condition, facts)
    ]
    for addon in addons:
        lines.extend(
            line
            for line in FeeLine.objects.filter(service=addon).filter(effective_fee_lines_qs(day))
            if applies(line.condition, facts)
        )
    return FeeQuote(lines=lines, on=day)


def applicable_requirements(service: Service, facts: Facts) -> list[Requirement]:
    return [req for req in service.requirements.all() if applies(req.condition, facts)]
