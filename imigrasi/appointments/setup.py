"""Default office configuration: hours, policy, services offered, counters.

Used by the demo loader and by `manage.py configure_offices` for a first installation; every
value is then editable per office in the admin.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from imigrasi.appointments.models import BookingPolicy, Counter, OfficeHours, OfficeService
from imigrasi.catalog.models import Office, Service

# Typical hours (domain brief §1.3): 08:00-16:00 with a lunch break, longer on Friday.
WEEKLY_HOURS = {
    0: (dt.time(8), dt.time(16), dt.time(12), dt.time(13)),
    1: (dt.time(8), dt.time(16), dt.time(12), dt.time(13)),
    2: (dt.time(8), dt.time(16), dt.time(12), dt.time(13)),
    3: (dt.time(8), dt.time(16), dt.time(12), dt.time(13)),
    4: (dt.time(8), dt.time(16), dt.time(11, 30), dt.time(13)),
}
PREFIXES = {"passport": "A", "visa": "B", "stay_permit": "C"}


@transaction.atomic
def configure_office(office: Office) -> None:
    BookingPolicy.objects.get_or_create(office=office)
    for weekday, (opens, closes, break_starts, break_ends) in WEEKLY_HOURS.items():
        OfficeHours.objects.get_or_create(
            office=office,
            weekday=weekday,
            defaults={
                "opens": opens,
                "closes": closes,
                "break_starts": break_starts,
                "break_ends": break_ends,
            },
        )
    passport_only = office.kind == "ulp"
    for service in Service.objects.filter(is_active=True, is_addon=False, requires_visit=True):
        if passport_only and service.family != "passport":
            continue
        OfficeService.objects.get_or_create(
            office=office,
            service=service,
            defaults={"queue_prefix": PREFIXES[service.family]},
        )
    # Counter 4 is the priority desk (domain brief: priority lane) and serves every family.
    counters = [("1", "A", False), ("2", "A", False), ("3", "A", False)]
    if passport_only:
        counters.append(("4", "A", True))
    else:
        counters += [("4", "ABC", True), ("5", "BC", False)]
    for code, prefixes, serves_priority in counters:
        Counter.objects.get_or_create(
            office=office,
            code=code,
            defaults={"prefixes": prefixes, "serves_priority": serves_priority},
        )


def configure_all_offices() -> int:
    offices = list(Office.objects.filter(is_active=True))
    for office in offices:
        configure_office(office)
    return len(offices)
