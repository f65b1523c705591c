"""Booking API (the mobile app and partners' apps) and the public queue feeds.

A slot is named ``"<office-code>:<YYYYMMDDTHHMM>"`` in the office's local time, as listed by
``GET /bookings/slots``. ``POST /bookings`` with an ``Idempotency-Key`` header books in one call:
replaying the key returns the same booking (200) instead of a second one. Refusals are 409
``{"detail", "code", "alternatives"}``; an overloaded server answers 503 ``{"code": "busy",
"waiting", "retry_after"}`` with ``Retry-After`` rather than timing out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Header, Router, Schema, Status
from pydantic import ConfigDict, Field

from imigrasi.accounts.api_auth import user_auth
from imigrasi.accounts.models import User
from imigrasi.applications.models import Application, Person
from imigrasi.appointments import actions, config, onsite, sold_out
from imigrasi.appointments.actions import Assistance, BookingError
from imigrasi.appointments.documents import render_booking_pdf
from imigrasi.appointments.messages import message_for
from imigrasi.appointments.models import Booking, Ticket, TicketStatus
from imigrasi.appointments.queries import (
    alternatives,
    bookable_days,
    bookings_of,
    free_slots,
    next_available,
    office_options,
    person_for_booking,
    slot_from_ref,
    slot_ref,
)
from imigrasi.catalog.models import Office, Service
from imigrasi.lib.admission import Busy, gate
from imigrasi.lib.api_errors import ErrorOut
from imigrasi.lib.ratelimit import allow

router = Router(auth=user_auth)
public_router = Router()


class SlotOut(Schema):
    slot: str = Field(description="Reference to book with: office-code:YYYYMMDDTHHMM (local)")
    office: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    zone: str
    free: int


class RefusalOut(Schema):
    detail: str
    code: str
    alternatives: list[SlotOut] = []


class BusyOut(Schema):
    detail: str
    code: str
    waiting: int
    retry_after: int


class OfficeOptionOut(Schema):
    code: str
    name: str
    city: str
    zone: str
    distance_km: float | None
    can_serve: bool
    reason: str


class DayOut(Schema):
    date: dt.date
    bookable: bool
    reason: str


class NextOut(Schema):
    office: str
    office_name: str
    distance_km: float | None
    slot: SlotOut


class AssistanceIn(Schema):
    wheelchair: bool = False
    sign_language: bool = False
    companion: bool = False


class BookIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"slot": "kanim-jakarta-selatan:20261203T0800", "application": "P2611-XXXX-XXXX"},
                {
                    "slot": "kanim-jakarta-selatan:20261203T0800",
                    "service": "paspor-baru-dewasa",
                    "person_id": "…uuid…",
                    "assistance": {"wheelchair": True},
                },
            ]
        }
    )
    slot: str = Field(max_length=60)
    application: str | None = Field(
        default=None, max_length=30, description="The application whose visit this is"
    )
    service: str | None = Field(
        default=None, max_length=60, description="For a walk-in service without an application"
    )
    person_id: str | None = Field(default=None, max_length=40)
    assistance: AssistanceIn = AssistanceIn()


class RescheduleIn(Schema):
    slot: str = Field(max_length=60)


class CancelIn(Schema):
    reason: str = Field(default="", max_length=200)


class WaitlistIn(Schema):
    office: str = Field(max_length=60)
    service: str = Field(max_length=60)
    date: dt.date | None = None


class BookingOut(Schema):
    code: str
    status: str
    status_label: str
    service: str
    office: str
    office_name: str
    application: str | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    zone: str
    queue_number: str
    hold_expires_at: dt.datetime | None
    can_change: bool
    qr: str = Field(description="What the kiosk scans")
    assistance: AssistanceIn


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def slot_out(slot: Any) -> dict[str, Any]:
    office = slot.office
    return {
        "slot": slot_ref(slot),
        "office": office.code,
        "starts_at": slot.starts_at.astimezone(office.zone),
        "ends_at": slot.ends_at.astimezone(office.zone),
        "zone": office.zone_abbreviation,
        "free": slot.free,
    }


def booking_out(booking: Booking) -> dict[str, Any]:
    office = booking.office
    return {
        "code": booking.code,
        "status": booking.status,
        "status_label": str(booking.get_status_display()),
        "service": booking.service.code,
        "office": office.code,
        "office_name": office.name,
        "application": booking.application.number if booking.application else None,
        "starts_at": booking.slot.starts_at.astimezone(office.zone),
        "ends_at": booking.slot.ends_at.astimezone(office.zone),
        "zone": office.zone_abbreviation,
        "queue_number": booking.queue_number,
        "hold_expires_at": booking.hold_expires_at,
        "can_change": booking.status == "confirmed" and actions.can_still_change(booking),
        "qr": f"IMD-BOOKING:{booking.code}",
        "assistance": {
            "wheelchair": booking.needs_wheelchair,
            "sign_language": booking.needs_sign_language,
            "companion": booking.brings_companion,
        },
    }


def refusal(exc: BookingError, slot: Any = None) -> Status[dict[str, Any]]:
    status = 404 if exc.code == "not_found" else 409
    body: dict[str, Any] = {"detail": message_for(exc), "code": exc.code, "alternatives": []}
    if exc.code == "slot_full" and slot is not None:
        body["alternatives"] = [slot_out(s) for s in alternatives(slot.office, slot.starts_at)]
        # Later requests for this slot get this answer at the door (appointments.sold_out).
        sold_out.publish(slot, body["alternatives"])
    return Status(status, body)


def busy(request: HttpRequest, exc: Busy) -> HttpResponse:
    from imigrasi.api import api

    response = api.create_response(
        request,
        {
            "detail": str(
                _(
                    "Many people are booking right now. You are number %(n)s in line "
                    "on this server; try again in %(s)s seconds."
                )
                % {"n": exc.waiting, "s": exc.retry_after}
            ),
            "code": "busy",
            "waiting": exc.waiting,
            "retry_after": exc.retry_after,
        },
        status=503,
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


def _rate_limited(user: User) -> Status[dict[str, Any]] | None:
    allowed, _retry = allow(f"booking:{user.pk}", settings.BOOKING_RATE)
    if allowed:
        return None
    return Status(
        429,
        {
            "detail": _("Too many requests. Wait a minute and try again."),
            "code": "rate_limited",
            "alternatives": [],
        },
    )


def resolve_booking_input(
    user: User, payload: BookIn
) -> tuple[Person, Service, Application | None]:
    """Who and what the booking is for: an application's visit, or a service for a person."""
    if payload.application:
        application = (
            Application.objects.select_related("person", "service")
            .filter(account=user, number=payload.application)
            .first()
        )
        if application is None:
            raise BookingError("not_found")
        return application.person, application.service, application
    service = config.service_by_code(payload.service or "")
    person = person_for_booking(user, payload.person_id or "")
    if service is None or person is None:
        raise BookingError("not_found")
    return person, service, None


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _booking_gate() -> Any:
    return gate("booking", settings.BOOKING_CONCURRENCY, settings.BOOKING_ADMISSION_WAIT_SECONDS)


@router.get(
    "/offices",
    response=list[OfficeOptionOut],
    summary="Offices for a service, nearest to a city first; those that cannot serve say why",
)
def offices(request: HttpRequest, service: str, near: str = "") -> list[dict[str, Any]]:
    found = config.service_by_code(service)
    if found is None:
        return []
    return [
        {
            "code": o.office.code,
            "name": o.office.name,
            "city": o.office.city,
            "zone": o.office.zone_abbreviation,
            "distance_km": round(o.distance_km, 1) if o.distance_km is not None else None,
            "can_serve": o.can_serve,
            "reason": o.reason,
        }
        for o in office_options(found, near)
    ]


@router.get(
    "/days",
    response={200: list[DayOut], 404: ErrorOut},
    summary="The coming days at an office: bookable, or why not",
)
def days(request: HttpRequest, office: str) -> Any:
    found = config.office_by_code(office)
    if found is None:
        return Status(404, {"detail": _("Not found."), "code": "not_found"})
    return [
        {"date": d, "bookable": reason is None, "reason": reason or ""}
        for d, reason in bookable_days(found)
    ]


@router.get(
    "/slots",
    response={200: list[SlotOut], 404: ErrorOut, 409: ErrorOut},
    summary="Free slots at an office on a date",
)
def slots(request: HttpRequest, office: str, date: dt.date, service: str = "") -> Any:
    found = config.office_by_code(office)
    if found is None:
        return Status(404, {"detail": _("Not found."), "code": "not_found"})
    if service:
        wanted = config.service_by_code(service)
        if wanted is None:
            return Status(404, {"detail": _("Not found."), "code": "not_found"})
        try:
            actions.check_office_serves(found, wanted)
        except BookingError as exc:
            return Status(409, {"detail": message_for(exc), "code": exc.code})
    reason = config.closed_reason(found, date)
    if reason:
        return Status(
            409,
            {
                "detail": message_for(BookingError("day_not_bookable", reason=reason)),
                "code": "day_not_bookable",
            },
        )
    return [slot_out(s) for s in free_slots(found, date)]


@router.get(
    "/next-available",
    response={200: list[NextOut], 404: ErrorOut},
    summary="The earliest free slot at each of the nearest offices serving a service",
)
def next_slots(request: HttpRequest, service: str, near: str = "") -> Any:
    found = config.service_by_code(service)
    if found is None:
        return Status(404, {"detail": _("Not found."), "code": "not_found"})
    return [
        {
            "office": n.office.code,
            "office_name": n.office.name,
            "distance_km": round(n.distance_km, 1) if n.distance_km is not None else None,
            "slot": slot_out(n.slot),
        }
        for n in next_available(found, near)
    ]


@router.post(
    "",
    response={
        200: BookingOut,
        201: BookingOut,
        404: RefusalOut,
        409: RefusalOut,
        429: RefusalOut,
        503: BusyOut,
    },
    summary="Book a slot in one call (send an Idempotency-Key header; replays return the same "
    "booking)",
)
def book(
    request: HttpRequest,
    payload: BookIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=8, max_length=64),
) -> Any:
    user = _user(request)
    # The rush path, cheapest first: a replay is answered from its booking; a slot this
    # process saw sell out a moment ago is answered from memory (with alternatives); only
    # then the per-account rate limit, the admission gate and the booking transaction.
    replay = actions.find_replay(user, idempotency_key)
    if replay is not None:
        return Status(200, booking_out(replay))
    slot = slot_from_ref(payload.slot)
    if slot is not None and actions.known_full(slot.pk):
        return refusal(BookingError("slot_full"), slot)
    limited = _rate_limited(user)
    if limited is not None:
        return limited
    try:
        if slot is None:
            raise BookingError("slot_invalid")
        with _booking_gate().admit():
            person, service, application = resolve_booking_input(user, payload)
            booking, created = actions.do_book(
                user,
                person,
                service,
                slot,
                idempotency_key=idempotency_key,
                application=application,
                assistance=Assistance(**payload.assistance.dict()),
                replay_checked=True,
            )
    except Busy as exc:
        return busy(request, exc)
    except BookingError as exc:
        return refusal(exc, slot)
    return Status(201 if created else 200, booking_out(booking))


@router.post(
    "/holds",
    response={201: BookingOut, 404: RefusalOut, 409: RefusalOut, 429: RefusalOut, 503: BusyOut},
    summary="Hold a slot for a few minutes while the person confirms",
)
def hold(request: HttpRequest, payload: BookIn) -> Any:
    user = _user(request)
    limited = _rate_limited(user)
    if limited is not None:
        return limited
    slot = None
    try:
        with _booking_gate().admit():
            person, service, application = resolve_booking_input(user, payload)
            slot = slot_from_ref(payload.slot)
            if slot is None:
                raise BookingError("slot_invalid")
            booking = actions.do_hold(
                user,
                person,
                service,
                slot,
                application=application,
                assistance=Assistance(**payload.assistance.dict()),
            )
    except Busy as exc:
        return busy(request, exc)
    except BookingError as exc:
        return refusal(exc, slot)
    return Status(201, booking_out(booking))


def _own(user: User, code: str) -> Booking:
    return get_object_or_404(
        Booking.objects.select_related("office", "slot", "service", "application", "person"),
        account=user,
        code=code.upper(),
    )


@router.post(
    "/waitlist",
    response={201: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Be told by email when a place frees at an office (on a date, or any)",
)
def waitlist(request: HttpRequest, payload: WaitlistIn) -> Any:
    office = config.office_by_code(payload.office)
    service = config.service_by_code(payload.service)
    if office is None or service is None:
        return Status(404, {"detail": _("Not found."), "code": "not_found"})
    try:
        actions.do_join_waitlist(_user(request), office, service, payload.date)
    except BookingError as exc:
        return Status(409, {"detail": message_for(exc), "code": exc.code})
    return Status(
        201, {"detail": _("We will email you when a place frees up."), "code": "waitlisted"}
    )


# Routes with a booking code come last: "/{code}" would otherwise answer "/waitlist".
@router.get("", response=list[BookingOut], summary="The account's bookings")
def my_bookings(request: HttpRequest) -> list[dict[str, Any]]:
    return [booking_out(b) for b in bookings_of(_user(request))]


@router.get("/{code}", response=BookingOut, summary="One booking")
def get_booking(request: HttpRequest, code: str) -> dict[str, Any]:
    return booking_out(_own(_user(request), code))


@router.post(
    "/{code}/confirm",
    response={200: BookingOut, 404: RefusalOut, 409: RefusalOut},
    summary="Confirm a held booking (confirming twice returns the same booking)",
)
def confirm(request: HttpRequest, code: str) -> Any:
    user = _user(request)
    try:
        booking = actions.do_confirm(_own(user, code), user)
    except BookingError as exc:
        return refusal(exc)
    return Status(200, booking_out(_own(user, booking.code)))


@router.post(
    "/{code}/cancel",
    response={200: BookingOut, 404: RefusalOut, 409: RefusalOut},
    summary="Cancel (until the day before)",
)
def cancel(request: HttpRequest, code: str, payload: CancelIn) -> Any:
    user = _user(request)
    try:
        booking = actions.do_cancel(_own(user, code), user, reason=payload.reason)
    except BookingError as exc:
        return refusal(exc)
    return Status(200, booking_out(_own(user, booking.code)))


@router.post(
    "/{code}/reschedule",
    response={200: BookingOut, 404: RefusalOut, 409: RefusalOut, 503: BusyOut},
    summary="Move to another slot (until the day before)",
)
def reschedule(request: HttpRequest, code: str, payload: RescheduleIn) -> Any:
    user = _user(request)
    booking = _own(user, code)
    slot = slot_from_ref(payload.slot)
    try:
        if slot is None:
            raise BookingError("slot_invalid")
        with _booking_gate().admit():
            booking = actions.do_reschedule(booking, slot, user)
    except Busy as exc:
        return busy(request, exc)
    except BookingError as exc:
        return refusal(exc, slot)
    return Status(200, booking_out(_own(user, booking.code)))


@router.get("/{code}/pdf", summary="The confirmation as a PDF (with the kiosk QR code)")
def booking_pdf(request: HttpRequest, code: str) -> HttpResponse:
    booking = _own(_user(request), code)
    if booking.status not in {"confirmed", "checked_in", "completed"}:
        raise Http404
    response = HttpResponse(render_booking_pdf(booking), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kunjungan-{booking.code}.pdf"'
    return response


# --- public queue feeds (no personal data) ---------------------------------------------------


class TicketPositionOut(Schema):
    number: str
    office: str
    status: str
    status_label: str
    ahead: int
    minutes: int | None
    near: bool
    counter: str


@public_router.get(
    "/queue/{office}/board", summary="The display board's data for an office", auth=None
)
def board(request: HttpRequest, office: str) -> HttpResponse:
    found = get_object_or_404(Office, code=office, is_active=True)
    from imigrasi.appointments.views_onsite import board_response

    return board_response(request, found)


@public_router.get(
    "/queue/tickets/{public_id}",
    response=TicketPositionOut,
    auth=None,
    summary="A ticket's place in line and estimated wait (from its QR code)",
)
def ticket_position(request: HttpRequest, public_id: str) -> dict[str, Any]:
    ticket = get_object_or_404(
        Ticket.objects.select_related("office", "counter"),
        public_id=public_id if _is_uuid(public_id) else None,
    )
    position = onsite.position_of(ticket)
    return {
        "number": ticket.number,
        "office": ticket.office.code,
        "status": ticket.status,
        "status_label": str(TicketStatus(ticket.status).label),
        "ahead": position.ahead,
        "minutes": position.minutes,
        "near": position.near,
        "counter": ticket.counter.code if ticket.counter_id and ticket.counter else "",
    }
