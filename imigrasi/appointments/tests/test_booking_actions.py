"""Booking rules through the domain actions (the web pages and the API call these)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from conftest import make_user
from imigrasi.appointments import actions
from imigrasi.appointments.actions import BookingError
from imigrasi.appointments.models import Booking, BookingEvent, BookingPolicy, DateOverride, Slot
from imigrasi.appointments.queries import free_slots, slot_from_ref, slot_ref
from imigrasi.appointments.tests.conftest import first_slot, next_bookable_day, person_for

pytestmark = pytest.mark.django_db


def test_book_gives_code_queue_number_and_confirmation_email(
    booking_office: Any,
    passport: Any,
    applicant: Any,
    siti: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    slot = first_slot(booking_office)
    with django_capture_on_commit_callbacks(execute=True):
        booking, created = actions.do_book(
            applicant, siti, passport, slot, idempotency_key="k-000001"
        )
    assert created
    assert booking.status == "confirmed"
    assert booking.queue_number == "A-001"
    assert len(booking.code) == 8
    slot.refresh_from_db()
    assert slot.taken == 1
    assert [e.kind for e in BookingEvent.objects.filter(booking=booking)] == ["confirmed"]
    assert len(mail.outbox) == 1
    assert booking.code in mail.outbox[0].body
    assert mail.outbox[0].attachments[0][2] == "application/pdf"


def test_replayed_idempotency_key_returns_the_same_booking(
    booking_office: Any, passport: Any, applicant: Any, siti: Any
) -> None:
    slot = first_slot(booking_office)
    first, _ = actions.do_book(applicant, siti, passport, slot, idempotency_key="same-key-1")
    again, created = actions.do_book(applicant, siti, passport, slot, idempotency_key="same-key-1")
    assert not created and again.pk == first.pk
    slot.refresh_from_db()
    assert slot.taken == 1


def test_one_active_booking_per_identity_across_accounts(
    booking_office: Any, passport: Any, applicant: Any, siti: Any
) -> None:
    slot = first_slot(booking_office)
    actions.do_book(applicant, siti, passport, slot, idempotency_key="first-acc")
    second_account = make_user("siti.lain@example.id")
    same_person = person_for(second_account, "3174055204910003")
    with pytest.raises(BookingError) as refused:
        actions.do_book(second_account, same_person, passport, slot, idempotency_key="second-ac")
    assert refused.value.code == "already_booked"
    slot.refresh_from_db()
    assert slot.taken == 1


def test_full_slot_is_refused_and_never_overbooked(
    booking_office: Any, passport: Any, applicant: Any, siti: Any
) -> None:
    slot = first_slot(booking_office)
    Slot.objects.filter(pk=slot.pk).update(capacity=1)
    slot.refresh_from_db()
    actions.do_book(applicant, siti, passport, slot, idempotency_key="fills-it")
    other = make_user("budi@example.id")
    budi = person_for(other, "3171071503800002", "BUDI SANTOSO")
    with pytest.raises(BookingError) as refused:
        actions.do_book(other, budi, passport, slot, idempotency_key="too-late")
    assert refused.value.code == "slot_full"
    slot.refresh_from_db()
    assert (slot.taken, slot.capacity) == (1, 1)


def test_expired_hold_is_released_for_the_next_person(
    booking_office: Any, passport: Any, applicant: Any, siti: Any
) -> None:
    slot = first_slot(booking_office)
    Slot.objects.filter(pk=slot.pk).update(capacity=1)
    slot.refresh_from_db()
    held = actions.do_hold(applicant, siti, passport, slot)
    Booking.objects.filter(pk=held.pk).update(
        hold_expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    actions.forget_full(slot.pk)
    other = make_user("budi@example.id")
    budi = person_for(other, "3171071503800002", "BUDI SANTOSO")
    booking, _ = actions.do_book(other, budi, passport, slot, idempotency_key="after-hold")
    held.refresh_from_db()
    assert held.status == "expired"
    assert booking.status == "confirmed"
    with pytest.raises(BookingError) as late:
        actions.do_confirm(held, applicant)
    assert late.value.code == "hold_expired"


def test_hold_then_confirm_twice_is_one_confirmation(
    booking_office: Any, passport: Any, applicant: Any, siti: Any
) -> None:
    slot = first_slot(booking_office)
    held = actions.do_hold(applicant, siti, passport, slot)
    assert held.status == "held" and held.hold_expires_at is not None
    confirmed = actions.do_confirm(held, applicant)
    again = actions.do_confirm(held, applicant)
    assert confirmed.queue_number == again.queue_number == "A-001"
    assert BookingEvent.objects.filter(booking=held, kind="confirmed").count() == 1


def test_choosing_another_slot_gives_the_held_one_back(
    booking_office: Any, passport: Any, applicant: Any, siti: Any
) -> None:
    day = next_bookable_day(booking_office)
    first, second = free_slots(booking_office, day)[:2]
    actions.do_hold(applicant, siti, passport, first)
    actions.do_hold(applicant, siti, passport, second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.taken, second.taken) == (0, 1)


def test_holiday_and_closure_are_refused_with_the_reason(
    booking_office: Any, passport: Any, applicant: Any, siti: Any
) -> None:
    day = next_bookable_day(booking_office)
    slot = first_slot(booking_office, day)
    DateOverride.objects.create(
        office=booking_office, date=day, is_open=False, reason="Renovasi ruang pelayanan"
    )
    with pytest.raises(BookingError) as refused:
        actions.do_book(applicant, siti, passport, slot, idempotency_key="closed-day")
    assert refused.value.code == "day_not_bookable"
    assert "Renovasi" in refused.value.details["reason"]
    assert free_slots(booking_office, day) == []


def test_national_holiday_is_closed(booking_office: Any) -> None:
    from imigrasi.appointments.schedule import day_plan

    christmas = dt.date(timezone.now().year, 12, 25)
    plan = day_plan(booking_office, christmas)
    assert plan.windows == []
    assert plan.closed_reason is not None
    assert "Christmas" in plan.closed_reason or "Natal" in plan.closed_reason


def test_friday_has_a_longer_break(booking_office: Any) -> None:
    from imigrasi.appointments.schedule import day_plan

    monday = dt.date(2027, 3, 1)
    friday = dt.date(2027, 3, 5)
    assert day_plan(booking_office, monday).windows[0][1] == dt.time(12)
    assert day_plan(booking_office, friday).windows[0][1] == dt.time(11, 30)
    assert day_plan(booking_office, friday).windows[1][0] == dt.time(13)


def test_cancel_frees_the_place_until_the_cutoff(
    booking_office: Any, passport: Any, applicant: Any, siti: Any
) -> None:
    slot = first_slot(booking_office)
    booking, _ = actions.do_book(applicant, siti, passport, slot, idempotency_key="to-cancel")
    policy = BookingPolicy.objects.get(office=booking_office)
    policy.reschedule_until_days_before = 60
    policy.save()
    booking = Booking.objects.get(pk=booking.pk)
    with pytest.raises(BookingError) as late:
        actions.do_cancel(booking, applicant)
    assert late.value.code == "too_late_to_change"
    policy.reschedule_until_days_before = 1
    policy.save()
    booking = Booking.objects.get(pk=booking.pk)
    actions.do_cancel(booking, applicant)
    slot.refresh_from_db()
    assert slot.taken == 0


def test_reschedule_moves_the_place(
    booking_office: Any, passport: Any, applicant: Any, siti: Any
) -> None:
    day = next_bookable_day(booking_office)
    first, second = free_slots(booking_office, day)[:2]
    booking, _ = actions.do_book(applicant, siti, passport, first, idempotency_key="to-move")
    actions.do_reschedule(booking, second, applicant)
    first.refresh_from_db()
    second.refresh_from_db()
    booking.refresh_from_db()
    assert (first.taken, second.taken, booking.slot_id) == (0, 1, second.pk)


def test_slot_reference_round_trip(booking_office: Any) -> None:
    slot = first_slot(booking_office)
    ref = slot_ref(slot)
    assert ref.startswith("kanim-jakarta-selatan:")
    found = slot_from_ref(ref)
    assert found is not None and found.pk == slot.pk
    assert slot_from_ref("kanim-jakarta-selatan:2026") is None
    assert slot_from_ref("nope:20270101T0800") is None


def test_someone_elses_person_cannot_be_booked(
    booking_office: Any, passport: Any, other_applicant: Any, siti: Any
) -> None:
    with pytest.raises(BookingError) as refused:
        actions.do_book(
            other_applicant,
            siti,
            passport,
            first_slot(booking_office),
            idempotency_key="not-mine-1",
        )
    assert refused.value.code == "not_found"


@pytest.mark.parametrize("status", ["awaiting_payment", "in_review"])
def test_an_application_books_its_visit_only_once_it_awaits_the_visit(
    booking_office: Any, passport: Any, applicant: Any, status: str
) -> None:
    from imigrasi.applications.tests.conftest import make

    application = make(status, account=applicant.email)
    slot = first_slot(booking_office)
    with pytest.raises(BookingError) as refused:
        actions.do_book(
            applicant,
            application.person,
            passport,
            slot,
            idempotency_key=f"early-{status}",
            application=application,
        )
    assert refused.value.code == "application_not_ready"
    slot.refresh_from_db()
    assert slot.taken == 0


def test_only_a_uniqueness_refusal_reads_as_already_booked(
    booking_office: Any, passport: Any, applicant: Any, siti: Any, monkeypatch: Any
) -> None:
    """An integrity error elsewhere in the booking's transaction is a fault, not a duplicate:
    it is raised as itself and nothing is kept."""
    from django.db import IntegrityError

    def broken_event(*args: Any, **kwargs: Any) -> None:
        raise IntegrityError("event table refused the row")

    monkeypatch.setattr(actions, "record", broken_event)
    slot = first_slot(booking_office)
    with pytest.raises(IntegrityError):
        actions.do_book(applicant, siti, passport, slot, idempotency_key="fault-0001")
    assert not Booking.objects.exists()
    assert Slot.objects.get(pk=slot.pk).taken == 0
