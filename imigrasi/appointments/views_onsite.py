"""On-site pages: kiosk, officer console, public display board, the ticket holder's page.

The kiosk only answers a device registered for its office: a supervisor or officer of the
office, signed in with a second factor, presses "Use this device as the kiosk" on the console,
which sets a signed, HTTP-only cookie scoped to that office's kiosk path. Everything works
without JavaScript (POST, redirect, GET); scripts only add the inactivity timer, the live board
with its chime and voice, and the ticket holder's live position.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import time
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from imigrasi.accounts.access import role_required
from imigrasi.accounts.models import OFFICE_BOUND_ROLES, User
from imigrasi.applications.receipts import qr_data_uri
from imigrasi.appointments import onsite
from imigrasi.appointments.actions import Assistance, BookingError
from imigrasi.appointments.messages import message_for
from imigrasi.appointments.models import (
    Counter,
    Lane,
    OfficeService,
    PriorityReason,
    Ticket,
    TicketStatus,
)
from imigrasi.appointments.onsite import board_state
from imigrasi.audit.recording import record_event
from imigrasi.catalog.models import Office
from imigrasi.lib import panels
from imigrasi.lib.ratelimit import allow, client_ip


def board_response(request: HttpRequest, office: Office) -> HttpResponse:
    """The board polls every few seconds: an unchanged board costs a 304 and no rendering."""
    body = json.dumps(board_state(office), separators=(",", ":")).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
    if request.headers.get("If-None-Match") == etag:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response


# --- the kiosk device ------------------------------------------------------------------------

KIOSK_COOKIE = "imigrasi_kiosk"
KIOSK_SALT = "imigrasi.appointments.kiosk-device"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def kiosk_path(office: Office) -> str:
    return reverse("queue:kiosk", args=[office.code])


def kiosk_cookie_value(office: Office, user: User) -> str:
    return signing.dumps({"office": office.code, "by": user.pk}, salt=KIOSK_SALT)


def is_registered_kiosk(request: HttpRequest, office: Office) -> bool:
    """The device carries a cookie signed by this server for this office, not yet expired."""
    raw = request.COOKIES.get(KIOSK_COOKIE)
    if not raw:
        return False
    try:
        data = signing.loads(
            raw, salt=KIOSK_SALT, max_age=dt.timedelta(days=settings.KIOSK_DEVICE_DAYS)
        )
    except signing.BadSignature:
        return False
    return isinstance(data, dict) and data.get("office") == office.code


def _kiosk_context(office: Office) -> dict[str, Any]:
    start = kiosk_path(office)
    # Back to the start also goes back to the default language, for the next person.
    reset = reverse("pages:set_language", args=[settings.LANGUAGE_CODE])
    return {
        "office": office,
        "kiosk_start": start,
        "reset_url": f"{reset}?{urlencode({'next': start})}",
        "reset_seconds": settings.KIOSK_INACTIVITY_SECONDS,
    }


def _kiosk_render(
    request: HttpRequest,
    office: Office,
    template: str,
    context: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    full = {**_kiosk_context(office), **(context or {})}
    return render(request, f"appointments/onsite/kiosk/{template}", full, status=status)


KioskView = Callable[..., HttpResponse]


def kiosk_view(view: KioskView) -> KioskView:
    """Resolve the office, refuse devices that are not its registered kiosk, never cache."""

    @wraps(view)
    def wrapper(request: HttpRequest, office: str, *args: Any, **kwargs: Any) -> HttpResponse:
        found = get_object_or_404(Office, code=office, is_active=True)
        if not is_registered_kiosk(request, found):
            response = _kiosk_render(
                request, found, "not_registered.html", {"at_rest": True}, status=403
            )
        else:
            response = view(request, found, *args, **kwargs)
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex"
        return response

    return wrapper


def _problem(request: HttpRequest, office: Office, message: str, status: int = 200) -> HttpResponse:
    return _kiosk_render(request, office, "problem.html", {"message": message}, status=status)


def _issue_once(office: Office, token: str, issue: Callable[[], Ticket]) -> Ticket:
    """A double tap on a touch screen sends the form twice: the second request gets the
    ticket the first one issued, not a second ticket (the form carries a one-time token)."""
    if not _TOKEN.match(token or ""):
        return issue()
    key = f"kiosk-issue:{office.pk}:{token}"
    if not cache.add(key, "", timeout=600):
        for _attempt in range(30):
            issued = cache.get(key)
            if issued:
                found = Ticket.objects.filter(public_id=issued, office=office).first()
                if found is not None:
                    return found
            if issued is None:
                break  # the first attempt failed and forgot the token
            time.sleep(0.1)
        raise BookingError("try_again")
    try:
        ticket = issue()
    except Exception:
        cache.delete(key)
        raise
    cache.set(key, str(ticket.public_id), timeout=600)
    return ticket


def _new_token() -> str:
    return uuid.uuid4().hex


def _ticket_redirect(office: Office, ticket: Ticket) -> HttpResponse:
    return redirect("queue:kiosk_ticket", office.code, ticket.public_id)


# --- the kiosk screens -----------------------------------------------------------------------


@require_GET
@kiosk_view
def kiosk_start(request: HttpRequest, office: Office) -> HttpResponse:
    day = onsite.kiosk_day(office)
    # At the start in the default language there is nothing to reset: no timer.
    at_rest = getattr(request, "LANGUAGE_CODE", "") == settings.LANGUAGE_CODE
    return _kiosk_render(request, office, "start.html", {"day": day, "at_rest": at_rest})


@require_http_methods(["GET", "POST"])
@kiosk_view
def kiosk_code(request: HttpRequest, office: Office) -> HttpResponse:
    day = onsite.kiosk_day(office)
    if not day.open:  # after closing time nobody would call the ticket
        return _kiosk_render(request, office, "start.html", {"day": day})
    if request.method != "POST":
        return _kiosk_render(request, office, "code.html")
    raw = request.POST.get("code", "")[:80]
    allowed, retry = allow(f"kiosk-code:{client_ip(request)}", settings.KIOSK_CODE_RATE)
    if not allowed:
        response = _kiosk_render(
            request,
            office,
            "code.html",
            {
                "error": _(
                    "Too many attempts. Please wait a minute, or ask the information desk for help."
                )
            },
            status=429,
        )
        response["Retry-After"] = str(retry)
        return response
    if not onsite.normalise_code(raw):
        return _kiosk_render(
            request, office, "code.html", {"error": _("Type or scan your booking code.")}
        )
    try:
        ticket = onsite.check_in(office, raw)
    except BookingError as exc:
        return _kiosk_render(request, office, "code.html", {"error": message_for(exc)})
    return _ticket_redirect(office, ticket)


def _services(office: Office) -> list[OfficeService]:
    return onsite.walk_in_services(office)


@require_http_methods(["GET", "POST"])
@kiosk_view
def kiosk_walk_in(request: HttpRequest, office: Office) -> HttpResponse:
    day = onsite.kiosk_day(office)
    if request.method == "POST":
        offered = next(
            (o for o in _services(office) if o.service.code == request.POST.get("service")),
            None,
        )
        if offered is None:
            return _problem(request, office, message_for(BookingError("office_does_not_serve")))
        service = offered.service
        try:
            ticket = _issue_once(
                office,
                request.POST.get("token", ""),
                lambda: onsite.issue_walk_in(office, service),
            )
        except BookingError as exc:
            return _problem(request, office, message_for(exc))
        return _ticket_redirect(office, ticket)
    if not day.open or day.walk_in_left <= 0:
        return _kiosk_render(request, office, "start.html", {"day": day})
    return _kiosk_render(
        request, office, "walk_in.html", {"services": _services(office), "token": _new_token()}
    )


def _priority_reason(reason: str) -> PriorityReason:
    if reason not in PriorityReason.values:
        raise Http404
    return PriorityReason(reason)


@require_GET
@kiosk_view
def kiosk_priority(request: HttpRequest, office: Office) -> HttpResponse:
    day = onsite.kiosk_day(office)
    if not day.open or day.priority_left <= 0:
        return _kiosk_render(request, office, "start.html", {"day": day})
    return _kiosk_render(request, office, "priority.html", {"reasons": PriorityReason.choices})


@require_GET
@kiosk_view
def kiosk_priority_service(request: HttpRequest, office: Office, reason: str) -> HttpResponse:
    chosen = _priority_reason(reason)
    return _kiosk_render(
        request,
        office,
        "priority_service.html",
        {"reason": chosen, "services": _services(office)},
    )


@require_http_methods(["GET", "POST"])
@kiosk_view
def kiosk_assistance(
    request: HttpRequest, office: Office, reason: str, service: str
) -> HttpResponse:
    chosen = _priority_reason(reason)
    offered = next((o for o in _services(office) if o.service.code == service), None)
    if offered is None:
        raise Http404
    if request.method == "POST":
        assistance = Assistance(
            wheelchair=request.POST.get("wheelchair") == "1",
            sign_language=request.POST.get("sign_language") == "1",
            companion=request.POST.get("companion") == "1",
        )
        try:
            ticket = _issue_once(
                office,
                request.POST.get("token", ""),
                lambda: onsite.issue_walk_in(
                    office, offered.service, priority_reason=chosen, assistance=assistance
                ),
            )
        except BookingError as exc:
            return _problem(request, office, message_for(exc))
        return _ticket_redirect(office, ticket)
    return _kiosk_render(
        request,
        office,
        "assistance.html",
        {"reason": chosen, "offered": offered, "token": _new_token()},
    )


def counters_for(ticket: Ticket) -> list[str]:
    """The counters that may call this ticket (shown as a hint: "watch for counter 1 to 4")."""
    if ticket.target_counter_id and ticket.target_counter is not None:
        return [ticket.target_counter.code]
    counters = Counter.objects.filter(office_id=ticket.office_id, is_active=True).order_by("code")
    return [
        c.code
        for c in counters
        if ticket.route_prefix in c.prefixes and (ticket.lane != Lane.PRIORITY or c.serves_priority)
    ]


def ticket_url(ticket: Ticket) -> str:
    return f"{settings.PUBLIC_BASE_URL}{reverse('queue:ticket', args=[ticket.public_id])}"


@require_GET
@kiosk_view
def kiosk_ticket(request: HttpRequest, office: Office, public_id: uuid.UUID) -> HttpResponse:
    ticket = get_object_or_404(
        Ticket.objects.select_related("service", "target_counter"),
        public_id=public_id,
        office=office,
        date=onsite.local_today(office),
    )
    return _kiosk_render(
        request,
        office,
        "ticket.html",
        {
            "ticket": ticket,
            "position": onsite.position_of(ticket),
            "counters": counters_for(ticket),
            "qr": qr_data_uri(ticket_url(ticket)),
        },
    )


# --- the display board -----------------------------------------------------------------------


def _board_labels() -> dict[str, str]:
    return {
        "counter": _("Counter %(code)s") % {"code": "{code}"},
        "empty": "—",
        "priority": _("Priority"),
        "go_to": _("Please go to counter %(counter)s.") % {"counter": "{counter}"},
        "waiting": _("Queue %(prefix)s: %(count)s waiting")
        % {"prefix": "{prefix}", "count": "{count}"},
        "nobody_waiting": _("Nobody is waiting."),
        "no_calls": _("No numbers called yet today."),
        "sound_on": _("Sound is on."),
    }


@require_GET
def board(request: HttpRequest, office: str) -> HttpResponse:
    found = get_object_or_404(Office, code=office, is_active=True)
    state = board_state(found)
    response = render(
        request,
        "appointments/onsite/board.html",
        {
            "office": found,
            "state": state,
            "waiting": sorted(state["waiting"].items()),
            "last_call": state["calls"][0]["id"] if state["calls"] else 0,
            "poll_seconds": settings.QUEUE_BOARD_POLL_SECONDS,
            "labels": _board_labels(),
        },
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def board_data(request: HttpRequest, office: str) -> HttpResponse:
    return board_response(request, get_object_or_404(Office, code=office, is_active=True))


# --- the ticket holder's page ----------------------------------------------------------------

FINAL_STATUSES = (TicketStatus.DONE, TicketStatus.NO_SHOW, TicketStatus.CANCELLED)


@require_GET
def ticket_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    ticket = get_object_or_404(
        Ticket.objects.select_related("office", "counter", "service"), public_id=public_id
    )
    position = onsite.position_of(ticket)
    response = render(
        request,
        "appointments/onsite/ticket.html",
        {
            "ticket": ticket,
            "position": position,
            "final": ticket.status in FINAL_STATUSES,
            "extra_panels": panels.collect(panels.QUEUE_TICKET, ticket),
            "api_url": f"/api/v1/queue/tickets/{ticket.public_id}",
            "labels": {
                "statuses": {value: str(label) for value, label in TicketStatus.choices},
                "minutes": _("about %(minutes)s min") % {"minutes": "{n}"},
                "near_title": _("Your turn is near"),
                "near_text": _(
                    "Please stay close to the waiting area and watch the display board."
                ),
                "called_title": _("It is your turn"),
                "called_text": _("Please go to counter %(counter)s now.") % {"counter": "{c}"},
                "notification_title": _("Imigrasi: ticket %(number)s") % {"number": ticket.number},
                "notifications_on": _("We will notify you on this device when your turn is near."),
                "notifications_blocked": _(
                    "Notifications are blocked in this browser. Keep this page open instead."
                ),
            },
        },
    )
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response


# --- the officer console ---------------------------------------------------------------------

office_staff_required = role_required(OFFICE_BOUND_ROLES)
SESSION_COUNTER = "queue_counter_id"


def _officer(request: HttpRequest) -> tuple[User, Office]:
    user = request.user
    assert isinstance(user, User)
    if user.office_id is None or user.office is None:
        raise PermissionDenied
    return user, user.office


def _session_counter(request: HttpRequest, office: Office) -> Counter | None:
    counter_id = request.session.get(SESSION_COUNTER)
    if not isinstance(counter_id, int):
        return None
    counter = (
        Counter.objects.select_related("office")
        .filter(pk=counter_id, office=office, is_active=True)
        .first()
    )
    if counter is None:
        request.session.pop(SESSION_COUNTER, None)
    return counter


def _waiting_table(office: Office) -> list[dict[str, Any]]:
    """Waiting tickets per queue (prefix) and lane, with the services each queue serves."""
    today = onsite.local_today(office)
    counts: dict[str, dict[str, int]] = {}
    for row in (
        Ticket.objects.filter(office=office, date=today, status=TicketStatus.WAITING)
        .values("route_prefix", "lane")
        .annotate(n=Count("id"))
    ):
        counts.setdefault(row["route_prefix"], {})[row["lane"]] = row["n"]
    names: dict[str, list[str]] = {}
    for offered in onsite.walk_in_services(office):
        names.setdefault(offered.queue_prefix, []).append(offered.service.name)
    return [
        {
            "prefix": prefix,
            "services": names.get(prefix, []),
            "regular": counts.get(prefix, {}).get(Lane.REGULAR, 0),
            "priority": counts.get(prefix, {}).get(Lane.PRIORITY, 0),
        }
        for prefix in sorted(set(names) | set(counts))
    ]


def _waiting_for_counter(counter: Counter) -> int:
    """Tickets this counter may call next (its queues, or sent to it by a transfer)."""
    waiting = Ticket.objects.filter(
        office_id=counter.office_id,
        date=onsite.local_today(counter.office),
        status=TicketStatus.WAITING,
    ).filter(
        Q(target_counter=counter)
        | Q(target_counter__isnull=True, route_prefix__in=list(counter.prefixes))
    )
    if not counter.serves_priority:  # a priority ticket comes here only if sent by name
        waiting = waiting.filter(Q(lane=Lane.REGULAR) | Q(target_counter=counter))
    return waiting.count()


@require_GET
@office_staff_required
def console(request: HttpRequest) -> HttpResponse:
    _user, office = _officer(request)
    counter = _session_counter(request, office)
    current = onsite.current_ticket(counter) if counter else None
    counters = list(Counter.objects.filter(office=office, is_active=True).order_by("code"))
    prefixes = sorted({o.queue_prefix for o in onsite.walk_in_services(office)})
    choices = []
    for desk in counters:
        served = [p for p in desk.prefixes if p in prefixes]
        label = _("Counter %(code)s: queue %(queues)s") % {
            "code": desk.code,
            "queues": ", ".join(served) or "—",
        }
        if desk.serves_priority:
            label = _("%(counter)s, and the priority lane") % {"counter": label}
        choices.append((desk.pk, label))
    response = render(
        request,
        "appointments/onsite/console.html",
        {
            "office": office,
            "counter": counter,
            "counter_choices": choices,
            "current": current,
            "waiting": _waiting_table(office),
            "waiting_here": _waiting_for_counter(counter) if counter else 0,
            "transfer_prefixes": [p for p in prefixes if not current or p != current.route_prefix],
            "transfer_counters": [c for c in counters if not counter or c.pk != counter.pk],
            "day": onsite.kiosk_day(office),
            "board_url": reverse("queue:board", args=[office.code]),
            "kiosk_url": kiosk_path(office),
            "kiosk_days": settings.KIOSK_DEVICE_DAYS,
        },
    )
    add_never_cache_headers(response)
    return response


def _to_console() -> HttpResponseRedirect:
    return redirect("staff:queue_staff:console")


@require_POST
@office_staff_required
def console_counter(request: HttpRequest) -> HttpResponse:
    _user, office = _officer(request)
    raw = request.POST.get("counter", "")
    if not raw.isdigit():
        messages.error(request, _("Choose your counter."))
        return _to_console()
    counter = get_object_or_404(Counter, pk=int(raw), office=office, is_active=True)
    request.session[SESSION_COUNTER] = counter.pk
    messages.success(request, _("You are working at counter %(code)s.") % {"code": counter.code})
    return _to_console()


CONSOLE_ACTIONS = ("call", "recall", "start", "finish", "no-show", "transfer")


def _transfer_target(office: Office, raw: str) -> dict[str, Any]:
    kind, _sep, value = raw.partition(":")
    if kind == "prefix" and value:
        return {"to_prefix": value}
    if kind == "counter" and value.isdigit():
        target = get_object_or_404(Counter, pk=int(value), office=office)
        return {"to_counter": target}
    raise BookingError("transfer_target_required")


def _perform(
    request: HttpRequest, action: str, officer: User, office: Office, counter: Counter
) -> str | None:
    """Run one console action; return the success message (None: nobody was waiting)."""
    if action == "call":
        called = onsite.call_next(counter, officer)
        if called is None:
            return None
        return _("Called %(number)s to counter %(counter)s.") % {
            "number": called.number,
            "counter": counter.code,
        }
    raw_ticket = request.POST.get("ticket", "")
    if not raw_ticket.isdigit():
        raise BookingError("ticket_state_changed")
    ticket = get_object_or_404(Ticket, pk=int(raw_ticket), office=office)
    number = {"number": ticket.number}
    if action == "recall":
        onsite.recall(ticket, counter, officer)
        return _("Called %(number)s again.") % number
    if action == "start":
        onsite.start_service(ticket, counter, officer)
        return _("Service started for %(number)s.") % number
    if action == "finish":
        onsite.finish_service(ticket, counter, officer)
        return _("%(number)s is finished.") % number
    if action == "no-show":
        onsite.mark_no_show(ticket, counter, officer)
        return _("%(number)s was marked as not present.") % number
    target = _transfer_target(office, request.POST.get("target", ""))
    onsite.transfer(ticket, counter, officer, **target)
    if "to_counter" in target:
        where = _("counter %(code)s") % {"code": target["to_counter"].code}
    else:
        where = _("queue %(prefix)s") % {"prefix": target["to_prefix"]}
    return _("%(number)s was transferred to %(target)s.") % {**number, "target": where}


@require_POST
@office_staff_required
def console_act(request: HttpRequest, action: str) -> HttpResponse:
    officer, office = _officer(request)
    if action not in CONSOLE_ACTIONS:
        raise Http404
    counter = _session_counter(request, office)
    if counter is None:
        messages.error(request, _("Choose your counter first."))
        return _to_console()
    try:
        done = _perform(request, action, officer, office, counter)
    except BookingError as exc:
        messages.error(request, message_for(exc))
    else:
        if done is None:
            messages.info(request, _("Nobody is waiting for this counter."))
        else:
            messages.success(request, done)
    return _to_console()


@require_POST
@office_staff_required
def pair_kiosk(request: HttpRequest) -> HttpResponse:
    officer, office = _officer(request)
    days = settings.KIOSK_DEVICE_DAYS
    record_event(actor=officer, action="queue.kiosk_registered", obj=office, after={"days": days})
    messages.success(
        request,
        _(
            "This device is now the kiosk of %(office)s for %(days)s days. Open the kiosk "
            "screen, and sign out of your staff account before leaving the device."
        )
        % {"office": office.name, "days": days},
    )
    response = _to_console()
    response.set_cookie(
        KIOSK_COOKIE,
        kiosk_cookie_value(office, officer),
        max_age=days * 24 * 3600,
        path=kiosk_path(office),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


@require_POST
@office_staff_required
def unpair_kiosk(request: HttpRequest) -> HttpResponse:
    officer, office = _officer(request)
    record_event(actor=officer, action="queue.kiosk_unregistered", obj=office)
    messages.success(request, _("This device is no longer a kiosk."))
    response = _to_console()
    response.delete_cookie(KIOSK_COOKIE, path=kiosk_path(office), samesite="Lax")
    return response
