"""Fixtures for bookings and the queue: configured offices, people with a verified identity,
an office that is open today (for on-site tests on any calendar day), the next bookable day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from conftest import make_user
from imigrasi.applications.models import Person
from imigrasi.appointments.models import DateOverride, Slot
from imigrasi.appointments.queries import bookable_days, free_slots
from imigrasi.appointments.setup import configure_office
from imigrasi.catalog.models import Office, Service


@pytest.fixture
def booking_office(catalog: None) -> Office:
    office = Office.objects.get(code="kanim-jakarta-selatan")
    configure_office(office)
    return office


@pytest.fixture
def passport(catalog: None) -> Service:
    return Service.objects.get(code="paspor-baru-dewasa")


def person_for(account: Any, nik: str, name: str = "SITI RAHMAWATI") -> Person:
    return Person.objects.create(
        account=account,
        relationship="self",
        full_name=name,
        date_of_birth="1991-04-12",
        sex="F",
        nik=nik,
    )


@pytest.fixture
def siti(applicant: Any) -> Person:
    return person_for(applicant, "3174055204910003")


def next_bookable_day(office: Office) -> dt.date:
    return next(day for day, reason in bookable_days(office) if reason is None)


def first_slot(office: Office, day: dt.date | None = None) -> Slot:
    return free_slots(office, day or next_bookable_day(office))[0]


@pytest.fixture
def open_today(booking_office: Office) -> Office:
    """Whatever today is (weekend, holiday), the office is open all day for this test."""
    today = dt.datetime.now(booking_office.zone).date()
    DateOverride.objects.update_or_create(
        office=booking_office,
        date=today,
        defaults={
            "is_open": True,
            "opens": dt.time(0, 0),
            "closes": dt.time(23, 59),
            "reason": "test",
        },
    )
    return booking_office


@pytest.fixture
def counter_officer(booking_office: Office) -> Any:
    from conftest import STAFF_TOTP

    return make_user(
        "andi@imigrasi.example", "officer", booking_office, "Andi Pratama", totp_secret=STAFF_TOTP
    )
