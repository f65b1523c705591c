"""Compiled hot-path statements write and update exactly what the ORM would."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import F

from imigrasi.applications.models import Person
from imigrasi.appointments.models import BookingEvent, Slot
from imigrasi.appointments.tests.conftest import first_slot
from imigrasi.lib.lean_query import LeanInsert, LeanUpdate

pytestmark = pytest.mark.django_db


def test_lean_insert_stores_what_create_stores(applicant: Any) -> None:
    """Defaults, encryption and the blind index are applied as save() applies them."""
    values = {
        "account": applicant,
        "relationship": "self",
        "full_name": "BUDI SANTOSO",
        "date_of_birth": "1988-02-01",
        "sex": "M",
        "nik": "3174050102880004",
    }
    lean = LeanInsert(Person).create(**values)
    orm = Person.objects.create(**{**values, "nik": "3174050102880005"})
    assert lean.pk is not None and not lean._state.adding
    stored = Person.objects.get(pk=lean.pk)
    assert stored.full_name == "BUDI SANTOSO" and stored.nik == "3174050102880004"
    assert stored.public_id == lean.public_id and stored.created_at is not None
    assert stored.nik_index and stored.nik_index != Person.objects.get(pk=orm.pk).nik_index
    assert Person.objects.filter(nik_index=lean.nik_index).count() == 1
    # The same NIK through the ORM gets the same blind index.
    again = Person.objects.create(**values)
    assert again.nik_index == stored.nik_index


def test_lean_insert_keeps_json_and_default_timestamps(
    booking_office: Any, passport: Any, applicant: Any, siti: Any
) -> None:
    from imigrasi.appointments import actions

    booking, _created = actions.do_book(
        applicant, siti, passport, first_slot(booking_office), idempotency_key="lean-insert-1"
    )
    before = dt.datetime.now(dt.UTC)
    event = LeanInsert(BookingEvent).create(
        booking=booking, kind="rescheduled", details={"from": "A", "n": 2}
    )
    stored = BookingEvent.objects.get(pk=event.pk)
    assert stored.booking_id == booking.pk and stored.kind == "rescheduled"
    assert stored.details == {"from": "A", "n": 2}
    assert stored.at >= before - dt.timedelta(seconds=1)


def test_lean_update_is_conditional_and_counts_rows(booking_office: Any) -> None:
    slot = first_slot(booking_office)
    Slot.objects.filter(pk=slot.pk).update(capacity=2, taken=0)
    take = LeanUpdate(
        lambda: (Slot.objects.filter(pk=0, taken__lt=F("capacity")), {"taken": F("taken") + 1})
    )
    assert [take.run([1, slot.pk]) for _ in range(3)] == [1, 1, 0]
    assert Slot.objects.get(pk=slot.pk).taken == 2
