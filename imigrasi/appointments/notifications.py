"""Booking confirmations and waitlist notices (email; the text-message adapter for reminders)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from imigrasi.appointments.documents import booking_context, render_booking_pdf
from imigrasi.appointments.models import Booking, BookingStatus, Ticket, WaitlistEntry


def send_confirmation(booking_id: int) -> bool:
    booking = (
        Booking.objects.select_related("account", "office", "slot", "service")
        .filter(pk=booking_id, status=BookingStatus.CONFIRMED)
        .first()
    )
    if booking is None:
        return False
    language = booking.account.preferred_language or "id"
    with translation.override(language):
        context = booking_context(booking)
        subject = render_to_string("appointments/email/confirmed_subject.txt", context).strip()
        text = render_to_string("appointments/email/confirmed.txt", context)
        html = render_to_string("appointments/email/confirmed.html", context)
        pdf = render_booking_pdf(booking)
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [booking.account.email]
    )
    message.attach_alternative(html, "text/html")
    message.attach(f"kunjungan-{booking.code}.pdf", pdf, "application/pdf")
    message.send()
    return True


def notify_waitlist_entries(office_id: int, service_id: int, day: str) -> int:
    """A place freed: tell everyone waiting for it (first come, first told); they still book."""
    date = dt.date.fromisoformat(day)
    entries = (
        WaitlistEntry.objects.select_related("account", "office", "service")
        .filter(office_id=office_id, service_id=service_id, notified_at__isnull=True)
        .filter(Q(date__isnull=True) | Q(date=date))[:20]
    )
    sent = 0
    for entry in entries:
        with translation.override(entry.account.preferred_language or "id"):
            context = {
                "entry": entry,
                "date": date,
                "url": f"{settings.PUBLIC_BASE_URL}/kunjungan/pesan/{entry.service.code}/"
                f"?office={entry.office.code}",
            }
            subject = render_to_string("appointments/email/waitlist_subject.txt", context).strip()
            text = render_to_string("appointments/email/waitlist.txt", context)
        EmailMultiAlternatives(
            subject, text, settings.DEFAULT_FROM_EMAIL, [entry.account.email]
        ).send()
        WaitlistEntry.objects.filter(pk=entry.pk).update(notified_at=timezone.now())
        sent += 1
    return sent


def notify_turn_near(office_id: int, day: str, prefix: str) -> int:
    """Tell booked ticket holders a few places from the front (text message and email); the
    waiting page tells everyone, walk-ins included."""
    from imigrasi.applications.notifications import text_messages
    from imigrasi.appointments.onsite import tickets_near_their_turn
    from imigrasi.catalog.models import Office

    office = Office.objects.get(pk=office_id)
    sent = 0
    for ticket in tickets_near_their_turn(office, dt.date.fromisoformat(day), prefix):
        if not Ticket.objects.filter(pk=ticket.pk, near_notified_at__isnull=True).update(
            near_notified_at=timezone.now()
        ):
            continue  # another worker told them
        if ticket.booking_id is None:
            continue
        account = Booking.objects.select_related("account").get(pk=ticket.booking_id).account
        with translation.override(account.preferred_language or "id"):
            text = _(
                "Imigrasi: your turn is near. Ticket %(number)s at %(office)s — please "
                "stay close to the waiting area. %(url)s"
            ) % {
                "number": ticket.number,
                "office": office.name,
                "url": f"{settings.PUBLIC_BASE_URL}/antrean/tiket/{ticket.public_id}/",
            }
            subject = _("Your turn is near: %(number)s") % {"number": ticket.number}
        if account.phone:
            text_messages().send(account.phone, text)
        EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [account.email]).send()
        sent += 1
    return sent
