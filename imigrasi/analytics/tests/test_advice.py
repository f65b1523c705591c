"""Staffing and quota advice for one office, read from the marts once per page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from imigrasi.analytics.advice import outlook, quota_advice, staffing_plan
from imigrasi.analytics.tests.sample_data import write_forecast
from imigrasi.appointments.setup import configure_office
from imigrasi.catalog.models import Office

pytestmark = pytest.mark.django_db


def office_with_forecast(base: Path, per_day: float) -> Office:
    office = Office.objects.get(code="kanim-jakarta-selatan")
    configure_office(office)
    write_forecast(base, office.code, per_day)
    return office


def test_every_advised_hour_meets_the_service_level_target(marts: Path) -> None:
    office = office_with_forecast(marts, 400.0)
    today = timezone.localdate()
    plan = staffing_plan(outlook(office, today, 28, today, marts), 7)
    assert plan
    assert {advice.day for advice in plan} <= {today + dt.timedelta(days=d) for d in range(7)}
    assert all(advice.service_level >= settings.QUEUE_TARGET_SERVICE_LEVEL for advice in plan)


def test_the_hours_of_a_day_add_up_to_its_forecast(marts: Path) -> None:
    office = office_with_forecast(marts, 400.0)
    today = timezone.localdate()
    plan = staffing_plan(outlook(office, today, 28, today, marts), 7)
    first_day = plan[0].day
    # Hours under 0.05 expected visitors are left out, so the day sums to just under 400.
    assert sum(a.forecast for a in plan if a.day == first_day) == pytest.approx(400.0, rel=0.02)


def test_more_demand_never_means_fewer_counters_or_fewer_places(marts: Path) -> None:
    today = timezone.localdate()
    office = office_with_forecast(marts, 100.0)
    quiet = outlook(office, today, 28, today, marts)
    write_forecast(marts, office.code, 400.0)
    busy = outlook(office, today, 28, today, marts)
    quiet_plan = {(a.day, a.hour): a.counters for a in staffing_plan(quiet, 7)}
    busy_plan = {(a.day, a.hour): a.counters for a in staffing_plan(busy, 7)}
    assert all(busy_plan[key] >= counters for key, counters in quiet_plan.items())
    assert sum(busy_plan.values()) > sum(quiet_plan.values())
    quiet_online = sum(slot.online for slot in quota_advice(quiet))
    busy_online = sum(slot.online for slot in quota_advice(busy))
    assert busy_online > quiet_online


def test_without_a_forecast_there_is_no_advice(marts: Path) -> None:
    office = Office.objects.get(code="kanim-denpasar")
    today = timezone.localdate()
    prospect = outlook(office, today, 28, today, marts)
    assert staffing_plan(prospect, 7) == [] and quota_advice(prospect) == []
