"""When an office is open and which of its days are on sale.

Opening hours are office-local (WIB/WITA/WIT); slots are stored in UTC. A day is closed on
weekends (unless an override opens it), on national holidays and cuti bersama (the `holidays`
package, imigrasi.lib.workdays), and on office-specific closures; an override can also open a
normally closed day. Days go on sale by the office's release policy.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from imigrasi.appointments.models import (
    BookingPolicy,
    DateOverride,
    OfficeHours,
    Pool,
    Slot,
    SlotQuota,
)
from imigrasi.catalog.models import Office
from imigrasi.lib.workdays import holiday_name

DEFAULT_POLICY = BookingPolicy()


def policy_for(office: Office) -> BookingPolicy:
    return getattr(office, "booking_policy", None) or BookingPolicy(office=office)


def local_now(office: Office) -> dt.datetime:
    return timezone.now().astimezone(office.zone)


@dataclass(frozen=True)
class DayPlan:
    windows: list[tuple[dt.time, dt.time]]
    closed_reason: str | None


def day_plan(office: Office, day: dt.date) -> DayPlan:
    override = DateOverride.objects.filter(office=office, date=day).first()
    if override is not None and not override.is_open:
        return DayPlan([], override.reason)
    hours = OfficeHours.objects.filter(office=office, weekday=day.weekday()).first()
    if override is not None and override.is_open:
        opens = override.opens or (hours.opens if hours else dt.time(8))
        closes = override.closes or (hours.closes if hours else dt.time(12))
        return DayPlan([(opens, closes)], None)
    holiday = holiday_name(day)
    if holiday:
        return DayPlan([], _("National holiday or collective leave: %(name)s") % {"name": holiday})
    if hours is None:
        return DayPlan([], _("The office is closed on this day of the week."))
    if hours.break_starts and hours.break_ends:
        windows = [(hours.opens, hours.break_starts), (hours.break_ends, hours.closes)]
    else:
        windows = [(hours.opens, hours.closes)]
    return DayPlan(windows, None)


def released_until(office: Office, now: dt.datetime | None = None) -> dt.date:
    """The last local date on sale now."""
    policy = policy_for(office)
    local = (now or timezone.now()).astimezone(office.zone)
    if policy.release_mode == "monthly":
        # A release day past the month's end (31 in April) means the month's last day.
        release_day = min(
            policy.release_day_of_month, calendar.monthrange(local.year, local.month)[1]
        )
        released_next_month = (local.day, local.time()) >= (release_day, policy.release_time)
        month_start = local.date().replace(day=1)
        months_ahead = 2 if released_next_month else 1
        year = month_start.year + (month_start.month - 1 + months_ahead) // 12
        month = (month_start.month - 1 + months_ahead) % 12 + 1
        return dt.date(year, month, 1) - dt.timedelta(days=1)
    horizon = policy.release_days_ahead - (0 if local.time() >= policy.release_time else 1)
    return local.date() + dt.timedelta(days=horizon)


def why_not_bookable(office: Office, day: dt.date, now: dt.datetime | None = None) -> str | None:
    """None when the day can be booked; otherwise the reason, translated, for the person."""
    local = (now or timezone.now()).astimezone(office.zone)
    if day <= local.date():
        return _("Book from tomorrow onwards; for today, come to the office (walk-in).")
    if day > released_until(office, now):
        policy = policy_for(office)
        if policy.release_mode == "monthly":
            return _(
                "Places for this date are not released yet. They are released on day "
                "%(day)s of the month at %(time)s."
            ) % {"day": policy.release_day_of_month, "time": policy.release_time.strftime("%H:%M")}
        return _(
            "Places for this date are not released yet. Each day at %(time)s the day "
            "%(days)s days ahead is released."
        ) % {"time": policy.release_time.strftime("%H:%M"), "days": policy.release_days_ahead}
    return day_plan(office, day).closed_reason


def slot_starts(office: Office, day: dt.date) -> list[dt.datetime]:
    policy = policy_for(office)
    step = dt.timedelta(minutes=policy.slot_minutes)
    starts = []
    for opens, closes in day_plan(office, day).windows:
        current = dt.datetime.combine(day, opens, tzinfo=office.zone)
        end = dt.datetime.combine(day, closes, tzinfo=office.zone)
        while current + step <= end:
            starts.append(current)
            current += step
    return starts


def _capacities(policy: dict[Pool, int], quota: SlotQuota | None) -> dict[Pool, int]:
    if quota is None:
        return policy
    return {**policy, Pool.ONLINE: quota.online_per_slot, Pool.PRIORITY: quota.priority_per_slot}


def ensure_slots(office: Office, day: dt.date) -> None:
    """Create the day's slots (every pool) if they do not exist yet; safe to call concurrently."""
    policy = policy_for(office)
    capacities = {
        Pool.ONLINE: policy.online_per_slot,
        Pool.PRIORITY: policy.priority_per_slot,
        Pool.ACCELERATION: policy.acceleration_per_slot,
    }
    step = dt.timedelta(minutes=policy.slot_minutes)
    quotas = {
        quota.starts: quota
        for quota in SlotQuota.objects.filter(
            office=office, weekday=day.weekday(), valid_from__lte=day, valid_until__gte=day
        ).order_by("applied_at")
    }
    rows = [
        Slot(office=office, starts_at=start, ends_at=start + step, pool=pool, capacity=capacity)
        for start in slot_starts(office, day)
        for pool, capacity in _capacities(capacities, quotas.get(start.time())).items()
        if capacity
    ]
    if rows:
        with transaction.atomic():
            Slot.objects.bulk_create(rows, ignore_conflicts=True)
