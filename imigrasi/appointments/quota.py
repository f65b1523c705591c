"""Per-slot quotas applied from the analytics advice: one audited action.

The booking capacity model is the office policy (one number of online and priority places per
slot) plus, for a period, a ``SlotQuota`` per weekday and start time. Applying a plan
replaces the quotas that overlap its period, and resizes the slots already on sale in it —
never below the places already taken, so nobody loses a booking.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest

from imigrasi.accounts.models import User
from imigrasi.appointments.models import Pool, Slot, SlotQuota
from imigrasi.audit.recording import record_event
from imigrasi.catalog.models import Office


@dataclass(frozen=True)
class QuotaLine:
    weekday: int
    starts: dt.time
    online: int
    priority: int


def do_apply_quota_plan(
    office: Office,
    lines: Sequence[QuotaLine],
    valid_from: dt.date,
    valid_until: dt.date,
    actor: User,
) -> int:
    """Returns how many slots already on sale were resized."""
    if valid_until < valid_from:
        raise ValueError("valid_until before valid_from")
    by_key = {(line.weekday, line.starts): line for line in lines}
    start = dt.datetime.combine(valid_from, dt.time(), tzinfo=office.zone)
    end = dt.datetime.combine(valid_until + dt.timedelta(days=1), dt.time(), tzinfo=office.zone)
    resized = 0
    with transaction.atomic():
        SlotQuota.objects.filter(
            office=office, valid_from__lte=valid_until, valid_until__gte=valid_from
        ).delete()
        SlotQuota.objects.bulk_create(
            SlotQuota(
                office=office,
                weekday=line.weekday,
                starts=line.starts,
                online_per_slot=line.online,
                priority_per_slot=line.priority,
                valid_from=valid_from,
                valid_until=valid_until,
                applied_by=actor,
            )
            for line in lines
        )
        slots = Slot.objects.select_for_update().filter(
            office=office,
            pool__in=[Pool.ONLINE, Pool.PRIORITY],
            starts_at__gte=start,
            starts_at__lt=end,
        )
        for slot in slots:
            local = slot.starts_at.astimezone(office.zone)
            line = by_key.get((local.weekday(), local.time()))
            if line is None:
                continue
            wanted = line.online if slot.pool == Pool.ONLINE else line.priority
            if wanted != slot.capacity:
                resized += Slot.objects.filter(pk=slot.pk).update(
                    capacity=Greatest(F("taken"), Value(wanted))
                )
        record_event(
            actor=actor,
            action="appointments.quota_applied",
            obj=office,
            after={
                "from": valid_from.isoformat(),
                "until": valid_until.isoformat(),
                "slots_per_week": len(lines),
                "online_places_per_week": sum(line.online for line in lines),
                "priority_places_per_week": sum(line.priority for line in lines),
                "resized_slots": resized,
            },
        )
    return resized
