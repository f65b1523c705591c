"""When an office is open and which days are on sale (imigrasi.appointments.schedule).

Dates are fixed (no dependence on today's date) and every "now" is passed explicitly.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from imigrasi.appointments.models import BookingPolicy, DateOverride, Pool, Slot
from imigrasi.appointments.schedule import (
    day_plan,
    ensure_slots,
    released_until,
    slot_starts,
    why_not_bookable,
)
from imigrasi.appointments.setup import configure_office
from imigrasi.catalog.models import Office

pytestmark = pytest.mark.django_db

UTC = dt.UTC
# A holiday-free stretch: no national holiday or cuti bersama in September 2027.
MONDAY = dt.date(2027, 9, 6)
FRIDAY = dt.date(2027, 9, 10)
SATURDAY = dt.date(2027, 9, 11)
SUNDAY = dt.date(2027, 9, 12)
INDEPENDENCE_DAY = dt.date(2027, 8, 17)  # a Tuesday: national holiday
CUTI_BERSAMA = dt.date(2027, 12, 24)  # a Friday: collective leave before Christmas


def _office(code: str, zone: str, lat: str = "-6.2", lon: str = "106.8") -> Office:
    office = Office.objects.create(
        code=code,
        name=f"Kantor Imigrasi {code}",
        kind="kanim_i",
        address="Jl. Contoh No. 1",
        city="Kota",
        province="Provinsi",
        timezone=zone,
        latitude=lat,
        longitude=lon,
    )
    configure_office(office)
    return Office.objects.get(pk=office.pk)


@pytest.fixture
def wib(db: None) -> Office:
    return _office("kanim-wib", "Asia/Jakarta")


@pytest.fixture
def wita(db: None) -> Office:
    return _office("kanim-wita", "Asia/Makassar", "-5.1", "119.5")


@pytest.fixture
def wit(db: None) -> Office:
    return _office("kanim-wit", "Asia/Jayapura", "-2.5", "140.7")


def _policy(office: Office, **changes: Any) -> BookingPolicy:
    policy = office.booking_policy  # the instance policy_for(office) reads
    for name, value in changes.items():
        setattr(policy, name, value)
    policy.save()
    return policy


def _local(office: Office, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=office.zone)


# --- day_plan --------------------------------------------------------------------------------


def test_a_weekday_has_two_windows_around_the_lunch_break(wib: Office) -> None:
    plan = day_plan(wib, MONDAY)
    assert plan.closed_reason is None
    assert plan.windows == [(dt.time(8), dt.time(12)), (dt.time(13), dt.time(16))]


def test_friday_break_is_longer_for_friday_prayers(wib: Office) -> None:
    assert day_plan(wib, FRIDAY).windows == [
        (dt.time(8), dt.time(11, 30)),
        (dt.time(13), dt.time(16)),
    ]


@pytest.mark.parametrize("day", [SATURDAY, SUNDAY])
def test_weekends_are_closed(wib: Office, day: dt.date) -> None:
    plan = day_plan(wib, day)
    assert plan.windows == []
    with translation.override("en"):
        assert day_plan(wib, day).closed_reason == "The office is closed on this day of the week."
    assert plan.closed_reason  # translated, but never empty


def test_national_holiday_is_closed_with_its_name(wib: Office) -> None:
    plan = day_plan(wib, INDEPENDENCE_DAY)
    assert plan.windows == []
    assert plan.closed_reason is not None
    assert "Kemerdekaan" in plan.closed_reason
    with translation.override("en"):
        reason = day_plan(wib, INDEPENDENCE_DAY).closed_reason
    assert reason is not None and reason.startswith("National holiday or collective leave")


def test_cuti_bersama_is_closed(wib: Office) -> None:
    plan = day_plan(wib, CUTI_BERSAMA)
    assert plan.windows == []
    assert plan.closed_reason is not None
    assert "Cuti Bersama" in plan.closed_reason


def test_closure_override_gives_its_reason(wib: Office) -> None:
    DateOverride.objects.create(
        office=wib, date=MONDAY, is_open=False, reason="Pemeliharaan sistem SIMKIM"
    )
    plan = day_plan(wib, MONDAY)
    assert plan.windows == []
    assert plan.closed_reason == "Pemeliharaan sistem SIMKIM"
    assert day_plan(wib, MONDAY + dt.timedelta(days=7)).closed_reason is None


def test_override_opens_a_saturday_with_its_own_hours(wib: Office) -> None:
    DateOverride.objects.create(
        office=wib,
        date=SATURDAY,
        is_open=True,
        opens=dt.time(9),
        closes=dt.time(14),
        reason="Layanan paspor akhir pekan",
    )
    plan = day_plan(wib, SATURDAY)
    assert plan.closed_reason is None
    assert plan.windows == [(dt.time(9), dt.time(14))]
    assert slot_starts(wib, SATURDAY)[0] == _local(wib, SATURDAY, 9)
    assert slot_starts(wib, SATURDAY)[-1] == _local(wib, SATURDAY, 13, 30)


def test_override_without_hours_on_a_saturday_opens_the_morning(wib: Office) -> None:
    DateOverride.objects.create(office=wib, date=SATURDAY, is_open=True, reason="Peak")
    assert day_plan(wib, SATURDAY).windows == [(dt.time(8), dt.time(12))]


def test_override_can_open_a_cuti_bersama_day(wib: Office) -> None:
    DateOverride.objects.create(
        office=wib, date=CUTI_BERSAMA, is_open=True, reason="Buka saat cuti bersama"
    )
    plan = day_plan(wib, CUTI_BERSAMA)
    assert plan.closed_reason is None
    # No hours given: the weekday pattern's opening and closing times.
    assert plan.windows[0][0] == dt.time(8)
    assert plan.windows[-1][1] == dt.time(16)


# --- slot_starts and time zones ----------------------------------------------------------------


def test_slot_starts_skip_the_break(wib: Office) -> None:
    starts = [s.time() for s in slot_starts(wib, MONDAY)]
    assert starts[0] == dt.time(8)
    assert dt.time(11, 30) in starts
    assert not any(dt.time(12) <= t < dt.time(13) for t in starts)
    assert starts[-1] == dt.time(15, 30)
    assert len(starts) == 8 + 6
    friday = [s.time() for s in slot_starts(wib, FRIDAY)]
    assert dt.time(11) in friday and dt.time(11, 30) not in friday
    assert len(friday) == 7 + 6


def test_no_slot_runs_into_the_break_or_past_closing(wib: Office) -> None:
    _policy(wib, slot_minutes=45)
    step = dt.timedelta(minutes=45)
    starts = slot_starts(wib, MONDAY)
    assert [s.time() for s in starts] == [
        dt.time(8),
        dt.time(8, 45),
        dt.time(9, 30),
        dt.time(10, 15),
        dt.time(11),
        dt.time(13),
        dt.time(13, 45),
        dt.time(14, 30),
        dt.time(15, 15),
    ]
    for start in starts:
        end = (start + step).time()
        assert end <= dt.time(12) or start.time() >= dt.time(13)
        assert end <= dt.time(16)


def test_closed_days_have_no_slots(wib: Office) -> None:
    assert slot_starts(wib, SUNDAY) == []
    assert slot_starts(wib, INDEPENDENCE_DAY) == []


@pytest.mark.parametrize(
    ("fixture", "utc_hour", "utc_day_shift"),
    [("wib", 1, 0), ("wita", 0, 0), ("wit", 23, -1)],
)
def test_slots_are_stored_in_utc_at_local_eight(
    request: pytest.FixtureRequest, fixture: str, utc_hour: int, utc_day_shift: int
) -> None:
    office: Office = request.getfixturevalue(fixture)
    first = slot_starts(office, MONDAY)[0]
    assert first.utcoffset() == dt.datetime.now(office.zone).utcoffset()
    ensure_slots(office, MONDAY)
    stored = Slot.objects.filter(office=office, pool=Pool.ONLINE).order_by("starts_at").first()
    assert stored is not None
    assert stored.starts_at == first
    assert stored.starts_at.astimezone(UTC) == dt.datetime.combine(
        MONDAY + dt.timedelta(days=utc_day_shift), dt.time(utc_hour), tzinfo=UTC
    )
    assert stored.starts_at.astimezone(office.zone).time() == dt.time(8)
    assert stored.starts_at.astimezone(office.zone).date() == MONDAY


def test_wit_and_wita_eight_oclock_are_different_instants(wita: Office, wit: Office) -> None:
    assert slot_starts(wit, MONDAY)[0] == dt.datetime(2027, 9, 5, 23, tzinfo=UTC)
    assert slot_starts(wita, MONDAY)[0] == dt.datetime(2027, 9, 6, 0, tzinfo=UTC)
    assert slot_starts(wit, MONDAY)[0].tzinfo == ZoneInfo("Asia/Jayapura")


# --- release: rolling and monthly --------------------------------------------------------------


def test_rolling_release_opens_the_next_day_at_release_time(wib: Office) -> None:
    _policy(wib, release_mode="rolling", release_days_ahead=14, release_time=dt.time(9))
    assert released_until(wib, _local(wib, MONDAY, 8, 59)) == MONDAY + dt.timedelta(days=13)
    assert released_until(wib, _local(wib, MONDAY, 9)) == MONDAY + dt.timedelta(days=14)
    # The office's clock decides, not UTC: 02:00 UTC is 09:00 in Jakarta.
    assert released_until(wib, dt.datetime(2027, 9, 6, 2, tzinfo=UTC)) == dt.date(2027, 9, 20)


def test_rolling_release_follows_the_office_time_zone(wit: Office) -> None:
    _policy(wit, release_mode="rolling", release_days_ahead=7, release_time=dt.time(9))
    # 00:30 UTC is 09:30 in Jayapura: today's release has happened there.
    now = dt.datetime(2027, 9, 6, 0, 30, tzinfo=UTC)
    assert released_until(wit, now) == dt.date(2027, 9, 13)


def test_monthly_release_opens_next_month_on_the_release_day(wib: Office) -> None:
    _policy(wib, release_mode="monthly", release_day_of_month=25, release_time=dt.time(9))
    assert released_until(wib, _local(wib, dt.date(2027, 3, 10), 12)) == dt.date(2027, 3, 31)
    assert released_until(wib, _local(wib, dt.date(2027, 3, 25), 8, 59)) == dt.date(2027, 3, 31)
    assert released_until(wib, _local(wib, dt.date(2027, 3, 25), 9)) == dt.date(2027, 4, 30)
    # December's release opens January of the next year.
    assert released_until(wib, _local(wib, dt.date(2027, 12, 28), 10)) == dt.date(2028, 1, 31)


def test_monthly_release_day_beyond_a_short_month_still_releases(wib: Office) -> None:
    """A release day of 31 must not skip the months that have fewer days."""
    _policy(wib, release_mode="monthly", release_day_of_month=31, release_time=dt.time(9))
    assert released_until(wib, _local(wib, dt.date(2027, 2, 27), 12)) == dt.date(2027, 2, 28)
    assert released_until(wib, _local(wib, dt.date(2027, 2, 28), 9)) == dt.date(2027, 3, 31)
    assert released_until(wib, _local(wib, dt.date(2027, 4, 30), 9)) == dt.date(2027, 5, 31)
    assert released_until(wib, _local(wib, dt.date(2027, 3, 30), 9)) == dt.date(2027, 3, 31)
    assert released_until(wib, _local(wib, dt.date(2027, 3, 31), 9)) == dt.date(2027, 4, 30)


# --- why_not_bookable --------------------------------------------------------------------------


def test_why_not_bookable_reasons(wib: Office) -> None:
    _policy(wib, release_mode="rolling", release_days_ahead=14, release_time=dt.time(9))
    now = _local(wib, MONDAY, 10)
    with translation.override("en"):
        today = why_not_bookable(wib, MONDAY, now)
        past = why_not_bookable(wib, MONDAY - dt.timedelta(days=1), now)
        later = why_not_bookable(wib, MONDAY + dt.timedelta(days=15), now)
        weekend = why_not_bookable(wib, SATURDAY, now)
        holiday = why_not_bookable(wib, INDEPENDENCE_DAY, _local(wib, dt.date(2027, 8, 10), 10))
    assert today is not None and today.startswith("Book from tomorrow onwards")
    assert past == today
    assert later is not None and "not released yet" in later and "14 days ahead" in later
    assert weekend == "The office is closed on this day of the week."
    assert holiday is not None and "National holiday" in holiday
    assert why_not_bookable(wib, MONDAY + dt.timedelta(days=1), now) is None
    assert why_not_bookable(wib, MONDAY + dt.timedelta(days=14), now) is None


def test_why_not_bookable_monthly_names_the_release_day(wib: Office) -> None:
    _policy(wib, release_mode="monthly", release_day_of_month=25, release_time=dt.time(9))
    with translation.override("en"):
        reason = why_not_bookable(wib, dt.date(2027, 4, 5), _local(wib, dt.date(2027, 3, 10), 9))
    assert reason is not None
    assert "day 25 of the month at 09:00" in reason


def test_closure_reason_wins_for_a_released_day(wib: Office) -> None:
    tuesday = MONDAY + dt.timedelta(days=1)
    DateOverride.objects.create(office=wib, date=tuesday, reason="Renovasi")
    assert why_not_bookable(wib, tuesday, _local(wib, MONDAY, 10)) == "Renovasi"


# --- ensure_slots ------------------------------------------------------------------------------


def test_ensure_slots_creates_every_pool_once(wib: Office) -> None:
    _policy(wib, online_per_slot=10, priority_per_slot=2, acceleration_per_slot=1)
    ensure_slots(wib, MONDAY)
    booked = Slot.objects.filter(office=wib, pool=Pool.ONLINE).order_by("starts_at").first()
    assert booked is not None
    Slot.objects.filter(pk=booked.pk).update(taken=4)
    ensure_slots(wib, MONDAY)  # again: nothing duplicated, nothing reset
    slots = Slot.objects.filter(office=wib)
    assert slots.count() == 14 * 3
    capacities: dict[str, set[int]] = {pool: set() for pool in Pool.values}
    for slot in slots:
        capacities[slot.pool].add(slot.capacity)
        assert slot.ends_at - slot.starts_at == dt.timedelta(minutes=30)
    assert capacities == {"online": {10}, "priority": {2}, "acceleration": {1}}
    booked.refresh_from_db()
    assert booked.taken == 4


def test_ensure_slots_skips_a_pool_without_places_and_closed_days(wib: Office) -> None:
    _policy(wib, acceleration_per_slot=0)
    ensure_slots(wib, MONDAY)
    ensure_slots(wib, SUNDAY)
    ensure_slots(wib, INDEPENDENCE_DAY)
    assert set(Slot.objects.filter(office=wib).values_list("pool", flat=True)) == {
        "online",
        "priority",
    }
    assert Slot.objects.filter(office=wib).count() == 14 * 2
