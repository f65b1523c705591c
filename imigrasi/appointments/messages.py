"""Translated explanations of every booking and queue refusal (web, API and kiosk share them)."""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from imigrasi.appointments.actions import BookingError

ERRORS = {
    "not_found": _("Booking not found."),
    "try_again": _("Something went wrong. Please try again."),
    "identity_required": _(
        "Add the person's NIK or passport number first: a booking belongs to a verified identity."
    ),
    "office_does_not_serve": _("This office does not offer this service."),
    "service_unavailable_here": _("This service is temporarily not available at this office."),
    "day_not_bookable": _("This date cannot be booked."),
    "pool_not_bookable": _("These places are for walk-ins at the office, not for online booking."),
    "wrong_service": _("That application is for a different service."),
    "application_not_ready": _(
        "This application is not ready for an office visit yet. We will tell you when to book."
    ),
    "no_visit_needed": _("This service needs no office visit."),
    "slot_full": _(
        "Sorry, the last place in this time slot was just taken. Choose another time below."
    ),
    "already_booked": _(
        "This person already has an active booking for this service. Reschedule or cancel "
        "it instead of booking again."
    ),
    "hold_expired": _(
        "The place was held for a few minutes only and has been released. Choose a time again."
    ),
    "too_late_to_change": _(
        "Bookings can only be changed or cancelled until the day before. Contact the office."
    ),
    "not_active": _("This booking is no longer active."),
    "slot_invalid": _("Choose a time from the list."),
    "busy": _("Many people are booking right now."),
    # kiosk and console
    "unknown_code": _(
        "We could not find this booking code. Check the code on your confirmation, or ask "
        "the information desk for help."
    ),
    "wrong_office": _("This booking is for another office: %(office)s."),
    "wrong_day": _("This booking is for %(date)s, not today. Please come back on that day."),
    "booking_not_active": _(
        "This booking was cancelled or has already been used. Ask the information desk."
    ),
    "walk_in_quota_full": _(
        "No walk-in places are left today. Book a time online, or ask the information desk."
    ),
    "office_closed_now": _("The office is not issuing tickets now."),
    "priority_reason_invalid": _("Choose why you need the priority lane."),
    "counter_inactive": _("This counter is closed."),
    "counter_busy": _("Finish, transfer or mark no-show for the current ticket first."),
    "ticket_state_changed": _(
        "This ticket was changed a moment ago (another counter or an earlier click). The "
        "screen has been refreshed."
    ),
    "transfer_target_required": _("Choose a service or a counter to transfer to."),
}


def message_for(error: BookingError) -> str:
    text = str(ERRORS.get(error.code, ERRORS["try_again"]))
    details = dict(error.details)
    if "date" in details:
        details["date"] = formats.date_format(details["date"], "DATE_FORMAT")
    if "%(" in text:
        try:
            text = text % details
        except (KeyError, TypeError):
            text = str(ERRORS["try_again"])
    reason = details.get("reason")
    if reason and error.code in {
        "day_not_bookable",
        "service_unavailable_here",
        "office_closed_now",
    }:
        text = f"{text} {reason}"
    return text
