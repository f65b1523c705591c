"""Short-lived in-process copies of office configuration for the booking rush path.

At a quota release every request asks the same questions (is this office open that day, does
it offer this service, what is its policy). Answering them from a few-seconds-old copy keeps
the database for the one thing that must be exact: taking a place. Saving any configuration
row clears this process's copies at once; other processes see the change within
``BOOKING_CONFIG_CACHE_SECONDS``. Capacity and identity checks never read from here.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

from cachetools import TTLCache, cached
from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language

from imigrasi.appointments.models import (
    BookingPolicy,
    Counter,
    DateOverride,
    OfficeHours,
    OfficeService,
)
from imigrasi.appointments.schedule import policy_for, why_not_bookable
from imigrasi.catalog.models import Office, Service

_lock = threading.RLock()


def _ttl() -> float:
    return float(getattr(settings, "BOOKING_CONFIG_CACHE_SECONDS", 10))


_offices: TTLCache[str, Office | None] = TTLCache(maxsize=512, ttl=_ttl())
_services: TTLCache[str, Service | None] = TTLCache(maxsize=512, ttl=_ttl())
_offered: TTLCache[tuple[int, int], OfficeService | None] = TTLCache(maxsize=8192, ttl=_ttl())
_closed: TTLCache[tuple[int, dt.date, dt.date, int, str], str | None] = TTLCache(
    maxsize=8192, ttl=_ttl()
)


@cached(_offices, lock=_lock)
def office_by_code(code: str) -> Office | None:
    office = Office.objects.filter(code=code, is_active=True).first()
    if office is not None:
        policy_for(office)  # loads the one-to-one onto the instance, kept with it
    return office


@cached(_services, lock=_lock)
def service_by_code(code: str) -> Service | None:
    return Service.objects.filter(code=code, is_active=True).first()


@cached(_offered, lock=_lock)
def offered(office_id: int, service_id: int) -> OfficeService | None:
    return OfficeService.objects.filter(office_id=office_id, service_id=service_id).first()


def closed_reason(office: Office, day: dt.date) -> str | None:
    """why_not_bookable, remembered per day, language and current minute (release times
    are whole minutes, so a cached answer is never older than the release it reflects)."""
    now = timezone.now()
    key = (
        office.pk,
        day,
        now.astimezone(office.zone).date(),
        int(time.time() // 60),
        get_language() or "id",
    )
    with _lock:
        if key in _closed:
            return _closed[key]
    reason = why_not_bookable(office, day, now)
    with _lock:
        _closed[key] = reason
    return reason


def clear() -> None:
    from imigrasi.appointments import queries

    with _lock:
        for cache in (_offices, _services, _offered, _closed):
            cache.clear()
    queries._slots_by_ref.clear()


def _on_change(**kwargs: object) -> None:
    clear()


for _model in (Office, Service, OfficeService, BookingPolicy, OfficeHours, DateOverride, Counter):
    post_save.connect(_on_change, sender=_model, dispatch_uid=f"booking-config-{_model.__name__}")
    post_delete.connect(
        _on_change, sender=_model, dispatch_uid=f"booking-config-del-{_model.__name__}"
    )
