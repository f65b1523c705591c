"""The on-site pages through the Django test client: the kiosk (device registration, check-in
by code and by scanner, walk-in and priority tickets, refusals), the officer console, the
display board and the ticket holder's page.

The office is open all day today (``open_today``) and the clock is held at 10:00 office time,
so nothing depends on when the suite runs. Pages are read in English (the language cookie).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from typing import Any

import pytest
from django.core import signing
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import STAFF_TOTP, make_user, mark_second_factor
from imigrasi.applications.models import Person
from imigrasi.appointments import onsite
from imigrasi.appointments.actions import (
    Assistance,
    identity_of,
    new_booking_code,
    next_queue_number,
)
from imigrasi.appointments.models import (
    Booking,
    BookingPolicy,
    BookingStatus,
    Counter,
    DateOverride,
    Lane,
    OfficeService,
    Pool,
    PriorityReason,
    Slot,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from imigrasi.appointments.setup import configure_office
from imigrasi.appointments.tests.conftest import person_for
from imigrasi.appointments.views_onsite import KIOSK_COOKIE, KIOSK_SALT, kiosk_cookie_value
from imigrasi.audit.models import AuditEntry
from imigrasi.catalog.models import Office, Service

pytestmark = pytest.mark.django_db

SITI = "SITI RAHMAWATI"


@pytest.fixture
def office(open_today: Office, monkeypatch: pytest.MonkeyPatch) -> Office:
    """Jakarta Selatan, open all day today, the clock held at 10:00 office time."""
    day = DateOverride.objects.get(office=open_today, reason="test").date
    ten = dt.datetime.combine(day, dt.time(10), tzinfo=open_today.zone)
    monkeypatch.setattr(timezone, "now", lambda: ten.astimezone(dt.UTC))
    return open_today


@pytest.fixture
def english(client: Client) -> Client:
    client.cookies["imigrasi_lang"] = "en"
    return client


@pytest.fixture
def kiosk(english: Client, office: Office, counter_officer: Any) -> Client:
    """A device registered as the office's kiosk (the cookie the console sets)."""
    english.cookies[KIOSK_COOKIE] = kiosk_cookie_value(office, counter_officer)
    return english


def siti_of(office: Office) -> Person:
    account = make_user("siti.kiosk@example.id", full_name="Siti Rahmawati")
    return person_for(account, "3174055204910003", SITI)


def booking_at(
    office: Office, service: Service, person: Person, day: dt.date, at: dt.time = dt.time(9, 30)
) -> Booking:
    """A confirmed booking for one of ``day``'s slots, written directly (online booking refuses
    same-day slots: this is the booking someone made days ago)."""
    starts = dt.datetime.combine(day, at, tzinfo=office.zone)
    slot, _ = Slot.objects.get_or_create(
        office=office,
        starts_at=starts,
        pool=Pool.ONLINE,
        defaults={"ends_at": starts + dt.timedelta(minutes=30), "capacity": 10},
    )
    Slot.objects.filter(pk=slot.pk).update(taken=F("taken") + 1)
    prefix = OfficeService.objects.get(office=office, service=service).queue_prefix
    return Booking.objects.create(
        code=new_booking_code(),
        account=person.account,
        person=person,
        identity_index=identity_of(person),
        service=service,
        office=office,
        slot=slot,
        status=BookingStatus.CONFIRMED,
        queue_number=next_queue_number(office, day, prefix),
        confirmed_at=timezone.now(),
    )


def today(office: Office) -> dt.date:
    return onsite.local_today(office)


def kiosk_url(office: Office, name: str = "kiosk", *args: Any) -> str:
    return reverse(f"queue:{name}", args=[office.code, *args])


def text_of(response: Any) -> str:
    """The page's visible text, whitespace collapsed (templates wrap long sentences)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", html.replace("&#x27;", "'").replace("&quot;", '"'))


def ticket_from(response: Any) -> Ticket:
    assert response.status_code == 302, response
    public_id = response["Location"].rstrip("/").split("/")[-1]
    return Ticket.objects.get(public_id=public_id)


# --- the kiosk: only on a registered device --------------------------------------------------


def test_a_device_without_the_kiosk_cookie_is_refused(
    english: Client, office: Office, passport: Service
) -> None:
    page = english.get(kiosk_url(office))
    assert page.status_code == 403
    assert "This device is not a registered kiosk" in text_of(page)
    assert "I have a booking" not in text_of(page)
    walk_in = english.post(kiosk_url(office, "kiosk_walk_in"), {"service": passport.code})
    assert walk_in.status_code == 403
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("forgery", ["tampered", "other_salt", "other_office", "expired"])
def test_a_forged_copied_or_expired_kiosk_cookie_is_refused(
    english: Client,
    office: Office,
    counter_officer: Any,
    settings: Any,
    forgery: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    good = kiosk_cookie_value(office, counter_officer)
    values = {
        "tampered": good[:-2] + ("AA" if not good.endswith("AA") else "BB"),
        "other_salt": signing.dumps({"office": office.code, "by": 1}, salt="something else"),
        "other_office": signing.dumps({"office": "kanim-denpasar", "by": 1}, salt=KIOSK_SALT),
        "expired": good,
    }
    if forgery == "expired":
        settings.KIOSK_DEVICE_DAYS = 0
        real = time.time
        monkeypatch.setattr(time, "time", lambda: real() + 5)
    english.cookies[KIOSK_COOKIE] = values[forgery]
    assert english.get(kiosk_url(office)).status_code == 403


def test_the_console_registers_this_device_as_the_office_kiosk(
    client: Client, staff_client: Any, office: Office, counter_officer: Any, settings: Any
) -> None:
    settings.KIOSK_DEVICE_DAYS = 90
    staff = staff_client(counter_officer)
    staff.cookies["imigrasi_lang"] = "en"
    assert staff.get(kiosk_url(office)).status_code == 403

    console = staff.get(reverse("staff:queue_staff:console"))
    assert "Use this device as the kiosk" in text_of(console)
    response = staff.post(reverse("staff:queue_staff:pair_kiosk"))
    assert response.status_code == 302
    cookie = response.cookies[KIOSK_COOKIE]
    assert cookie["httponly"] is True
    assert cookie["path"] == kiosk_url(office)  # sent to this office's kiosk pages only
    assert cookie["max-age"] == 90 * 24 * 3600
    assert signing.loads(cookie.value, salt=KIOSK_SALT)["office"] == office.code
    assert AuditEntry.objects.filter(
        action="queue.kiosk_registered", actor_id=counter_officer.pk
    ).exists()

    # The staff member signs out; the device goes on working as the kiosk.
    staff.post(reverse("account_logout"))
    start = staff.get(kiosk_url(office))
    assert start.status_code == 200
    assert "I have a booking" in text_of(start)
    assert start["Cache-Control"].startswith("max-age=0")

    again = staff_client(counter_officer)
    unpaired = again.post(reverse("staff:queue_staff:unpair_kiosk"))
    assert unpaired.cookies[KIOSK_COOKIE].value == ""
    again.logout()
    assert again.get(kiosk_url(office)).status_code == 403


def test_only_office_staff_can_register_a_kiosk(
    client: Client, applicant: Any, office: Office
) -> None:
    anonymous = client.post(reverse("staff:queue_staff:pair_kiosk"))
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    client.force_login(applicant)
    refused = client.post(reverse("staff:queue_staff:pair_kiosk"))
    assert refused.status_code == 403
    assert KIOSK_COOKIE not in refused.cookies


# --- the kiosk: check-in ---------------------------------------------------------------------


def test_start_screen_offers_three_choices_both_languages_and_says_it_resets(
    kiosk: Client, office: Office, settings: Any
) -> None:
    settings.KIOSK_INACTIVITY_SECONDS = 45
    page = kiosk.get(kiosk_url(office))
    text = text_of(page)
    for choice in ("I have a booking", "Walk-in (no booking)", "Priority service"):
        assert choice in text
    html = page.content.decode()
    assert 'href="/bahasa/id/?next=/antrean/kios/kanim-jakarta-selatan/"' in html
    assert 'lang="id"' in html and "Bahasa Indonesia" in html
    assert "goes back to the start after 45 seconds without use" in text
    assert 'data-reset-seconds="45"' in html
    assert "js/kiosk.js" in html


def test_check_in_by_typed_code_shows_the_ticket_with_counter_hint_and_qr(
    kiosk: Client, office: Office, passport: Service
) -> None:
    booking = booking_at(office, passport, siti_of(office), today(office))
    form = kiosk.get(kiosk_url(office, "kiosk_code"))
    assert 'name="code"' in form.content.decode() and "autofocus" in form.content.decode()

    response = kiosk.post(kiosk_url(office, "kiosk_code"), {"code": booking.code.lower()})
    ticket = ticket_from(response)
    assert ticket.booking == booking and ticket.number == booking.queue_number == "A-001"
    screen = kiosk.get(response["Location"])
    assert screen.status_code == 200
    text = text_of(screen)
    assert "A-001" in text
    assert "you will be called to one of these counters: 1, 2, 3, 4" in text
    html = screen.content.decode()
    assert 'src="data:image/png;base64,' in html
    assert "QR code to follow your place in the queue" in html
    # Without JavaScript the screen still goes back to the start.
    assert re.search(r'<noscript><meta http-equiv="refresh" content="\d+;url=/bahasa/id/', html)
    assert SITI not in text and booking.code not in text  # nothing personal on a public screen


def test_check_in_by_scanner_payload_and_scanning_twice_shows_the_same_ticket(
    kiosk: Client, office: Office, passport: Service
) -> None:
    booking = booking_at(office, passport, siti_of(office), today(office))
    first = ticket_from(
        kiosk.post(kiosk_url(office, "kiosk_code"), {"code": f"IMD-BOOKING:{booking.code}"})
    )
    again = ticket_from(
        kiosk.post(kiosk_url(office, "kiosk_code"), {"code": f"IMD-BOOKING:{booking.code}"})
    )
    assert first == again
    assert Ticket.objects.count() == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN


def test_unknown_code_gives_a_friendly_message_on_the_code_screen(
    kiosk: Client, office: Office
) -> None:
    response = kiosk.post(kiosk_url(office, "kiosk_code"), {"code": "ZZZZ9999"})
    assert response.status_code == 200
    text = text_of(response)
    assert "We could not find this booking code" in text
    assert "There is a problem" in text
    html = response.content.decode()
    assert 'aria-describedby="booking-code-hint booking-code-error"' in html
    assert "<title>Error:" in html
    empty = kiosk.post(kiosk_url(office, "kiosk_code"), {"code": "  "})
    assert "Type or scan your booking code." in text_of(empty)
    assert not Ticket.objects.exists()


def test_a_booking_for_another_day_or_office_is_explained(
    kiosk: Client, office: Office, passport: Service
) -> None:
    siti = siti_of(office)
    tomorrow = today(office) + dt.timedelta(days=3)
    later = booking_at(office, passport, siti, tomorrow)
    response = kiosk.post(kiosk_url(office, "kiosk_code"), {"code": later.code})
    text = text_of(response)
    assert "not today. Please come back on that day." in text
    assert str(tomorrow.year) in text

    elsewhere = Office.objects.get(code="kanim-denpasar")
    configure_office(elsewhere)
    budi = person_for(make_user("budi.k@example.id"), "3174055204910004", "BUDI")
    other = booking_at(elsewhere, passport, budi, today(office))
    text = text_of(kiosk.post(kiosk_url(office, "kiosk_code"), {"code": other.code}))
    assert f"This booking is for another office: {elsewhere.name}." in text
    assert not Ticket.objects.exists()


def test_code_attempts_are_rate_limited(kiosk: Client, office: Office, settings: Any) -> None:
    settings.KIOSK_CODE_RATE = "3/m/ip"
    for _ in range(3):
        assert kiosk.post(kiosk_url(office, "kiosk_code"), {"code": "ZZZZ9999"}).status_code == 200
    limited = kiosk.post(kiosk_url(office, "kiosk_code"), {"code": "ZZZZ9999"})
    assert limited.status_code == 429
    assert "Too many attempts" in text_of(limited)
    assert int(limited["Retry-After"]) > 0


# --- the kiosk: walk-in and priority ---------------------------------------------------------


def test_walk_in_ticket_from_the_service_screen(
    kiosk: Client, office: Office, passport: Service
) -> None:
    screen = kiosk.get(kiosk_url(office, "kiosk_walk_in"))
    html = screen.content.decode()
    assert f'name="service" value="{passport.code}"' in html
    token = re.search(r'name="token" value="([^"]+)"', html)
    assert token is not None
    response = kiosk.post(
        kiosk_url(office, "kiosk_walk_in"), {"service": passport.code, "token": token.group(1)}
    )
    ticket = ticket_from(response)
    assert (ticket.origin, ticket.lane, ticket.number) == ("walk_in", Lane.REGULAR, "A-001")
    # A double tap sends the same form again: the same ticket, not a second one.
    again = kiosk.post(
        kiosk_url(office, "kiosk_walk_in"), {"service": passport.code, "token": token.group(1)}
    )
    assert ticket_from(again) == ticket
    assert Ticket.objects.count() == 1
    shown = text_of(kiosk.get(response["Location"]))
    assert "A-001" in shown and "Nobody is ahead of you" in shown
    onsite.issue_walk_in(office, passport)
    later = ticket_from(
        kiosk.post(
            kiosk_url(office, "kiosk_walk_in"), {"service": passport.code, "token": "x" * 32}
        )
    )
    assert later.number == "A-003"
    assert "People ahead of you: 2. Estimated wait: about" in text_of(
        kiosk.get(kiosk_url(office, "kiosk_ticket", later.public_id))
    )


def test_priority_ticket_with_reason_service_and_assistance(
    kiosk: Client, office: Office, passport: Service
) -> None:
    reasons = text_of(kiosk.get(kiosk_url(office, "kiosk_priority")))
    for label in ("Aged 60 or over", "Person with a disability", "Pregnant", "child under 5"):
        assert label in reasons
    services = kiosk.get(kiosk_url(office, "kiosk_priority_service", "disability"))
    target = kiosk_url(office, "kiosk_assistance", "disability", passport.code)
    assert f'href="{target}"' in services.content.decode()
    assistance = kiosk.get(target)
    text = text_of(assistance)
    for need in ("A wheelchair", "A sign-language interpreter", "I come with a companion"):
        assert need in text
    token = re.search(r'name="token" value="([^"]+)"', assistance.content.decode())
    assert token is not None
    response = kiosk.post(target, {"wheelchair": "1", "sign_language": "1", "token": token[1]})
    ticket = ticket_from(response)
    assert ticket.lane == Lane.PRIORITY
    assert ticket.priority_reason == PriorityReason.DISABILITY
    assert (ticket.needs_wheelchair, ticket.needs_sign_language, ticket.brings_companion) == (
        True,
        True,
        False,
    )
    screen = text_of(kiosk.get(response["Location"]))
    assert "Priority" in screen
    assert "counter 4" in screen  # the only counter serving the priority lane for queue A
    assert kiosk.get(kiosk_url(office, "kiosk_priority_service", "vip")).status_code == 404


def test_walk_in_quota_full_is_explained(kiosk: Client, office: Office, passport: Service) -> None:
    onsite.kiosk_day(office)  # today's slots exist
    Slot.objects.filter(office=office, pool=Pool.ACCELERATION).update(taken=F("capacity"))
    start = text_of(kiosk.get(kiosk_url(office)))
    assert "No walk-in places are left today." in start
    assert "I have a booking" in start  # check-in still works
    response = kiosk.post(kiosk_url(office, "kiosk_walk_in"), {"service": passport.code})
    assert response.status_code == 200
    assert "No walk-in places are left today. Book a time online" in text_of(response)
    assert not Ticket.objects.exists()


def test_closed_office_shows_no_tickets_today(
    kiosk: Client, office: Office, passport: Service
) -> None:
    DateOverride.objects.filter(office=office, date=today(office)).update(
        is_open=False, reason="Renovation of the service hall"
    )
    start = text_of(kiosk.get(kiosk_url(office)))
    assert "No more tickets today" in start
    assert "Renovation of the service hall" in start
    assert "I have a booking" not in start
    response = kiosk.post(kiosk_url(office, "kiosk_walk_in"), {"service": passport.code})
    assert "The office is not issuing tickets now." in text_of(response)
    booking = booking_at(office, passport, siti_of(office), today(office))
    code = kiosk.post(kiosk_url(office, "kiosk_code"), {"code": booking.code})
    assert "No more tickets today" in text_of(code)
    assert not Ticket.objects.exists()


def test_kiosk_for_an_unknown_office_is_not_found(kiosk: Client, office: Office) -> None:
    assert kiosk.get("/antrean/kios/kanim-atlantis/").status_code == 404


# --- the officer console ---------------------------------------------------------------------


def other_officer(office: Office, email: str = "budi.officer@imigrasi.example") -> Any:
    return make_user(email, "officer", office, "Budi Santoso", totp_secret=STAFF_TOTP)


def signed_in(user: Any) -> Client:
    browser = Client()
    browser.force_login(user)
    mark_second_factor(browser, user)
    browser.cookies["imigrasi_lang"] = "en"
    return browser


def at_counter(user: Any, office: Office, code: str) -> Client:
    browser = signed_in(user)
    desk = Counter.objects.get(office=office, code=code)
    response = browser.post(reverse("staff:queue_staff:counter"), {"counter": desk.pk})
    assert response.status_code == 302
    return browser


def act(browser: Client, action: str, **data: Any) -> str:
    response = browser.post(reverse("staff:queue_staff:act", args=[action]), data, follow=True)
    assert response.status_code == 200
    return text_of(response)


def test_console_call_recall_start_finish(
    office: Office, passport: Service, counter_officer: Any
) -> None:
    first = onsite.issue_walk_in(office, passport)
    console = at_counter(counter_officer, office, "1")
    page = text_of(console.get(reverse("staff:queue_staff:console")))
    assert "Counter 1" in page and "Call next" in page
    assert "Counter 4: queue A, B, C, and the priority lane" in page
    assert "Counter 5: queue B, C" in page
    assert "1 person is waiting for this counter." in page

    assert "Called A-001 to counter 1." in act(console, "call")
    first.refresh_from_db()
    assert first.counter is not None
    assert (first.status, first.counter.code) == (TicketStatus.CALLED, "1")
    page = text_of(console.get(reverse("staff:queue_staff:console")))
    assert "A-001" in page and "Walk-in" in page and "Recall" in page

    assert "Called A-001 again." in act(console, "recall", ticket=first.pk)
    assert "Service started for A-001." in act(console, "start", ticket=first.pk)
    first.refresh_from_db()
    assert (first.status, first.call_count) == (TicketStatus.SERVING, 2)
    assert "A-001 is finished." in act(console, "finish", ticket=first.pk)
    first.refresh_from_db()
    assert first.status == TicketStatus.DONE
    assert "Nobody is waiting for this counter." in act(console, "call")
    kinds = list(TicketEvent.objects.filter(ticket=first).values_list("kind", flat=True))
    assert kinds == ["issued", "called", "recalled", "started", "finished"]


def test_console_no_show_and_transfer_to_a_queue_or_a_counter(
    office: Office, passport: Service, counter_officer: Any
) -> None:
    a1 = onsite.issue_walk_in(office, passport)
    a2 = onsite.issue_walk_in(office, passport)
    console = at_counter(counter_officer, office, "1")
    act(console, "call")
    assert "A-001 was marked as not present." in act(console, "no-show", ticket=a1.pk)
    a1.refresh_from_db()
    assert a1.status == TicketStatus.NO_SHOW

    act(console, "call")
    page = text_of(console.get(reverse("staff:queue_staff:console")))
    assert "Queue B" in page and "Counter 5" in page  # the transfer choices
    assert "A-002 was transferred to queue B." in act(
        console, "transfer", ticket=a2.pk, target="prefix:B"
    )
    a2.refresh_from_db()
    assert (a2.status, a2.route_prefix) == (TicketStatus.WAITING, "B")

    desk5 = Counter.objects.get(office=office, code="5")
    five = at_counter(other_officer(office), office, "5")
    assert "Called A-002 to counter 5." in act(five, "call")
    no_target = act(five, "transfer", ticket=a2.pk, target="")
    assert "Choose a service or a counter to transfer to." in no_target
    desk3 = Counter.objects.get(office=office, code="3")
    assert "A-002 was transferred to counter 3." in act(
        five, "transfer", ticket=a2.pk, target=f"counter:{desk3.pk}"
    )
    a2.refresh_from_db()
    assert (a2.target_counter, a2.status) == (desk3, TicketStatus.WAITING)
    assert "Call next" in text_of(five.get(reverse("staff:queue_staff:console")))
    assert desk5.pk != desk3.pk


def test_two_officers_calling_at_two_counters_get_different_tickets(
    office: Office, passport: Service, counter_officer: Any
) -> None:
    onsite.issue_walk_in(office, passport)
    onsite.issue_walk_in(office, passport)
    one = at_counter(counter_officer, office, "1")
    two = at_counter(other_officer(office), office, "2")
    assert "Called A-001 to counter 1." in act(one, "call")
    assert "Called A-002 to counter 2." in act(two, "call")
    called = dict(
        Ticket.objects.filter(status=TicketStatus.CALLED).values_list("number", "counter__code")
    )
    assert called == {"A-001": "1", "A-002": "2"}


def test_console_shows_the_assistance_flags_booking_code_and_priority_reason(
    office: Office, passport: Service, counter_officer: Any
) -> None:
    onsite.issue_walk_in(
        office,
        passport,
        priority_reason=PriorityReason.ELDERLY,
        assistance=Assistance(wheelchair=True, sign_language=True, companion=True),
    )
    console = at_counter(counter_officer, office, "4")
    page = act(console, "call")
    assert "Called A-001 to counter 4." in page
    for flag in ("Wheelchair", "Sign-language interpreter", "Companion"):
        assert flag in page
    assert "Aged 60 or over" in page and "Priority" in page

    booking = booking_at(office, passport, siti_of(office), today(office))
    ticket = onsite.check_in(office, booking.code)
    act(console, "finish", ticket=Ticket.objects.get(number="A-001").pk)
    page = act(console, "call")
    assert f"Called {ticket.number} to counter 4." in page
    assert "Booked online" in page and booking.code in page
    assert "No assistance requested" in page


def test_console_errors_are_shown_as_messages_not_500(
    office: Office, passport: Service, counter_officer: Any
) -> None:
    onsite.issue_walk_in(office, passport)
    onsite.issue_walk_in(office, passport)
    browser = signed_in(counter_officer)
    assert "Choose your counter first." in act(browser, "call")
    console = at_counter(counter_officer, office, "1")
    act(console, "call")
    busy = act(console, "call")
    assert "Finish, transfer or mark no-show for the current ticket first." in busy
    assert "govuk-notification-banner" in busy or "Important" in busy
    waiting = Ticket.objects.get(status=TicketStatus.WAITING)
    stale = act(console, "start", ticket=waiting.pk)  # not this counter's ticket
    assert "This ticket was changed a moment ago" in stale
    assert console.post(reverse("staff:queue_staff:act", args=["explode"])).status_code == 404


def test_another_office_cannot_use_this_office_console(
    office: Office, passport: Service, other_office_officer: Any, applicant: Any
) -> None:
    ticket = onsite.issue_walk_in(office, passport)
    browser = signed_in(other_office_officer)
    page = text_of(browser.get(reverse("staff:queue_staff:console")))
    assert office.name not in page
    desk = Counter.objects.get(office=office, code="1")
    assert (
        browser.post(reverse("staff:queue_staff:counter"), {"counter": desk.pk}).status_code == 404
    )
    assert browser.session.get("queue_counter_id") is None
    # Even with a counter of their own, a ticket of this office is not theirs to touch.
    configure_office(other_office_officer.office)
    own = Counter.objects.get(office=other_office_officer.office, code="1")
    browser.post(reverse("staff:queue_staff:counter"), {"counter": own.pk})
    response = browser.post(
        reverse("staff:queue_staff:act", args=["finish"]), {"ticket": ticket.pk}
    )
    assert response.status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING

    applicant_client = Client()
    applicant_client.force_login(applicant)
    assert applicant_client.get(reverse("staff:queue_staff:console")).status_code == 403
    anonymous = Client().get(reverse("staff:queue_staff:console"))
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_console_needs_the_second_factor(counter_officer: Any, office: Office) -> None:
    browser = Client()
    browser.force_login(counter_officer)
    response = browser.get(reverse("staff:queue_staff:console"))
    assert response.status_code == 302
    assert "/staff/antrean/" not in response["Location"]


# --- the display board -----------------------------------------------------------------------


def test_board_shows_counters_calls_and_waiting_without_personal_data(
    english: Client, office: Office, passport: Service, counter_officer: Any
) -> None:
    booking = booking_at(office, passport, siti_of(office), today(office))
    booked = onsite.check_in(office, booking.code)
    onsite.issue_walk_in(office, passport)
    desk = Counter.objects.select_related("office").get(office=office, code="3")
    onsite.call_next(desk, counter_officer)

    page = english.get(reverse("queue:board", args=[office.code]))
    assert page.status_code == 200
    text = text_of(page)
    assert "Counter 3" in text and booked.number in text
    assert "Recently called" in text and "Queue A: 1 waiting" in text
    html = page.content.decode()
    assert 'data-url="/antrean/papan/kanim-jakarta-selatan/data.json"' in html
    assert re.search(r'<noscript><meta http-equiv="refresh" content="\d+"></noscript>', html)
    assert "js/queue-board.js" in html
    last_call = TicketEvent.objects.filter(kind="called").latest("id").pk
    assert f'data-last-call="{last_call}"' in html

    data = english.get(reverse("queue:board_data", args=[office.code]))
    state = json.loads(data.content)
    call = state["calls"][0]
    assert (call["id"], call["number"], call["counter"], call["priority"]) == (
        last_call,
        booked.number,
        "3",
        False,
    )
    assert re.fullmatch(r"\d\d:\d\d", call["at"])
    assert {"code": "3", "number": booked.number, "priority": False} in state["counters"]
    assert state["waiting"] == {"A": 1}
    unchanged = english.get(
        reverse("queue:board_data", args=[office.code]), HTTP_IF_NONE_MATCH=data["ETag"]
    )
    assert unchanged.status_code == 304

    for body in (page.content.decode(), data.content.decode()):
        for personal in (SITI, "Siti Rahmawati", booking.code, "3174055204910003", "siti.kiosk"):
            assert personal not in body
    assert english.get("/antrean/papan/kanim-atlantis/").status_code == 404


# --- the ticket holder's page ----------------------------------------------------------------


def test_ticket_page_shows_position_estimate_and_near_alert(
    english: Client, office: Office, passport: Service
) -> None:
    BookingPolicy.objects.filter(office=office).update(turn_near_at=1)
    tickets = [onsite.issue_walk_in(office, passport) for _ in range(4)]
    last = tickets[-1]
    page = english.get(reverse("queue:ticket", args=[last.public_id]))
    assert page.status_code == 200
    text = text_of(page)
    assert "A-004" in text and "Waiting" in text
    position = onsite.position_of(last)
    assert f"People ahead of you {position.ahead}" in text
    assert f"about {position.minutes} min" in text
    assert "Your turn is near" not in text
    html = page.content.decode()
    assert f'data-url="/api/v1/queue/tickets/{last.public_id}"' in html
    assert "js/ticket-wait.js" in html
    assert re.search(r'<noscript><meta http-equiv="refresh" content="\d+"></noscript>', html)
    assert 'role="alert"' in html

    second = english.get(reverse("queue:ticket", args=[tickets[1].public_id]))
    assert "Your turn is near" in text_of(second)  # one person ahead


def test_ticket_page_when_called_names_the_counter_and_has_no_personal_data(
    english: Client, office: Office, passport: Service, counter_officer: Any
) -> None:
    booking = booking_at(office, passport, siti_of(office), today(office))
    ticket = onsite.check_in(office, booking.code)
    desk = Counter.objects.select_related("office").get(office=office, code="2")
    onsite.call_next(desk, counter_officer)
    page = english.get(reverse("queue:ticket", args=[ticket.public_id]))
    text = text_of(page)
    assert "It is your turn" in text and "Please go to counter 2 now." in text
    for personal in (SITI, "Siti Rahmawati", booking.code):
        assert personal not in page.content.decode()
    assert page["X-Robots-Tag"] == "noindex"
    ticket.refresh_from_db()
    onsite.finish_service(ticket, desk, counter_officer)
    done = english.get(reverse("queue:ticket", args=[ticket.public_id]))
    assert "Served" in text_of(done)
    assert "ticket-wait.js" not in done.content.decode()  # nothing left to wait for
    assert english.get(f"/antrean/tiket/{'0' * 8}-0000-0000-0000-{'0' * 12}/").status_code == 404
