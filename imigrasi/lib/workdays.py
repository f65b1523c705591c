"""Working days in Indonesia: Monday to Friday, minus national holidays and cuti bersama.

The `holidays` package carries both (public and government categories), including estimated
Islamic dates; the 2026 list matches the joint ministerial decree (domain brief §5.9: 17
holidays + 8 cuti bersama). Offices may add their own closures later (appointments app).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=32)
def _holidays_for(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("ID", years=year, categories=("public", "government"))


def holiday_name(day: dt.date) -> str | None:
    name = _holidays_for(day.year).get(day)
    return str(name) if name else None


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and holiday_name(day) is None


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (0 → the next working day on or after)."""
    current = start
    while not is_working_day(current):
        current += dt.timedelta(days=1)
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current
