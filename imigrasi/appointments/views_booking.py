"""The applicant's booking pages under /kunjungan/: choose a city, an office, a date, a time and
the help needed; hold the place, confirm it; see, download, move or cancel the visit.

Every step is a plain GET form that carries what was chosen so far in the query string
(``application=<number>`` or ``service=<code>&person=<uuid>``, then ``near``, ``office``,
``date``, ``slot``), so the flow works without JavaScript, survives the back button and can
be bookmarked. The two writes that meet the rush (hold, confirm; and reschedule) are POSTs
behind the per-user rate limit and the admission gate, like the API. Thin: every rule is in
``actions`` and ``queries``; refusals are worded by ``messages.message_for``.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from cachetools import TTLCache
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from imigrasi.accounts.models import User
from imigrasi.applications.models import Application, Person
from imigrasi.applications.numbers import normalise_application_number
from imigrasi.appointments import actions, config
from imigrasi.appointments.actions import BookingError
from imigrasi.appointments.documents import booking_context, render_booking_pdf
from imigrasi.appointments.forms import (
    ASSISTANCE_CHOICES,
    AssistanceForm,
    CancelForm,
    CityForm,
    DayForm,
    HoldForm,
    PersonForm,
    SlotForm,
)
from imigrasi.appointments.messages import message_for
from imigrasi.appointments.models import (
    ACTIVE_BOOKING,
    Booking,
    BookingStatus,
    Slot,
    WaitlistEntry,
)
from imigrasi.appointments.queries import (
    NextSlot,
    alternatives,
    bookable_days,
    bookings_of,
    free_slots,
    next_available,
    office_options,
    slot_ref,
)
from imigrasi.appointments.schedule import policy_for
from imigrasi.catalog.models import Office, Service
from imigrasi.lib.admission import Busy, Gate, gate
from imigrasi.lib.ratelimit import allow

TEMPLATES = "appointments/booking/"
# Request values a retry page may carry back into its form (nothing else is echoed).
KEPT_FIELDS = ("application", "service", "person", "near", "office", "date", "slot", "assistance")
# Bookings the applicant can still see a QR code and a PDF for.
ATTENDABLE = (BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN, BookingStatus.COMPLETED)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _url(name: str, *args: Any, **params: Any) -> str:
    """A URL with a query string; empty values are left out."""
    query = urlencode(
        [
            (key, item)
            for key, value in params.items()
            for item in (value if isinstance(value, list | tuple) else [value])
            if item not in (None, "")
        ]
    )
    base = reverse(f"bookings:{name}", args=args)
    return f"{base}?{query}" if query else base


def _pairs(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Hidden form fields for the values chosen so far."""
    return [
        (key, str(item))
        for key, value in params.items()
        for item in (value if isinstance(value, list | tuple) else [value])
        if item not in (None, "")
    ]


# --- who and what the visit is for --------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """An application's visit, or a service for one of the account's people."""

    person: Person
    service: Service
    application: Application | None

    def params(self) -> dict[str, str]:
        if self.application is not None:
            return {"application": self.application.number}
        return {"service": self.service.code, "person": str(self.person.public_id)}

    @property
    def caption(self) -> str:
        if self.application is not None:
            return f"{self.service.name} · {self.application.display_number}"
        return self.service.name


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _target(user: User, data: QueryDict) -> Target:
    """The account's own application or person; anything else is a 404."""
    number = data.get("application", "")
    if number:
        application = (
            Application.objects.select_related("person", "service")
            .filter(account=user, number=normalise_application_number(number) or "")
            .first()
        )
        if application is None:
            raise Http404
        return Target(application.person, application.service, application)
    service = config.service_by_code(data.get("service", ""))
    person_id = data.get("person", "")
    person = (
        Person.objects.filter(account=user, public_id=person_id).first()
        if _is_uuid(person_id)
        else None
    )
    if service is None or service.is_addon or person is None:
        raise Http404
    return Target(person, service, None)


def _booking_caption(target: Target) -> str:
    return f"{_('Book an office visit')} · {target.caption}"


def _change_caption(booking: Booking) -> str:
    return f"{_('Change your visit')} · {_target_of(booking).caption}"


def _target_of(booking: Booking) -> Target:
    return Target(booking.person, booking.service, booking.application)


def _office(data: QueryDict) -> Office:
    office = config.office_by_code(data.get("office", ""))
    if office is None:
        raise Http404
    return office


def _own(user: User, code: str) -> Booking:
    return get_object_or_404(
        Booking.objects.select_related("office", "slot", "service", "application", "person"),
        account=user,
        code=code.upper(),
    )


def _local_day(slot: Slot) -> dt.date:
    return slot.starts_at.astimezone(slot.office.zone).date()


# --- admission and rate limit (as in the API) ---------------------------------------------


def _gate() -> Gate:
    return gate("booking", settings.BOOKING_CONCURRENCY, settings.BOOKING_ADMISSION_WAIT_SECONDS)


def _kept_values(request: HttpRequest) -> list[tuple[str, str]]:
    return [
        (name, value)
        for name in KEPT_FIELDS
        for value in request.POST.getlist(name)
        if value and len(value) <= 100
    ]


def _kept_params(request: HttpRequest) -> dict[str, list[str]]:
    kept: dict[str, list[str]] = {}
    for name, value in _kept_values(request):
        kept.setdefault(name, []).append(value)
    return kept


def _try_again(
    request: HttpRequest,
    *,
    status: int,
    retry_after: int,
    title: str,
    message: str,
    back_url: str,
    waiting: int | None = None,
) -> HttpResponse:
    """Busy or rate-limited: an honest answer, and a form that sends the same values again."""
    response = render(
        request,
        TEMPLATES + "try_again.html",
        {
            "title": title,
            "message": message,
            "waiting": waiting,
            "retry_after": retry_after,
            "action": request.path,
            "hidden": _kept_values(request),
            "back_url": back_url,
        },
        status=status,
    )
    response["Retry-After"] = str(retry_after)
    return response


def _busy(request: HttpRequest, exc: Busy, back_url: str) -> HttpResponse:
    return _try_again(
        request,
        status=503,
        retry_after=exc.retry_after,
        waiting=exc.waiting,
        title=message_for(BookingError("busy")),
        message=_(
            "Many people are booking right now. You are number %(n)s in line "
            "on this server; try again in %(s)s seconds."
        )
        % {"n": exc.waiting, "s": exc.retry_after},
        back_url=back_url,
    )


def _rate_limited(request: HttpRequest, back_url: str) -> HttpResponse | None:
    allowed, retry_after = allow(f"booking:{_user(request).pk}", settings.BOOKING_RATE)
    if allowed:
        return None
    return _try_again(
        request,
        status=429,
        retry_after=retry_after,
        title=_("Too many requests"),
        message=_("Too many requests. Wait a minute and try again."),
        back_url=back_url,
    )


def _refused(
    request: HttpRequest,
    exc: BookingError,
    back_url: str,
    *,
    back_label: str = "",
    status: int = 409,
) -> HttpResponse:
    if exc.code == "not_found":
        raise Http404
    return render(
        request,
        TEMPLATES + "refused.html",
        {
            "message": message_for(exc),
            "code": exc.code,
            "back_url": back_url,
            "back_label": back_label or _("Go back"),
        },
        status=status,
    )


# --- pages shared by booking and rescheduling: the date and the time ----------------------

# "Next available at nearby offices" walks the days of several offices: in a rush everyone on
# the time page asks the same question, so the answer is kept a few seconds per process (like
# queries.alternatives). A stale entry costs nothing: holding the slot re-checks everything.
_nearby: TTLCache[tuple[int, str], list[NextSlot]] = TTLCache(
    maxsize=1024, ttl=float(getattr(settings, "BOOKING_CONFIG_CACHE_SECONDS", 10))
)
_nearby_lock = threading.Lock()


def _next_available(service: Service, near: str) -> list[NextSlot]:
    key = (service.pk, near)
    with _nearby_lock:
        found = _nearby.get(key)
    if found is None:
        found = next_available(service, near, offices=4)
        with _nearby_lock:
            _nearby[key] = found
    return found


def forget_nearby() -> None:
    with _nearby_lock:
        _nearby.clear()


def _day_page(
    request: HttpRequest,
    *,
    office: Office,
    form: DayForm,
    action: str,
    hidden: Mapping[str, Any],
    caption: str,
    back_url: str,
    status: int = 200,
) -> HttpResponse:
    days = bookable_days(office)
    last = days[-1][0] if days else timezone.now().astimezone(office.zone).date()
    chosen = form.data.get("date", "") if form.is_bound else ""
    return render(
        request,
        TEMPLATES + "days.html",
        {
            "office": office,
            "form": form,
            "days": [
                {"date": day, "value": day.isoformat(), "reason": reason} for day, reason in days
            ],
            "first_open": next((d.isoformat() for d, reason in days if reason is None), ""),
            "chosen": chosen,
            "later_reason": config.closed_reason(office, last + dt.timedelta(days=1)),
            "action": action,
            "hidden": _pairs(hidden),
            "caption": caption,
            "back_url": back_url,
        },
        status=status,
    )


def _slot_page(
    request: HttpRequest,
    *,
    office: Office,
    day: dt.date,
    form: SlotForm,
    action: str,
    method: str,
    hidden: Mapping[str, Any],
    caption: str,
    back_url: str,
    choose_url: Any,
    target: Target | None = None,
    near: str = "",
    after: dt.datetime | None = None,
    exclude: Slot | None = None,
    status: int = 200,
) -> HttpResponse:
    """``choose_url(slot)`` links an alternative time; ``target`` (booking, not rescheduling)
    adds the waiting list and the nearby offices' next free times; after a refusal, ``after``
    and ``exclude`` name the slot that was just taken."""
    slots = free_slots(office, day)
    start_of_day = dt.datetime.combine(day, dt.time(0), tzinfo=office.zone)
    refused = form.is_bound and bool(form.errors)
    others: list[Slot] = []
    if not slots or refused:
        others = [
            s
            for s in alternatives(office, after or start_of_day)
            if exclude is None or s.pk != exclude.pk
        ]
    waitlisted = False
    nearby: list[dict[str, Any]] = []
    if target is not None:
        waitlisted = WaitlistEntry.objects.filter(
            account=_user(request),
            office=office,
            service=target.service,
            date=day,
            notified_at__isnull=True,
        ).exists()
        nearby = [
            {"next": n, "url": choose_url(n.slot)}
            for n in _next_available(target.service, near)
            if n.office.pk != office.pk
        ][:3]
    chosen = form.data.get("slot", "") if form.is_bound else ""
    return render(
        request,
        TEMPLATES + "slots.html",
        {
            "office": office,
            "day": day,
            "form": form,
            "slots": [{"slot": s, "ref": slot_ref(s)} for s in slots],
            "chosen": chosen,
            "alternatives": [{"slot": s, "url": choose_url(s)} for s in others],
            "nearby": nearby,
            "waitlist": target is not None and not slots,
            "waitlisted": waitlisted,
            "waitlist_hidden": _pairs(
                {
                    **(target.params() if target else {}),
                    "office": office.code,
                    "near": near,
                    "date": day.isoformat(),
                }
            ),
            "action": action,
            "method": method,
            "hidden": _pairs(hidden),
            "caption": caption,
            "back_url": back_url,
        },
        status=status,
    )


# --- my visits ----------------------------------------------------------------------------


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    bookings = bookings_of(_user(request))
    for booking in bookings:
        _show_lapsed_hold_as_expired(booking)
    return render(request, TEMPLATES + "mine.html", {"bookings": bookings})


def _show_lapsed_hold_as_expired(booking: Booking) -> None:
    """A hold past its time is released by the next booking of its slot; until then the row
    still says "held". For display only (never saved), call it what it is."""
    if booking.status == BookingStatus.HELD and _hold_is_over(booking):
        booking.status = BookingStatus.EXPIRED


@login_required
@require_GET
def by_public_id(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The link in the confirmation email and PDF (documents.booking_context) names the
    booking by its public id."""
    booking = get_object_or_404(Booking, account=_user(request), public_id=public_id)
    return redirect("bookings:detail", booking.code)


# --- start: an application's visit, or a service for one of the account's people ----------


@login_required
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    if not request.GET.get("application"):
        return redirect("bookings:mine")
    target = _target(_user(request), request.GET)
    current = (
        Booking.objects.filter(application=target.application, status__in=ACTIVE_BOOKING)
        .order_by("-created_at")
        .first()
    )
    if current is not None and current.status == BookingStatus.HELD:
        return redirect("bookings:confirm", current.code)
    if current is not None:
        messages.info(
            request,
            _("This application already has a booked visit. You can move or cancel it here."),
        )
        return redirect("bookings:detail", current.code)
    if not target.service.requires_visit:
        return _refused(
            request,
            BookingError("no_visit_needed"),
            reverse("applications:detail", args=[target.application.number])
            if target.application
            else reverse("bookings:mine"),
            status=200,
        )
    return redirect(_url("offices", **target.params()))


@login_required
@require_GET
def start_service(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    service = config.service_by_code(code)
    if service is None or service.is_addon:
        raise Http404
    if not service.requires_visit:
        return _refused(
            request,
            BookingError("no_visit_needed"),
            reverse("catalog:service", args=[service.code]),
            status=200,
        )
    people = list(Person.objects.filter(account=user).order_by("created_at"))
    choices = [
        (
            str(p.public_id),
            f"{p.full_name or _('(name not given yet)')}: {p.get_relationship_display()}",
        )
        for p in people
    ]
    form = PersonForm(request.GET if "person" in request.GET else None, people=choices)
    office_code = request.GET.get("office", "")
    if form.is_bound and form.is_valid():
        person = next(p for p in people if str(p.public_id) == form.cleaned_data["person"])
        try:
            actions.identity_of(person)
        except BookingError as exc:
            form.add_error("person", message_for(exc))
        else:
            params = {"service": service.code, "person": str(person.public_id)}
            office = config.office_by_code(office_code) if office_code else None
            if office is not None:  # from the waiting-list email: straight to the dates
                return redirect(_url("days", **params, office=office.code))
            return redirect(_url("offices", **params))
    return render(
        request,
        TEMPLATES + "start_service.html",
        {"form": form, "service": service, "people": people, "office_code": office_code},
    )


# --- the steps ----------------------------------------------------------------------------


@login_required
@require_GET
def offices(request: HttpRequest) -> HttpResponse:
    target = _target(_user(request), request.GET)
    form = CityForm(request.GET if "near" in request.GET else None)
    options: list[dict[str, Any]] | None = None
    near = ""
    if form.is_bound and form.is_valid():
        near = form.cleaned_data["near"]
        options = [
            {
                "option": o,
                "distance": round(o.distance_km) if o.distance_km is not None else None,
                "url": _url("days", **target.params(), office=o.office.code, near=near),
            }
            for o in office_options(target.service, near)
        ]
    return render(
        request,
        TEMPLATES + "offices.html",
        {
            "form": form,
            "options": options,
            "near": near,
            "target": target,
            "hidden": _pairs(target.params()),
            "back_url": _back_to_start(target),
        },
    )


def _back_to_start(target: Target) -> str:
    if target.application is not None:
        return reverse("applications:detail", args=[target.application.number])
    return _url("start_service", target.service.code, person=str(target.person.public_id))


def _booking_day_page(
    request: HttpRequest,
    target: Target,
    office: Office,
    form: DayForm,
    near: str,
    status: int = 200,
) -> HttpResponse:
    """The "choose a day" step of a new booking (first view, invalid date, slot gone)."""
    return _day_page(
        request,
        office=office,
        form=form,
        action=reverse("bookings:slots"),
        hidden={**target.params(), "office": office.code, "near": near},
        caption=_booking_caption(target),
        back_url=_url("offices", **target.params(), near=near),
        status=status,
    )


def _check_serves(
    request: HttpRequest, target: Target, office: Office, back_url: str
) -> HttpResponse | None:
    try:
        actions.check_office_serves(office, target.service)
    except BookingError as exc:
        return _refused(request, exc, back_url, back_label=_("Choose another office"))
    return None


@login_required
@require_GET
def days(request: HttpRequest) -> HttpResponse:
    target = _target(_user(request), request.GET)
    office = _office(request.GET)
    near = request.GET.get("near", "")
    offices_url = _url("offices", **target.params(), near=near)
    refused = _check_serves(request, target, office, offices_url)
    if refused is not None:
        return refused
    return _booking_day_page(request, target, office, DayForm(office=office), near)


def _booking_slot_page(
    request: HttpRequest,
    target: Target,
    office: Office,
    day: dt.date,
    near: str,
    form: SlotForm | None = None,
    after: dt.datetime | None = None,
    exclude: Slot | None = None,
    status: int = 200,
) -> HttpResponse:
    def choose(slot: Slot) -> str:
        return _url(
            "assistance",
            **target.params(),
            near=near,
            office=slot.office.code,
            date=_local_day(slot).isoformat(),
            slot=slot_ref(slot),
        )

    return _slot_page(
        request,
        office=office,
        day=day,
        form=form or SlotForm(),
        action=reverse("bookings:assistance"),
        method="get",
        hidden={**target.params(), "office": office.code, "near": near, "date": day.isoformat()},
        caption=_booking_caption(target),
        back_url=_url("days", **target.params(), office=office.code, near=near),
        choose_url=choose,
        target=target,
        near=near,
        after=after,
        exclude=exclude,
        status=status,
    )


@login_required
@require_GET
def slots(request: HttpRequest) -> HttpResponse:
    target = _target(_user(request), request.GET)
    office = _office(request.GET)
    near = request.GET.get("near", "")
    refused = _check_serves(request, target, office, _url("offices", **target.params()))
    if refused is not None:
        return refused
    form = DayForm(request.GET, office=office)
    if not form.is_valid():
        return _booking_day_page(request, target, office, form, near)
    return _booking_slot_page(request, target, office, form.cleaned_data["date"], near)


def _invalid_slot(
    request: HttpRequest, target: Target, data: QueryDict, form: SlotForm, status: int = 200
) -> HttpResponse:
    """Back to the time choice with the error, when the office and date are known."""
    office = config.office_by_code(data.get("office", ""))
    near = data.get("near", "")
    if office is not None:
        day_form = DayForm(data, office=office)
        if day_form.is_valid():
            return _booking_slot_page(
                request, target, office, day_form.cleaned_data["date"], near, form, status=status
            )
    return _refused(
        request,
        BookingError("slot_invalid"),
        _url("offices", **target.params(), near=near),
        back_label=_("Choose an office and a time"),
    )


@login_required
@require_GET
def assistance(request: HttpRequest) -> HttpResponse:
    target = _target(_user(request), request.GET)
    form = SlotForm(request.GET)
    if not form.is_valid():
        return _invalid_slot(request, target, request.GET, form)
    slot: Slot = form.cleaned_data["slot"]
    return _assistance_page(
        request,
        target,
        slot,
        AssistanceForm(initial={"assistance": request.GET.getlist("assistance")}),
        near=request.GET.get("near", ""),
    )


def _assistance_page(
    request: HttpRequest,
    target: Target,
    slot: Slot,
    form: AssistanceForm,
    *,
    near: str,
    status: int = 200,
) -> HttpResponse:
    office = slot.office
    day = _local_day(slot).isoformat()
    return render(
        request,
        TEMPLATES + "assistance.html",
        {
            "form": form,
            "slot": slot,
            "office": office,
            "hold_minutes": policy_for(office).hold_minutes,
            "hidden": _pairs(
                {
                    **target.params(),
                    "near": near,
                    "office": office.code,
                    "date": day,
                    "slot": slot_ref(slot),
                }
            ),
            "caption": target.caption,
            "back_url": _url("slots", **target.params(), office=office.code, near=near, date=day),
        },
        status=status,
    )


@login_required
@require_POST
def hold(request: HttpRequest) -> HttpResponse:
    """Take a place for a few minutes. The rush path, cheapest first (as in the API): the
    form (slot references are remembered), a slot this process saw sell out a moment ago,
    the per-account rate limit, then the admission gate around the booking transaction."""
    user = _user(request)
    target = _target(user, request.POST)
    near = request.POST.get("near", "")
    form = HoldForm(request.POST)
    if not form.is_valid():
        if "slot" in form.errors:
            return _invalid_slot(request, target, request.POST, form)
        return _assistance_page(request, target, form.cleaned_data["slot"], form, near=near)
    slot: Slot = form.cleaned_data["slot"]
    if actions.known_full(slot.pk):
        return _hold_refused(request, BookingError("slot_full"), target, slot, near)
    back_url = _url("assistance", **_kept_params(request))
    limited = _rate_limited(request, back_url)
    if limited is not None:
        return limited
    try:
        with _gate().admit():
            booking = actions.do_hold(
                user,
                target.person,
                target.service,
                slot,
                application=target.application,
                assistance=form.assistance_value(),
            )
    except Busy as exc:
        return _busy(request, exc, back_url)
    except BookingError as exc:
        return _hold_refused(request, exc, target, slot, near)
    return redirect("bookings:confirm", booking.code)


def _hold_refused(
    request: HttpRequest, error: BookingError, target: Target, slot: Slot, near: str
) -> HttpResponse:
    if error.code == "slot_full":  # back to the times, with the next free ones
        refused_form = SlotForm({"slot": slot_ref(slot)})
        refused_form.is_valid()
        refused_form.add_error("slot", message_for(error))
        return _booking_slot_page(
            request,
            target,
            slot.office,
            _local_day(slot),
            near,
            refused_form,
            after=slot.starts_at,
            exclude=slot,
            status=409,
        )
    if error.code == "day_not_bookable":  # back to the dates, with the reason
        day_form = DayForm({"date": _local_day(slot).isoformat()}, office=slot.office)
        day_form.is_valid()
        if "date" not in day_form.errors:
            day_form.add_error("date", message_for(error))
        return _booking_day_page(request, target, slot.office, day_form, near, status=409)
    if error.code == "already_booked":
        return _refused(
            request, error, reverse("bookings:mine"), back_label=_("See your booked visits")
        )
    if error.code == "identity_required":
        return _refused(request, error, _back_to_start(target))
    return _refused(
        request,
        error,
        _url("offices", **target.params(), near=near),
        back_label=_("Choose an office and a time"),
    )


@login_required
@require_POST
def waitlist(request: HttpRequest) -> HttpResponse:
    """Tell me when a place frees up: at this office for the chosen day (or, with no day,
    for any day)."""
    user = _user(request)
    target = _target(user, request.POST)
    office = _office(request.POST)
    near = request.POST.get("near", "")
    day: dt.date | None = None
    back = _url("days", **target.params(), office=office.code, near=near)
    if request.POST.get("date"):
        form = DayForm(request.POST, office=office)
        if not form.is_valid():
            return _booking_day_page(request, target, office, form, near, status=409)
        day = form.cleaned_data["date"]
        back = _url("slots", **target.params(), office=office.code, near=near, date=day.isoformat())
    try:
        actions.do_join_waitlist(user, office, target.service, day)
    except BookingError as exc:
        return _refused(request, exc, back)
    messages.success(request, _("We will email you when a place frees up."))
    return redirect(back)


# --- the held place, and the booking ------------------------------------------------------


def _hold_is_over(booking: Booking) -> bool:
    return booking.status == BookingStatus.EXPIRED or (
        booking.status == BookingStatus.HELD
        and booking.hold_expires_at is not None
        and booking.hold_expires_at < timezone.now()
    )


def _back_to_slot_choice(booking: Booking) -> str:
    return _url(
        "slots",
        **_target_of(booking).params(),
        office=booking.office.code,
        date=_local_day(booking.slot).isoformat(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    booking = _own(user, code)
    if booking.status in ATTENDABLE:
        return redirect("bookings:detail", booking.code)
    if _hold_is_over(booking):
        messages.error(request, message_for(BookingError("hold_expired")))
        return redirect(_back_to_slot_choice(booking))
    if booking.status != BookingStatus.HELD:  # cancelled (e.g. another time was chosen)
        return redirect("bookings:detail", booking.code)
    if request.method == "POST":
        confirm_url = reverse("bookings:confirm", args=[booking.code])
        limited = _rate_limited(request, confirm_url)
        if limited is not None:
            return limited
        try:
            with _gate().admit():
                booking = actions.do_confirm(booking, user)
        except Busy as exc:
            return _busy(request, exc, confirm_url)
        except BookingError as exc:
            if exc.code == "hold_expired":
                messages.error(request, message_for(exc))
                return redirect(_back_to_slot_choice(booking))
            return _refused(request, exc, reverse("bookings:mine"))
        messages.success(request, _("Your office visit is booked."))
        return redirect("bookings:detail", booking.code)
    return render(
        request,
        TEMPLATES + "confirm.html",
        {
            "booking": booking,
            "office": booking.office,
            "assistance": _assistance_labels(booking),
            "caption": _target_of(booking).caption,
            "back_url": _back_to_slot_choice(booking),
        },
    )


def _assistance_labels(booking: Booking) -> list[str]:
    chosen = {
        "wheelchair": booking.needs_wheelchair,
        "sign_language": booking.needs_sign_language,
        "companion": booking.brings_companion,
    }
    return [str(label) for value, label in ASSISTANCE_CHOICES if chosen[value]]


def _can_change(booking: Booking) -> bool:
    return booking.status == BookingStatus.CONFIRMED and actions.can_still_change(booking)


@login_required
@require_GET
def detail(request: HttpRequest, code: str) -> HttpResponse:
    booking = _own(_user(request), code)
    _show_lapsed_hold_as_expired(booking)
    context: dict[str, Any] = booking_context(booking) if booking.status in ATTENDABLE else {}
    context.update(
        {
            "booking": booking,
            "office": booking.office,
            "attendable": booking.status in ATTENDABLE,
            "held": booking.status == BookingStatus.HELD,
            "can_change": _can_change(booking),
            "too_late": booking.status == BookingStatus.CONFIRMED
            and not actions.can_still_change(booking),
            "too_late_message": message_for(BookingError("too_late_to_change")),
            "assistance": _assistance_labels(booking),
            "caption": _target_of(booking).caption,
        }
    )
    return render(request, TEMPLATES + "detail.html", context)


@login_required
@require_GET
def pdf(request: HttpRequest, code: str) -> HttpResponse:
    booking = _own(_user(request), code)
    if booking.status not in ATTENDABLE:
        raise Http404
    response = HttpResponse(render_booking_pdf(booking), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kunjungan-{booking.code}.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    booking = _own(user, code)
    detail_url = reverse("bookings:detail", args=[booking.code])
    if booking.status not in ACTIVE_BOOKING:
        return _refused(request, BookingError("not_active"), detail_url)
    if booking.status == BookingStatus.CONFIRMED and not actions.can_still_change(booking):
        return _refused(request, BookingError("too_late_to_change"), detail_url)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_cancel(booking, user, reason=form.cleaned_data["reason"])
        except BookingError as exc:
            return _refused(request, exc, detail_url)
        messages.success(request, _("Your office visit is cancelled."))
        return redirect(detail_url)
    return render(
        request,
        TEMPLATES + "cancel.html",
        {
            "booking": booking,
            "office": booking.office,
            "form": form,
            "assistance": _assistance_labels(booking),
            "caption": _target_of(booking).caption,
            "back_url": detail_url,
        },
    )


# --- rescheduling: the same date and time choice, then actions.do_reschedule ---------------


def _reschedulable(request: HttpRequest, booking: Booking) -> HttpResponse | None:
    detail_url = reverse("bookings:detail", args=[booking.code])
    if booking.status != BookingStatus.CONFIRMED:
        return _refused(request, BookingError("not_active"), detail_url)
    if not actions.can_still_change(booking):
        return _refused(request, BookingError("too_late_to_change"), detail_url)
    return None


@login_required
@require_GET
def reschedule(request: HttpRequest, code: str) -> HttpResponse:
    booking = _own(_user(request), code)
    refused = _reschedulable(request, booking)
    if refused is not None:
        return refused
    return _day_page(
        request,
        office=booking.office,
        form=DayForm(office=booking.office),
        action=reverse("bookings:reschedule_slots", args=[booking.code]),
        hidden={},
        caption=_change_caption(booking),
        back_url=reverse("bookings:detail", args=[booking.code]),
    )


def _reschedule_slot_page(
    request: HttpRequest,
    booking: Booking,
    day: dt.date,
    form: SlotForm | None = None,
    after: dt.datetime | None = None,
    exclude: Slot | None = None,
    status: int = 200,
) -> HttpResponse:
    def choose(slot: Slot) -> str:
        return _url("reschedule_slots", booking.code, date=_local_day(slot).isoformat(), slot=None)

    action = reverse("bookings:reschedule_slots", args=[booking.code])
    return _slot_page(
        request,
        office=booking.office,
        day=day,
        form=form or SlotForm(),
        action=action,
        method="post",
        hidden={"date": day.isoformat()},
        caption=_change_caption(booking),
        back_url=reverse("bookings:reschedule", args=[booking.code]),
        choose_url=choose,
        after=after,
        exclude=exclude,
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def reschedule_slots(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    booking = _own(user, code)
    refused = _reschedulable(request, booking)
    if refused is not None:
        return refused
    data = request.POST if request.method == "POST" else request.GET
    day_form = DayForm(data, office=booking.office)
    if not day_form.is_valid():
        return _day_page(
            request,
            office=booking.office,
            form=day_form,
            action=reverse("bookings:reschedule_slots", args=[booking.code]),
            hidden={},
            caption=_change_caption(booking),
            back_url=reverse("bookings:detail", args=[booking.code]),
        )
    day: dt.date = day_form.cleaned_data["date"]
    if request.method == "GET":
        return _reschedule_slot_page(request, booking, day)
    back_url = _url("reschedule_slots", booking.code, date=day.isoformat())
    limited = _rate_limited(request, back_url)
    if limited is not None:
        return limited
    form = SlotForm(request.POST)
    error: BookingError | None = None
    try:
        with _gate().admit():
            if form.is_valid():
                try:
                    booking = actions.do_reschedule(booking, form.cleaned_data["slot"], user)
                except BookingError as exc:
                    error = exc
    except Busy as exc:
        return _busy(request, exc, back_url)
    if not form.is_valid():
        return _reschedule_slot_page(request, booking, day, form)
    if error is None:
        messages.success(request, _("Your office visit has been moved."))
        return redirect("bookings:detail", booking.code)
    slot: Slot = form.cleaned_data["slot"]
    if error.code == "slot_full":
        form.add_error("slot", message_for(error))
        return _reschedule_slot_page(
            request, booking, _local_day(slot), form, after=slot.starts_at, exclude=slot, status=409
        )
    if error.code == "day_not_bookable":
        day_form = DayForm({"date": _local_day(slot).isoformat()}, office=slot.office)
        day_form.is_valid()
        if "date" not in day_form.errors:
            day_form.add_error("date", message_for(error))
        return _day_page(
            request,
            office=booking.office,
            form=day_form,
            action=reverse("bookings:reschedule_slots", args=[booking.code]),
            hidden={},
            caption=_change_caption(booking),
            back_url=reverse("bookings:detail", args=[booking.code]),
            status=409,
        )
    return _refused(request, error, reverse("bookings:detail", args=[booking.code]))


def active_visit(application: Application) -> Booking | None:
    """The application's current visit (held, booked or checked in), for its page."""
    return (
        Booking.objects.select_related("office", "slot")
        .filter(
            application=application,
            status__in=[*ACTIVE_BOOKING, BookingStatus.CHECKED_IN],
        )
        .order_by("-created_at")
        .first()
    )
