"""Reads for booking: offices by distance, why an office cannot serve, free slots."""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db.models import F
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from imigrasi.accounts.models import User
from imigrasi.applications.models import Person
from imigrasi.appointments.models import Booking, OfficeService, Pool, Slot
from imigrasi.appointments.schedule import (
    ensure_slots,
    local_now,
    released_until,
    why_not_bookable,
)
from imigrasi.catalog.models import Office, Service
from imigrasi.lib.lean_query import LeanQuery

# Booking needs only who the person is (their identity indexes), not their encrypted profile:
# loading and decrypting it on every rush request cost more than the query.
_person_for_booking = LeanQuery(
    lambda: (
        Person.objects.only("id", "public_id", "account_id", "nik_index", "passport_index")
        .filter(account_id=0, public_id="00000000-0000-0000-0000-000000000000")
        .order_by()[:1]
    )
)


def person_for_booking(account: User, public_id: str) -> Person | None:
    """The account's own person with this public id (profile fields deferred), else None."""
    import uuid

    try:
        wanted = uuid.UUID(public_id)
    except (TypeError, ValueError):
        return None
    from django.db import connection

    key = Person._meta.get_field("public_id").get_db_prep_value(wanted, connection)
    row = _person_for_booking.first([account.pk, key])
    return None if row is None else _person_for_booking.instance_of(Person, row)


CITIES_FILE = Path(__file__).parent / "data" / "cities.json"


@lru_cache(maxsize=1)
def cities() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(CITIES_FILE.read_text(encoding="utf-8"))
    return rows


def city(name: str) -> dict[str, Any] | None:
    return next((c for c in cities() if c["name"].lower() == (name or "").lower()), None)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine); good enough to rank offices."""
    rlat1, rlat2 = math.radians(lat1), math.radians(lat2)
    dlat, dlon = rlat2 - rlat1, math.radians(lon2 - lon1)
    a = math.sin(dlat / 2) ** 2 + math.cos(rlat1) * math.cos(rlat2) * math.sin(dlon / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class OfficeOption:
    office: Office
    distance_km: float | None
    can_serve: bool
    reason: str


def office_options(service: Service, near: str = "") -> list[OfficeOption]:
    """Every active office, nearest first; those that cannot serve say why (not hidden)."""
    origin = city(near)
    offered = {o.office_id: o for o in OfficeService.objects.filter(service=service)}
    english = (get_language() or "id").startswith("en")
    options = []
    for office in Office.objects.filter(is_active=True):
        distance = (
            distance_km(
                origin["lat"], origin["lon"], float(office.latitude), float(office.longitude)
            )
            if origin
            else None
        )
        entry = offered.get(office.pk)
        if entry is None:
            reason, can = _("This office does not offer this service."), False
        elif not entry.is_available:
            reason = (entry.unavailable_reason_en if english else entry.unavailable_reason_id) or _(
                "Temporarily not available at this office."
            )
            can = False
        else:
            reason, can = "", True
        options.append(OfficeOption(office, distance, can, reason))
    options.sort(
        key=lambda o: (
            not o.can_serve,
            o.distance_km if o.distance_km is not None else 0,
            o.office.name,
        )
    )
    return options


def free_slots(office: Office, day: dt.date) -> list[Slot]:
    if why_not_bookable(office, day) is not None:
        return []
    ensure_slots(office, day)
    start = dt.datetime.combine(day, dt.time(0), tzinfo=office.zone)
    slots = Slot.objects.filter(
        office=office,
        pool=Pool.ONLINE,
        starts_at__gte=start,
        starts_at__lt=start + dt.timedelta(days=1),
    ).order_by("starts_at")
    now = timezone.now()
    return [s for s in slots if s.free > 0 or _has_expired_holds(s, now)]


def _has_expired_holds(slot: Slot, now: dt.datetime) -> bool:
    return Booking.objects.filter(slot=slot, status="held", hold_expires_at__lt=now).exists()


def bookable_days(office: Office, limit: int = 60) -> list[tuple[dt.date, str | None]]:
    """The coming days with either nothing against them or the reason they are closed."""
    today = timezone.now().astimezone(office.zone).date()
    last = min(released_until(office), today + dt.timedelta(days=limit))
    days = []
    day = today + dt.timedelta(days=1)
    while day <= last:
        days.append((day, why_not_bookable(office, day)))
        day += dt.timedelta(days=1)
    return days


@dataclass(frozen=True)
class NextSlot:
    office: Office
    slot: Slot
    distance_km: float | None


def next_available(
    service: Service, near: str = "", offices: int = 5, days: int = 30
) -> list[NextSlot]:
    """The earliest free slot at each of the nearest offices that serve the service."""
    found = []
    for option in office_options(service, near):
        if not option.can_serve:
            continue
        for day, reason in bookable_days(option.office, days):
            if reason:
                continue
            slots = free_slots(option.office, day)
            if slots:
                found.append(NextSlot(option.office, slots[0], option.distance_km))
                break
        if len(found) >= offices:
            break
    return found


# --- slot references: "kanim-jakarta-selatan:20261203T0800" (office code, local start) --------


def slot_ref(slot: Slot) -> str:
    return f"{slot.office.code}:{slot.starts_at.astimezone(slot.office.zone):%Y%m%dT%H%M}"


def slot_from_ref(ref: str) -> Slot | None:
    """The online-pool slot a reference names, creating the day's slots on first use; None
    for anything malformed, unknown, closed or not yet released."""
    ref = (ref or "").strip()
    cached = _slots_by_ref.get(ref)
    if cached is not None and time.monotonic() - cached[0] < _slot_ttl():
        return cached[1]
    slot = _slot_from_ref(ref)
    if slot is not None:
        if len(_slots_by_ref) > 10_000:
            _slots_by_ref.clear()
        _slots_by_ref[ref] = (time.monotonic(), slot)
    return slot


# A slot's identity (office, start, pool) never changes, and the capacity check happens in the
# database, so the rush path can name a slot from memory. Cleared with the office config.
_slots_by_ref: dict[str, tuple[float, Slot]] = {}


def _slot_ttl() -> float:
    from django.conf import settings

    return float(settings.BOOKING_CONFIG_CACHE_SECONDS)


def _slot_from_ref(ref: str) -> Slot | None:
    from imigrasi.appointments import config

    code, _sep, stamp = ref.partition(":")
    office = config.office_by_code(code) if code and stamp else None
    if office is None:
        return None
    try:
        local = dt.datetime.strptime(stamp, "%Y%m%dT%H%M").replace(tzinfo=office.zone)
        local.astimezone(dt.UTC)  # year 1 or 9999 cannot be stored: refuse, not a 500
    except (ValueError, OverflowError):
        return None
    today = local_now(office).date()
    if not today <= local.date() <= released_until(office):
        return None  # never create slots for arbitrary dates someone typed into a URL
    slot = _slot_at(office, local)
    if slot is None and config.closed_reason(office, local.date()) is None:
        ensure_slots(office, local.date())
        slot = _slot_at(office, local)
    return slot


def _slot_at(office: Office, local: dt.datetime) -> Slot | None:
    slot = Slot.objects.filter(office=office, starts_at=local, pool=Pool.ONLINE).first()
    if slot is not None:
        slot.office = office  # the cached instance: its policy is already loaded
    return slot


_alternatives: dict[tuple[int, int], tuple[float, list[Slot]]] = {}


def alternatives(office: Office, after: dt.datetime, count: int = 3) -> list[Slot]:
    """The next free online slots at the same office (offered when a chosen slot filled up).
    Remembered for two seconds per office: in a rush every loser asks the same question."""
    from imigrasi.appointments import config

    key = (office.pk, int(after.timestamp()) // 60)
    hit = _alternatives.get(key)
    if hit is not None and time.monotonic() - hit[0] < 2:
        return hit[1]
    tomorrow = dt.datetime.combine(
        timezone.now().astimezone(office.zone).date() + dt.timedelta(days=1),
        dt.time(0),
        tzinfo=office.zone,
    )
    found = [
        s
        for s in Slot.objects.filter(
            office=office,
            pool=Pool.ONLINE,
            starts_at__gte=max(after, tomorrow),
            taken__lt=F("capacity"),
        ).order_by("starts_at")[: count * 3]
        if config.closed_reason(office, s.starts_at.astimezone(office.zone).date()) is None
    ][:count]
    for s in found:
        s.office = office
    if len(_alternatives) > 1000:
        _alternatives.clear()
    _alternatives[key] = (time.monotonic(), found)
    return found


def bookings_of(account: Any) -> list[Booking]:
    """The account's bookings, upcoming active ones first."""
    rows = list(
        Booking.objects.filter(account=account)
        .exclude(status="expired")
        .select_related("office", "slot", "service", "application", "person")
        .order_by("-slot__starts_at")[:50]
    )
    active = [b for b in rows if b.status in {"held", "confirmed", "checked_in"}]
    active.sort(key=lambda b: b.slot.starts_at)
    return active + [b for b in rows if b not in active]
