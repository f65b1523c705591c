"""Demo data for bookings and the queue: every office configured (hours, quotas, counters), one
service out of stock at Ternate (to show "why this office cannot serve"), visits booked for the
demo applications waiting for one, and, when the demo office is open today, a morning queue."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from imigrasi.accounts.models import User
from imigrasi.applications.models import Application
from imigrasi.appointments import actions, onsite
from imigrasi.appointments.models import Booking, OfficeService, PriorityReason, Ticket
from imigrasi.appointments.queries import free_slots
from imigrasi.appointments.schedule import why_not_bookable
from imigrasi.appointments.setup import configure_all_offices
from imigrasi.catalog.models import Office, Service

QUEUE_OFFICE = "kanim-jakarta-selatan"


def _mark_ternate_out_of_stock() -> None:
    OfficeService.objects.filter(
        office__code="kanim-ternate", service__code="paspor-baru-dewasa"
    ).update(
        is_available=False,
        unavailable_reason_id="Blanko paspor sedang habis; perkiraan tersedia kembali pekan depan.",
        unavailable_reason_en="Passport blanks are out of stock; expected back next week.",
    )


def _first_free_slot(office: Office, after_days: int = 1) -> object | None:
    today = timezone.now().astimezone(office.zone).date()
    for offset in range(after_days, after_days + 30):
        day = today + dt.timedelta(days=offset)
        if why_not_bookable(office, day) is None:
            slots = free_slots(office, day)
            if slots:
                return slots[min(2, len(slots) - 1)]
    return None


def _book_visits() -> int:
    booked = 0
    for application in Application.objects.filter(status="awaiting_visit").select_related(
        "person", "service", "office", "account"
    ):
        if Booking.objects.filter(application=application).exists():
            continue
        if application.office is None:
            continue
        slot = _first_free_slot(application.office)
        if slot is None:
            continue
        actions.do_book(
            application.account,
            application.person,
            application.service,
            slot,  # type: ignore[arg-type]
            idempotency_key=f"demo-{application.number}",
            application=application,
            assistance=actions.Assistance(wheelchair=booked == 0),
        )
        booked += 1
    return booked


def _morning_queue() -> int:
    office = Office.objects.get(code=QUEUE_OFFICE)
    if Ticket.objects.filter(office=office, date=onsite.local_today(office)).exists():
        return 0
    if not onsite.kiosk_day(office).open:
        return 0
    passport = Service.objects.get(code="paspor-baru-dewasa")
    lost = Service.objects.get(code="paspor-hilang")
    issued = 0
    for service, reason in [
        (passport, ""),
        (lost, ""),
        (passport, PriorityReason.ELDERLY),
        (passport, ""),
        (lost, ""),
        (passport, PriorityReason.PREGNANT),
    ]:
        try:
            onsite.issue_walk_in(office, service, priority_reason=reason, label="demo")
            issued += 1
        except actions.BookingError:
            break
    return issued


def load() -> list[str]:
    with transaction.atomic():
        offices = configure_all_offices()
        _mark_ternate_out_of_stock()
    visits = _book_visits()
    tickets = _morning_queue()
    # Confirmation mails to made-up addresses would be rendered and sent when the worker starts.
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(task_path__startswith="imigrasi.appointments.tasks").delete()
    lines = [
        f"{offices} offices configured for booking (hours, quotas, counters); "
        f"{visits} demo visits booked",
    ]
    if tickets:
        lines.append(f"{tickets} walk-in tickets in today's queue at {QUEUE_OFFICE}")
    supervisor = User.objects.filter(role="supervisor").first()
    if supervisor is not None:
        lines.append(
            "Queue: kiosk /antrean/kios/kanim-jakarta-selatan/ (pair it from the "
            "console), board /antrean/papan/kanim-jakarta-selatan/, console "
            "/staff/antrean/"
        )
    return lines
