"""The booking confirmation as a tagged PDF with the QR code the kiosk scans."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML

from imigrasi.applications.receipts import qr_data_uri
from imigrasi.appointments.models import Booking


def kiosk_payload(booking: Booking) -> str:
    """What the QR holds: the booking code only (no personal data on paper or screen)."""
    return f"IMD-BOOKING:{booking.code}"


def booking_context(booking: Booking) -> dict[str, object]:
    local_start = booking.slot.starts_at.astimezone(booking.office.zone)
    return {
        "booking": booking,
        "office": booking.office,
        # Naive office-local time: the template `date` filter would convert an aware value
        # to TIME_ZONE (WIB), printing 07:00 for an 08:00 WITA visit.
        "local_start": local_start.replace(tzinfo=None),
        "zone": booking.office.zone_abbreviation,
        "qr": qr_data_uri(kiosk_payload(booking)),
        "url": f"{settings.PUBLIC_BASE_URL}/kunjungan/{booking.public_id}/",
    }


def render_booking_pdf(booking: Booking) -> bytes:
    html = render_to_string("appointments/booking_pdf.html", booking_context(booking))
    pdf: bytes = HTML(string=html, base_url=settings.PUBLIC_BASE_URL).write_pdf(
        pdf_variant="pdf/ua-1"
    )
    return pdf
