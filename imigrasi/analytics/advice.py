"""Staffing and quota advice for one office, from the forecast marts and the bookings made.

Hourly demand is top-down: each day's forecast spread over the hours by the office's recent
weekday × hour profile of arrivals (last 8 weeks). Booked visits are known demand and come
off first: their counter time is planned as is (booked × handling time), and only the rest —
walk-ins, which arrive at random — goes through Erlang C for the service-level target.
Handling time is the office's measured mean service time (fallback: its booking policy).

Quota advice per slot: expected demand in the slot; a priority quota matching the measured
share of priority visitors (at least one place); and online places for the rest of the
demand up to what the counters can serve, so people book instead of queueing at the door.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from imigrasi.analytics.queries import Filters, MartReader
from imigrasi.analytics.staffing import required_agents
from imigrasi.appointments.models import (
    ACTIVE_BOOKING,
    Booking,
    BookingPolicy,
    BookingStatus,
    Counter,
)
from imigrasi.catalog.models import Office

PROFILE_WEEKS = 8


@dataclass(frozen=True)
class HourAdvice:
    day: dt.date
    hour: int
    forecast: float  # all arrivals expected in the hour
    booked: int  # visits already booked in the hour
    counters: int  # counters to open
    service_level: float  # expected share called within the target (walk-ins)


@dataclass(frozen=True)
class SlotAdvice:
    weekday: int
    starts: dt.time
    demand: float
    online: int
    priority: int


@dataclass(frozen=True)
class OfficeProfile:
    shares: dict[tuple[int, int], float]  # (weekday, hour) → share of that weekday's arrivals
    handle_minutes: float
    priority_share: float


@dataclass(frozen=True)
class Outlook:
    """What both kinds of advice start from, read once per page: the office's profile and
    its daily forecast from ``first`` on."""

    office: Office
    first: dt.date
    profile: OfficeProfile
    forecast: dict[dt.date, float]


def office_profile(office: Office, today: dt.date, base: Path | None = None) -> OfficeProfile:
    filters = Filters(today - dt.timedelta(weeks=PROFILE_WEEKS), today, (office.code,))
    with MartReader(filters, base) as reader:
        rows = reader.rows(
            "queue_hourly",
            "isodow(day) - 1, hour, SUM(arrivals), SUM(priority), SUM(service_seconds),"
            " SUM(served)",
            tail="GROUP BY ALL",
        )
    totals: dict[int, float] = defaultdict(float)
    for weekday, _hour, arrivals, *_ in rows:
        totals[int(weekday)] += float(arrivals)
    shares = {
        (int(weekday), int(hour)): float(arrivals) / totals[int(weekday)]
        for weekday, hour, arrivals, *_ in rows
        if totals[int(weekday)]
    }
    arrivals = sum(float(row[2]) for row in rows)
    served = sum(float(row[5] or 0) for row in rows)
    seconds = sum(float(row[4] or 0) for row in rows)
    policy = BookingPolicy.objects.filter(office=office).first()
    fallback = float(policy.default_service_minutes if policy else 15)
    return OfficeProfile(
        shares=shares,
        handle_minutes=seconds / served / 60 if served else fallback,
        priority_share=sum(float(row[3]) for row in rows) / arrivals if arrivals else 0.1,
    )


def daily_forecast(
    office: Office, first: dt.date, last: dt.date, base: Path | None = None
) -> dict[dt.date, float]:
    with MartReader(Filters(first, last, (office.code,)), base) as reader:
        rows = reader.rows(
            "forecast_daily", "date, SUM(forecast)", column="date", tail="GROUP BY date"
        )
    return {day: float(value) for day, value in rows}


def booked_by_hour(office: Office, first: dt.date, last: dt.date) -> dict[tuple[dt.date, int], int]:
    start = dt.datetime.combine(first, dt.time(), tzinfo=office.zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=office.zone)
    counts: dict[tuple[dt.date, int], int] = defaultdict(int)
    statuses = [*ACTIVE_BOOKING, BookingStatus.CHECKED_IN]
    for starts_at in Booking.objects.filter(
        office=office, status__in=statuses, slot__starts_at__gte=start, slot__starts_at__lt=end
    ).values_list("slot__starts_at", flat=True):
        local = starts_at.astimezone(office.zone)
        counts[(local.date(), local.hour)] += 1
    return counts


def outlook(
    office: Office, first: dt.date, days: int, today: dt.date, base: Path | None = None
) -> Outlook:
    """The profile of the weeks before ``today`` and the forecast for ``days`` from ``first``."""
    last = first + dt.timedelta(days=days - 1)
    return Outlook(
        office,
        first,
        office_profile(office, today, base),
        daily_forecast(office, first, last, base),
    )


def staffing_plan(outlook: Outlook, days: int) -> list[HourAdvice]:
    """Counters per hour for the first ``days`` of the outlook."""
    office, profile = outlook.office, outlook.profile
    last = outlook.first + dt.timedelta(days=days - 1)
    forecast = {day: total for day, total in outlook.forecast.items() if day <= last}
    booked = booked_by_hour(office, outlook.first, last)
    handle = profile.handle_minutes
    plan = []
    for day, total in sorted(forecast.items()):
        for (weekday, hour), share in sorted(profile.shares.items()):
            if weekday != day.weekday() or total * share < 0.05:
                continue
            expected = total * share
            known = booked.get((day, hour), 0)
            random_arrivals = max(0.0, expected - known)
            walk_in = required_agents(
                random_arrivals,
                60.0,
                handle,
                target_wait=float(settings.QUEUE_TARGET_WAIT_MINUTES),
                target_level=settings.QUEUE_TARGET_SERVICE_LEVEL,
                max_occupancy=settings.QUEUE_MAX_OCCUPANCY,
            )
            booked_counters = math.ceil(known * handle / 60.0 / settings.QUEUE_MAX_OCCUPANCY)
            plan.append(
                HourAdvice(
                    day,
                    hour,
                    round(expected, 1),
                    known,
                    walk_in.agents + booked_counters,
                    walk_in.service_level,
                )
            )
    return plan


def quota_advice(outlook: Outlook) -> list[SlotAdvice]:
    """Per weekday and slot start: the busiest expected demand over the whole outlook."""
    office, profile = outlook.office, outlook.profile
    policy = BookingPolicy.objects.filter(office=office).first()
    slot_minutes = policy.slot_minutes if policy else 30
    counters = Counter.objects.filter(office=office, is_active=True).count() or 1
    capacity = max(1, math.floor(counters * slot_minutes / profile.handle_minutes))
    peak: dict[tuple[int, int], float] = defaultdict(float)
    for day, total in outlook.forecast.items():
        for (weekday, hour), share in profile.shares.items():
            if weekday == day.weekday():
                peak[(weekday, hour)] = max(peak[(weekday, hour)], total * share)
    advice = []
    for (weekday, hour), per_hour in sorted(peak.items()):
        per_slot = per_hour * slot_minutes / 60
        if per_slot < 0.5:
            continue
        priority = max(1, math.ceil(per_slot * profile.priority_share))
        online = max(0, min(capacity - priority, round(per_slot - priority)))
        for start in range(0, 60, slot_minutes):
            advice.append(
                SlotAdvice(weekday, dt.time(hour, start), round(per_slot, 1), online, priority)
            )
    return advice
