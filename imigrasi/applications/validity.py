"""How long a granted visa or stay permit lasts: the one rule, fed by catalog data.

The periods are data on the service and its options (``Service.validity_years``,
``entry_within_days``, ``stay_days``, ``extends_permit``; ``ServiceVariant.validity_years``),
because visa regulations change them (domain brief §3, §10). This module only turns them into
dates, in this order:

1. An extension (e-VoA extension, ITAS extension) starts the day after the current document
   ends (or today, if that is already past) and lasts ``stay_days``, else as long as the
   current document did, else ``validity_years``. The current document is the one whose
   number the applicant gave, among the account's own unrevoked documents.
2. A period in years (the chosen option's, else the service's: D visas, E-index ITAS, ITAP)
   runs from the grant; a multiple-entry visit visa still has its first-entry window.
3. A single-entry visit visa (e-VoA, C-index) must be used within ``entry_within_days`` of the
   grant; the stay (``stay_days``) counts from the entry stamp, which we do not see. The
   signed document therefore stays valid until the last day a holder who entered on the last
   possible day may stay: a hotel or an employer checking it must not be told "expired"
   while the stay is lawful.
4. Anything else (a decision letter) has no end date.

Days are Jakarta calendar days; the last day is included (valid until 2026-03-31 means the
whole of that day, as ``credentials.actions`` signs it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from imigrasi.applications.models import Application
from imigrasi.applications.numbers import normalise_application_number
from imigrasi.catalog.models import Service, ServiceFamily
from imigrasi.credentials.models import IssuedCredential

GRANTED_FAMILIES = (ServiceFamily.VISA, ServiceFamily.STAY_PERMIT)


@dataclass(frozen=True)
class GrantValidity:
    valid_from: dt.date
    valid_until: dt.date | None
    enter_by: dt.date | None = None  # a visit visa must be used to enter by this day
    stay_days: int | None = None  # each stay lasts this long from the entry stamp


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _period_end(start: dt.date, years: int) -> dt.date:
    return add_years(start, years) - dt.timedelta(days=1)


def years_chosen(application: Application) -> int | None:
    """The chosen option's years (a 1-, 2- or 5-year D visa), else the service's."""
    if application.variant_code:
        variant = application.service.variants.filter(code=application.variant_code).first()
        if variant is not None and variant.validity_years:
            return variant.validity_years
    return application.service.validity_years


def current_permit(application: Application) -> IssuedCredential | None:
    """The account's own unrevoked document that an extension extends, by the number the
    applicant typed ("current_permit_number"). Another account's number counts as unknown."""
    raw = str((application.answers or {}).get("current_permit_number", ""))
    number = normalise_application_number(raw)
    if number is None:
        return None
    return (
        IssuedCredential.objects.filter(
            reference=number, subject_id=application.account_id, revoked_at__isnull=True
        )
        .order_by("-issued_at")
        .first()
    )


def _extension(application: Application, today: dt.date) -> GrantValidity:
    service = application.service
    current = current_permit(application)
    start = today
    if current is not None and current.valid_until is not None:
        start = max(today, current.valid_until + dt.timedelta(days=1))
    if service.stay_days:
        end: dt.date | None = start + dt.timedelta(days=service.stay_days - 1)
    elif current is not None and current.valid_from and current.valid_until:
        end = start + (current.valid_until - current.valid_from)
    elif years := years_chosen(application):
        end = _period_end(start, years)
    else:
        end = None
    return GrantValidity(start, end)


def grant_validity(application: Application, today: dt.date) -> GrantValidity | None:
    """The validity of the document granted by approving ``application`` on ``today``;
    None for services that grant no visa or stay permit (passports)."""
    service: Service = application.service
    if service.family not in GRANTED_FAMILIES:
        return None
    if service.extends_permit:
        return _extension(application, today)
    enter_by = (
        today + dt.timedelta(days=service.entry_within_days - 1)
        if service.entry_within_days
        else None
    )
    if years := years_chosen(application):
        return GrantValidity(today, _period_end(today, years), enter_by, service.stay_days)
    if enter_by is not None:
        stay = service.stay_days or 1
        return GrantValidity(
            today, enter_by + dt.timedelta(days=stay - 1), enter_by, service.stay_days
        )
    return GrantValidity(today, None)


def entry_terms(service: Service, valid_from: dt.date | None) -> GrantValidity | None:
    """For the holder's page: the first-entry deadline and stay length of an issued visit
    visa, recomputed from the catalog (they are not signed into the code)."""
    if valid_from is None or not (service.entry_within_days or service.stay_days):
        return None
    enter_by = (
        valid_from + dt.timedelta(days=service.entry_within_days - 1)
        if service.entry_within_days
        else None
    )
    return GrantValidity(valid_from, None, enter_by, service.stay_days)
