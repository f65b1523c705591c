"""The Indonesian calendar as numbers a forecasting model can use.

Demand for passports and visits moves with the calendar: offices close on national holidays
and cuti bersama; people travel home for Lebaran (Idulfitri), so passport demand rises in the
last weeks of Ramadan and dips after it; Iduladha and the hajj season move it again; school
holidays (late June to mid July, late December) bring family applications; and salaries at
the turn of the month free money for fees. Islamic dates come from the Umm al-Qura calendar
(`hijridate`, valid 1924–2077), national holidays and cuti bersama from `holidays` — no
network, so future dates have features too.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import pandas as pd
from hijridate import Gregorian

from imigrasi.lib.workdays import holiday_name

FEATURES = (
    "holiday",  # national holiday or cuti bersama: offices closed
    "ramadan_late",  # the last two weeks of Ramadan: the run-up to Lebaran
    "post_lebaran",  # the ten days after Idulfitri: travel back, offices quiet
    "iduladha",  # Iduladha and the days around it
    "school_holiday",  # long school holidays (approximate national dates)
    "month_start",  # the first three days of a month (salaries paid)
    "month_end",  # the last three days of a month
)


@lru_cache(maxsize=8192)
def _day(day: dt.date) -> tuple[int, ...]:
    try:
        hijri = Gregorian(day.year, day.month, day.day).to_hijri()
        month, hday = hijri.month, hijri.day
    except (ValueError, OverflowError):  # outside the Umm al-Qura table
        month, hday = 0, 0
    next_month = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    last_day = (next_month - dt.timedelta(days=1)).day
    school = (
        (day.month == 6 and day.day >= 22)
        or (day.month == 7 and day.day <= 14)
        or (day.month == 12 and day.day >= 20)
    )
    return (
        int(holiday_name(day) is not None),
        int(month == 9 and hday >= 16),
        int(month == 10 and hday <= 10),
        int(month == 12 and 8 <= hday <= 13),
        int(school),
        int(day.day <= 3),
        int(day.day > last_day - 3),
    )


def calendar_features(timestamps: pd.DatetimeIndex | pd.Series) -> pd.DataFrame:
    """One row per timestamp (days or hours), one 0/1 column per feature."""
    index = pd.DatetimeIndex(timestamps)
    rows = [_day(moment.date()) for moment in index]
    return pd.DataFrame(rows, columns=list(FEATURES), index=index)
