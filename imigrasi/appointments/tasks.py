"""Background work for bookings and the queue: confirmations (email with QR and PDF), waitlist
notices, "your turn is near" messages."""

from __future__ import annotations

from django.tasks import task


@task()
def send_booking_confirmation(booking_id: int) -> bool:
    from imigrasi.appointments.notifications import send_confirmation

    return send_confirmation(booking_id)


@task()
def notify_waitlist(office_id: int, service_id: int, day: str) -> int:
    from imigrasi.appointments.notifications import notify_waitlist_entries

    return notify_waitlist_entries(office_id, service_id, day)


@task()
def notify_turn_near(office_id: int, day: str, prefix: str) -> int:
    from imigrasi.appointments.notifications import notify_turn_near as notify

    return notify(office_id, day, prefix)
