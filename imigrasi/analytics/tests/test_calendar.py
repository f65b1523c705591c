"""The Indonesian calendar features that move demand, for past and future dates alike."""

from __future__ import annotations

import pandas as pd

from imigrasi.analytics.calendar import calendar_features


def features(day: str) -> dict[str, int]:
    return calendar_features(pd.DatetimeIndex([day])).iloc[0].to_dict()


def test_lebaran_2026_shapes_the_weeks_around_it():
    # Idulfitri 1447 H falls on 20 March 2026 (with cuti bersama around it).
    assert features("2026-03-10")["ramadan_late"] == 1
    assert features("2026-03-01")["ramadan_late"] == 0
    assert features("2026-03-23")["post_lebaran"] == 1
    assert features("2026-03-20")["holiday"] == 1


def test_future_years_have_their_islamic_dates_too():
    # Idulfitri 1449 H: about 28 February 2028.
    late = calendar_features(pd.date_range("2028-02-10", "2028-02-27"))["ramadan_late"]
    assert late.sum() >= 10
    assert features("2027-05-16")["iduladha"] == 1  # 10 Zulhijah 1448 H


def test_independence_day_school_holidays_and_the_turn_of_the_month():
    assert features("2026-08-17")["holiday"] == 1
    assert features("2026-07-01")["school_holiday"] == 1
    assert features("2026-09-15")["school_holiday"] == 0
    assert features("2026-02-27")["month_end"] == 1 and features("2026-03-02")["month_start"] == 1


def test_hourly_timestamps_take_their_day_s_features():
    hours = calendar_features(pd.date_range("2026-08-17 00:00", periods=24, freq="h"))
    assert hours["holiday"].tolist() == [1] * 24
