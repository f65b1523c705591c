"""The web booking flow under /kunjungan/ with Django's test client (no JavaScript at all):
an application's visit and a service for a person, step by step through plain forms; other
accounts' bookings are 404; refusals (slot taken meanwhile, closed day, expired hold, invalid
values) are explained on the page; waiting list; cancel and reschedule; the busy and
rate-limited answers of the admission gate."""

from __future__ import annotations

import datetime as dt
import re
import threading
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone, translation

from conftest import make_user
from imigrasi.applications.tests.conftest import make
from imigrasi.appointments import actions, config, views_booking
from imigrasi.appointments.actions import BookingError
from imigrasi.appointments.messages import message_for
from imigrasi.appointments.models import (
    Booking,
    BookingPolicy,
    DateOverride,
    Slot,
    WaitlistEntry,
)
from imigrasi.appointments.queries import bookable_days, free_slots, slot_ref
from imigrasi.appointments.setup import configure_office
from imigrasi.appointments.tests.conftest import first_slot, next_bookable_day, person_for
from imigrasi.catalog.models import Office
from imigrasi.lib import admission

pytestmark = pytest.mark.django_db

SERVICE = "paspor-baru-dewasa"


def english(code: str, **details: Any) -> str:
    with translation.override("en"):
        return message_for(BookingError(code, **details))


def text_of(response: Any) -> str:
    """The page's visible text, whitespace collapsed (for phrases split over lines)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def main_of(response: Any) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


@pytest.fixture
def web(client: Client, applicant: Any) -> Client:
    client.force_login(applicant)
    client.cookies["imigrasi_lang"] = "en"
    return client


@pytest.fixture
def other_web(other_applicant: Any) -> Client:
    other = Client()
    other.force_login(other_applicant)
    other.cookies["imigrasi_lang"] = "en"
    return other


@pytest.fixture(autouse=True)
def _fresh_process_memory(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Admission gates and the nearby-offices answer live per process; ids are reused
    between tests, so each test starts with its own."""
    monkeypatch.setattr(admission, "_gates", {})
    views_booking.forget_nearby()
    yield
    views_booking.forget_nearby()


def book(account: Any, person: Any, service: Any, slot: Slot, key: str = "web-test-1") -> Booking:
    booking, _created = actions.do_book(account, person, service, slot, idempotency_key=key)
    return booking


# --- the whole flow ---------------------------------------------------------------------


def test_a_service_visit_for_a_person_is_booked_through_plain_forms(
    web: Client, booking_office: Office, passport: Any, siti: Any
) -> None:
    # Who is it for?
    page = web.get(f"/kunjungan/pesan/{SERVICE}/")
    assert page.status_code == 200
    assert 'method="get"' in main_of(page)
    assert "SITI RAHMAWATI" in text_of(page)
    step = web.get(f"/kunjungan/pesan/{SERVICE}/", {"person": str(siti.public_id)})
    assert step.status_code == 302
    assert step["Location"].startswith("/kunjungan/pesan/kantor/")

    # A city, then the offices nearest to it; those that cannot serve say why.
    page = web.get(step["Location"])
    assert page.status_code == 200 and "Jakarta (DKI Jakarta)" in text_of(page)
    page = web.get(step["Location"] + "&near=Jakarta")
    text = text_of(page)
    assert "Offices nearest to Jakarta" in text
    names = re.findall(r'<h3 class="govuk-heading-s">([^<]+)</h3>', page.content.decode())
    assert names[0] == booking_office.name
    assert len(names) == Office.objects.filter(is_active=True).count()
    assert "This office does not offer this service." in text  # unconfigured offices: shown
    choose = re.search(r'href="(/kunjungan/pesan/tanggal/[^"]+)"', page.content.decode())
    assert choose is not None
    days_url = unescape(choose.group(1))
    assert query_of(days_url)["office"] == [booking_office.code]

    # A date: open days are radios, closed ones say why.
    page = web.get(days_url)
    assert page.status_code == 200
    day = next_bookable_day(booking_office)
    assert f'value="{day.isoformat()}"' in page.content.decode()
    closed = [(d, r) for d, r in bookable_days(booking_office) if r]
    if closed:
        assert closed[0][1] in text_of(page)
        assert re.search(rf'value="{closed[0][0].isoformat()}" disabled', page.content.decode())

    # A time, with the free places.
    params = {k: v[0] for k, v in query_of(days_url).items()}
    page = web.get("/kunjungan/pesan/waktu/", {**params, "date": day.isoformat()})
    assert page.status_code == 200
    slot = first_slot(booking_office, day)
    assert f'value="{slot_ref(slot)}"' in page.content.decode()
    assert "10 places free" in text_of(page)
    assert "08:00\u201308:30 WIB" in text_of(page)  # an en dash between the times

    # Help at the office, then hold.
    page = web.get(
        "/kunjungan/pesan/bantuan/", {**params, "date": day.isoformat(), "slot": slot_ref(slot)}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert '<fieldset class="govuk-fieldset"' in html and 'value="wheelchair"' in html
    assert html.count('class="govuk-checkboxes__input"') == 3  # checkboxes, not radios
    held = web.post(
        "/kunjungan/pesan/tahan/",
        {**params, "slot": slot_ref(slot), "assistance": ["wheelchair", "companion"]},
    )
    assert held.status_code == 302
    booking = Booking.objects.get(account=siti.account)
    assert booking.status == "held" and held["Location"] == f"/kunjungan/{booking.code}/konfirmasi/"
    slot.refresh_from_db()
    assert slot.taken == 1

    # The held place, with the time it is held until, and Confirm.
    page = web.get(held["Location"])
    assert booking.hold_expires_at is not None
    until = booking.hold_expires_at.astimezone(booking_office.zone).strftime("%H:%M")
    assert f"held for you until {until} WIB" in text_of(page)
    done = web.post(held["Location"])
    assert done.status_code == 302 and done["Location"] == f"/kunjungan/{booking.code}/"

    booking.refresh_from_db()
    assert booking.status == "confirmed" and booking.queue_number == "A-001"
    assert (booking.needs_wheelchair, booking.brings_companion) == (True, True)
    assert not booking.needs_sign_language and booking.application is None

    page = web.get(done["Location"])
    text = text_of(page)
    assert booking.code in text and "A-001" in text
    assert "Your office visit is booked." in text
    assert 'src="data:image/png;base64,' in page.content.decode()
    assert booking_office.address in text
    assert "08:00 WIB" in text
    assert "A wheelchair, I will bring a companion" in text
    for link in ("pdf/", "ubah/", "batal/"):
        assert f'href="/kunjungan/{booking.code}/{link}"' in page.content.decode()


def test_an_applications_visit_is_booked_from_the_application_page(
    web: Client, booking_office: Office, applicant: Any
) -> None:
    application = make("awaiting_visit", account=applicant.email)
    page = web.get(f"/permohonan/{application.number}/")
    start = f"/kunjungan/pesan/?application={application.number}"
    assert f'href="{start}"' in page.content.decode()
    assert "Book your office visit" in text_of(page)

    step = web.get(start)
    assert step.status_code == 302
    assert query_of(step["Location"]) == {"application": [application.number]}
    slot = first_slot(booking_office)
    held = web.post(
        "/kunjungan/pesan/tahan/", {"application": application.number, "slot": slot_ref(slot)}
    )
    assert held.status_code == 302
    web.post(held["Location"])
    booking = Booking.objects.get(application=application)
    assert booking.status == "confirmed" and booking.person_id == application.person_id

    # The application page now shows the visit; starting again leads to it.
    page = web.get(f"/permohonan/{application.number}/")
    assert f'href="/kunjungan/{booking.code}/"' in page.content.decode()
    assert booking.queue_number in text_of(page)
    again = web.get(start)
    assert again.status_code == 302 and again["Location"] == f"/kunjungan/{booking.code}/"


def test_my_visits_lists_upcoming_first_in_each_offices_local_time(
    web: Client, booking_office: Office, passport: Any, applicant: Any, siti: Any
) -> None:
    denpasar = Office.objects.get(code="kanim-denpasar")
    configure_office(denpasar)
    mine = book(applicant, siti, passport, first_slot(booking_office))
    budi = person_for(applicant, "3171071503800002", "BUDI SANTOSO")
    later_day = next_bookable_day(denpasar) + dt.timedelta(days=7)
    while config.closed_reason(denpasar, later_day):
        later_day += dt.timedelta(days=1)
    wita = book(applicant, budi, passport, free_slots(denpasar, later_day)[0], key="web-test-2")

    page = web.get("/kunjungan/")
    assert page.status_code == 200
    text = text_of(page)
    assert "Your visits" in text  # the menu
    assert text.index(mine.code) < text.index(wita.code)
    assert "08:00 WIB" in text and "08:00 WITA" in text  # never converted to Jakarta time
    assert mine.queue_number in text and booking_office.name in text


def test_the_email_and_pdf_link_by_public_id_leads_to_the_booking(
    web: Client, other_web: Client, booking_office: Office, passport: Any, applicant: Any, siti: Any
) -> None:
    booking = book(applicant, siti, passport, first_slot(booking_office))
    found = web.get(f"/kunjungan/{booking.public_id}/")
    assert found.status_code == 302 and found["Location"] == f"/kunjungan/{booking.code}/"
    assert other_web.get(f"/kunjungan/{booking.public_id}/").status_code == 404


def test_the_confirmation_pdf_downloads(
    web: Client, booking_office: Office, passport: Any, applicant: Any, siti: Any
) -> None:
    booking = book(applicant, siti, passport, first_slot(booking_office))
    response = web.get(f"/kunjungan/{booking.code}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


# --- only your own -------------------------------------------------------------------------


def test_another_accounts_bookings_people_and_applications_are_404(
    web: Client, other_web: Client, booking_office: Office, passport: Any, applicant: Any, siti: Any
) -> None:
    booking = book(applicant, siti, passport, first_slot(booking_office))
    held = actions.do_hold(
        applicant,
        person_for(applicant, "3171071503800002", "BUDI SANTOSO"),
        passport,
        first_slot(booking_office),
    )
    for path in (
        f"/kunjungan/{booking.code}/",
        f"/kunjungan/{booking.code}/pdf/",
        f"/kunjungan/{booking.code}/batal/",
        f"/kunjungan/{booking.code}/ubah/",
        f"/kunjungan/{booking.code}/ubah/waktu/?date=2030-01-02",
        f"/kunjungan/{held.code}/konfirmasi/",
    ):
        assert other_web.get(path).status_code == 404, path
    for path in (f"/kunjungan/{booking.code}/batal/", f"/kunjungan/{held.code}/konfirmasi/"):
        assert other_web.post(path).status_code == 404, path
    someone_elses = {"service": SERVICE, "person": str(siti.public_id)}
    assert other_web.get("/kunjungan/pesan/kantor/", someone_elses).status_code == 404
    assert (
        other_web.get(f"/kunjungan/pesan/{SERVICE}/", {"person": str(siti.public_id)}).status_code
        == 200
    )
    refused = other_web.post(
        "/kunjungan/pesan/tahan/", {**someone_elses, "slot": slot_ref(first_slot(booking_office))}
    )
    assert refused.status_code == 404
    application = make("awaiting_visit", account=applicant.email, nik="3174055204910011")
    assert other_web.get(f"/kunjungan/pesan/?application={application.number}").status_code == 404
    booking.refresh_from_db()
    held.refresh_from_db()
    assert (booking.status, held.status) == ("confirmed", "held")
    assert web.get(f"/kunjungan/{booking.code}/").status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in(client: Client, db: None) -> None:
    response = client.get("/kunjungan/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- refusals explained on the page ---------------------------------------------------------


def test_a_slot_taken_between_viewing_and_holding_shows_the_message_and_alternatives(
    web: Client, booking_office: Office, passport: Any, siti: Any
) -> None:
    day = next_bookable_day(booking_office)
    slot = first_slot(booking_office, day)
    Slot.objects.filter(pk=slot.pk).update(capacity=1)
    params = {"service": SERVICE, "person": str(siti.public_id), "office": booking_office.code}
    page = web.get("/kunjungan/pesan/waktu/", {**params, "date": day.isoformat()})
    assert f'value="{slot_ref(slot)}"' in page.content.decode()

    # Meanwhile someone else takes the last place.
    other = make_user("budi@example.id")
    book(other, person_for(other, "3171071503800002", "BUDI SANTOSO"), passport, slot)

    refused = web.post(
        "/kunjungan/pesan/tahan/", {**params, "date": day.isoformat(), "slot": slot_ref(slot)}
    )
    assert refused.status_code == 409
    text = text_of(refused)
    assert english("slot_full") in text
    html = refused.content.decode()
    assert 'class="govuk-error-summary"' in html and 'href="#id_slot"' in html
    assert "Other free times at this office" in text
    alternatives = re.findall(r'href="(/kunjungan/pesan/bantuan/[^"]+)"', html)
    assert alternatives
    offered = query_of(unescape(alternatives[0]))["slot"][0]
    assert offered != slot_ref(slot)
    assert not Booking.objects.filter(account=siti.account).exists()


def test_a_closed_day_is_refused_with_its_reason(
    web: Client, booking_office: Office, passport: Any, siti: Any
) -> None:
    day = next_bookable_day(booking_office)
    slot = first_slot(booking_office, day)
    params = {"service": SERVICE, "person": str(siti.public_id), "office": booking_office.code}
    DateOverride.objects.create(
        office=booking_office, date=day, is_open=False, reason="Renovasi ruang pelayanan"
    )
    config.clear()

    days = web.get("/kunjungan/pesan/tanggal/", params)
    assert re.search(rf'value="{day.isoformat()}" disabled', days.content.decode())
    assert "Closed: Renovasi ruang pelayanan" in text_of(days)

    refused = web.get("/kunjungan/pesan/waktu/", {**params, "date": day.isoformat()})
    assert refused.status_code == 200
    expected = english("day_not_bookable", reason="Renovasi ruang pelayanan")
    assert expected in text_of(refused)
    assert 'href="#id_date"' in refused.content.decode()

    # A day beyond the release: refused with the release rule.
    far = timezone.now().astimezone(booking_office.zone).date() + dt.timedelta(days=200)
    later = web.get("/kunjungan/pesan/waktu/", {**params, "date": far.isoformat()})
    assert "not released yet" in text_of(later)

    # Holding a slot of the closed day (a page opened before the closure) is refused too.
    held = web.post("/kunjungan/pesan/tahan/", {**params, "slot": slot_ref(slot)})
    assert held.status_code in {200, 409}
    assert expected in text_of(held) or english("slot_invalid") in text_of(held)
    assert not Booking.objects.filter(account=siti.account).exists()


def test_a_hold_that_expired_sends_the_person_back_to_the_time_choice(
    web: Client, booking_office: Office, passport: Any, applicant: Any, siti: Any
) -> None:
    slot = first_slot(booking_office)
    held = actions.do_hold(applicant, siti, passport, slot)
    Booking.objects.filter(pk=held.pk).update(
        hold_expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    response = web.post(f"/kunjungan/{held.code}/konfirmasi/")
    assert response.status_code == 302
    assert response["Location"].startswith("/kunjungan/pesan/waktu/")
    back = query_of(response["Location"])
    assert back["office"] == [booking_office.code]
    assert back["date"] == [slot.starts_at.astimezone(booking_office.zone).date().isoformat()]
    page = web.get(response["Location"])
    assert english("hold_expired") in text_of(page)
    assert f'value="{slot_ref(slot)}"' in page.content.decode()  # choose again
    held.refresh_from_db()
    assert held.status == "held" and held.queue_number == ""
    # Until the slot's next booking releases it, the lapsed hold is shown as what it is.
    listed = web.get("/kunjungan/")
    assert "Hold expired" in text_of(listed)
    assert f"/kunjungan/{held.code}/konfirmasi/" not in listed.content.decode()


def test_invalid_values_get_an_error_summary_naming_the_field_never_a_500(
    web: Client, booking_office: Office, passport: Any, siti: Any
) -> None:
    who = {"service": SERVICE, "person": str(siti.public_id)}
    office = {**who, "office": booking_office.code}
    day = next_bookable_day(booking_office).isoformat()

    city = web.get("/kunjungan/pesan/kantor/", {**who, "near": "Atlantis"})
    assert city.status_code == 200
    assert "Select a city from the list." in text_of(city)
    assert 'href="#id_near"' in city.content.decode()

    date = web.get("/kunjungan/pesan/waktu/", {**office, "date": "31-02-2026"})
    assert "Choose a date from the list." in text_of(date)
    assert 'href="#id_date"' in date.content.decode()

    no_slot = web.get("/kunjungan/pesan/bantuan/", {**office, "date": day, "slot": "nope:1"})
    assert english("slot_invalid") in text_of(no_slot)
    assert 'href="#id_slot"' in no_slot.content.decode()

    slot = slot_ref(first_slot(booking_office))
    bad_help = web.post(
        "/kunjungan/pesan/tahan/", {**office, "date": day, "slot": slot, "assistance": "jetpack"}
    )
    assert bad_help.status_code == 200
    assert "Select only options from the list." in text_of(bad_help)
    assert 'href="#id_assistance_0"' in bad_help.content.decode()

    for odd in ("kanim-jakarta-selatan:00010101T0000", "kanim-jakarta-selatan:99991231T2359"):
        refused = web.post("/kunjungan/pesan/tahan/", {**office, "date": day, "slot": odd})
        assert refused.status_code == 200 and english("slot_invalid") in text_of(refused)

    nobody = web.get(f"/kunjungan/pesan/{SERVICE}/", {"person": "not-a-person"})
    assert "Select who the visit is for." in text_of(nobody)
    for path in (
        "/kunjungan/pesan/kantor/",
        "/kunjungan/pesan/tanggal/?service=x&person=y",
        f"/kunjungan/pesan/tanggal/?service={SERVICE}&person={siti.public_id}&office=nowhere",
        "/kunjungan/pesan/?application=IM-0000-0000-0",
        "/kunjungan/pesan/tidak-ada/",
        "/kunjungan/NOPE1234/",
    ):
        assert web.get(path).status_code == 404, path
    assert not Booking.objects.exists()


def test_a_person_without_nik_or_passport_is_told_to_add_one(
    web: Client, booking_office: Office, passport: Any, applicant: Any
) -> None:
    from imigrasi.applications.models import Person

    nameless = Person.objects.create(account=applicant, relationship="child", full_name="ANAK")
    page = web.get(f"/kunjungan/pesan/{SERVICE}/", {"person": str(nameless.public_id)})
    assert page.status_code == 200
    assert english("identity_required") in text_of(page)
    assert 'href="#id_person_0"' in page.content.decode()


def test_an_office_that_cannot_serve_is_listed_with_its_reason(
    web: Client, booking_office: Office, passport: Any, siti: Any
) -> None:
    from imigrasi.appointments.models import OfficeService

    OfficeService.objects.filter(office=booking_office, service=passport).update(
        is_available=False, unavailable_reason_en="Passport blanks are out of stock."
    )
    config.clear()
    who = {"service": SERVICE, "person": str(siti.public_id)}
    page = web.get("/kunjungan/pesan/kantor/", {**who, "near": "Jakarta"})
    assert "Passport blanks are out of stock." in text_of(page)
    assert booking_office.name in text_of(page)
    refused = web.get("/kunjungan/pesan/tanggal/", {**who, "office": booking_office.code})
    assert refused.status_code == 409
    assert english("service_unavailable_here") in text_of(refused)


# --- waiting list ------------------------------------------------------------------------


def test_a_full_day_offers_the_waiting_list_and_other_times(
    web: Client, booking_office: Office, passport: Any, siti: Any
) -> None:
    days = [d for d, reason in bookable_days(booking_office) if reason is None]
    full_day, next_day = days[0], days[1]
    free_slots(full_day_office := booking_office, next_day)  # the next day's slots exist
    free_slots(full_day_office, full_day)
    start = dt.datetime.combine(full_day, dt.time(0), tzinfo=booking_office.zone)
    Slot.objects.filter(
        office=booking_office, starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1)
    ).update(taken=10, capacity=10)
    params = {"service": SERVICE, "person": str(siti.public_id), "office": booking_office.code}

    page = web.get("/kunjungan/pesan/waktu/", {**params, "date": full_day.isoformat()})
    assert page.status_code == 200
    text = text_of(page)
    assert "No places left on" in text
    assert "Tell me when a place frees up" in text
    assert "Other free times at this office" in text
    alternative = re.search(r'href="(/kunjungan/pesan/bantuan/[^"]+)"', page.content.decode())
    assert alternative is not None
    assert query_of(unescape(alternative.group(1)))["date"] == [next_day.isoformat()]

    joined = web.post("/kunjungan/pesan/daftar-tunggu/", {**params, "date": full_day.isoformat()})
    assert joined.status_code == 302
    entry = WaitlistEntry.objects.get(account=siti.account)
    assert (entry.office_id, entry.service_id, entry.date) == (
        booking_office.pk,
        passport.pk,
        full_day,
    )
    page = web.get(joined["Location"])
    assert "We will email you when a place frees up." in text_of(page)
    assert "You are on the waiting list for this day." in text_of(page)

    # A day that cannot be booked is refused with its reason (not turned into "any day").
    far = timezone.now().astimezone(booking_office.zone).date() + dt.timedelta(days=200)
    refused = web.post("/kunjungan/pesan/daftar-tunggu/", {**params, "date": far.isoformat()})
    assert refused.status_code == 409 and "not released yet" in text_of(refused)
    assert WaitlistEntry.objects.filter(account=siti.account).count() == 1


# --- cancel and reschedule ------------------------------------------------------------------


def test_cancel_asks_first_then_frees_the_place(
    web: Client, booking_office: Office, passport: Any, applicant: Any, siti: Any
) -> None:
    slot = first_slot(booking_office)
    booking = book(applicant, siti, passport, slot)
    page = web.get(f"/kunjungan/{booking.code}/batal/")
    assert page.status_code == 200 and "Cancel your visit?" in text_of(page)
    booking.refresh_from_db()
    assert booking.status == "confirmed"  # asking is not cancelling

    done = web.post(f"/kunjungan/{booking.code}/batal/", {"reason": "Sakit"})
    assert done.status_code == 302
    booking.refresh_from_db()
    slot.refresh_from_db()
    assert booking.status == "cancelled" and slot.taken == 0
    page = web.get(done["Location"])
    assert "Your office visit is cancelled." in text_of(page)
    assert "batal/" not in page.content.decode()
    again = web.post(f"/kunjungan/{booking.code}/batal/")
    assert again.status_code == 409 and english("not_active") in text_of(again)


def test_reschedule_uses_the_same_date_and_time_choice(
    web: Client, booking_office: Office, passport: Any, applicant: Any, siti: Any
) -> None:
    days = [d for d, reason in bookable_days(booking_office) if reason is None]
    old_slot = first_slot(booking_office, days[0])
    booking = book(applicant, siti, passport, old_slot)
    page = web.get(f"/kunjungan/{booking.code}/ubah/")
    assert f'value="{days[1].isoformat()}"' in page.content.decode()
    page = web.get(f"/kunjungan/{booking.code}/ubah/waktu/", {"date": days[1].isoformat()})
    html = page.content.decode()
    assert 'method="post"' in main_of(page) and "Move my visit to this time" in text_of(page)
    new_slot = free_slots(booking_office, days[1])[2]
    assert f'value="{slot_ref(new_slot)}"' in html

    moved = web.post(
        f"/kunjungan/{booking.code}/ubah/waktu/",
        {"date": days[1].isoformat(), "slot": slot_ref(new_slot)},
    )
    assert moved.status_code == 302 and moved["Location"] == f"/kunjungan/{booking.code}/"
    booking.refresh_from_db()
    old_slot.refresh_from_db()
    new_slot.refresh_from_db()
    assert booking.slot_id == new_slot.pk and booking.status == "confirmed"
    assert (old_slot.taken, new_slot.taken) == (0, 1)
    assert "Your office visit has been moved." in text_of(web.get(moved["Location"]))


def test_changes_are_refused_once_too_late(
    web: Client, booking_office: Office, passport: Any, applicant: Any, siti: Any
) -> None:
    booking = book(applicant, siti, passport, first_slot(booking_office))
    BookingPolicy.objects.filter(office=booking_office).update(reschedule_until_days_before=60)
    config.clear()
    booking_office.refresh_from_db()
    page = web.get(f"/kunjungan/{booking.code}/")
    assert english("too_late_to_change") in text_of(page)
    assert f"/kunjungan/{booking.code}/ubah/" not in page.content.decode()
    for path in (f"/kunjungan/{booking.code}/ubah/", f"/kunjungan/{booking.code}/batal/"):
        refused = web.get(path)
        assert refused.status_code == 409 and english("too_late_to_change") in text_of(refused)
    refused = web.post(f"/kunjungan/{booking.code}/batal/")
    assert refused.status_code == 409
    booking.refresh_from_db()
    assert booking.status == "confirmed"


# --- admission control and rate limit --------------------------------------------------------


def test_a_full_admission_gate_answers_busy_with_the_place_in_line_and_keeps_the_choices(
    web: Client, booking_office: Office, passport: Any, siti: Any, settings: Any
) -> None:
    settings.BOOKING_CONCURRENCY = 1
    settings.BOOKING_ADMISSION_WAIT_SECONDS = 0.2
    slot = first_slot(booking_office)
    form = {
        "service": SERVICE,
        "person": str(siti.public_id),
        "office": booking_office.code,
        "slot": slot_ref(slot),
        "assistance": ["sign_language"],
    }
    # Another request is inside the gate (a booking in flight) for the whole attempt.
    inside, leave = threading.Event(), threading.Event()

    def in_flight() -> None:
        with admission.gate("booking", 1, 0.2).admit():
            inside.set()
            leave.wait(10)

    other = threading.Thread(target=in_flight)
    other.start()
    try:
        assert inside.wait(5)
        busy = web.post("/kunjungan/pesan/tahan/", form)
    finally:
        leave.set()
        other.join(5)

    assert busy.status_code == 503
    assert busy["Retry-After"].isdigit() and int(busy["Retry-After"]) >= 1
    text = text_of(busy)
    assert "Many people are booking right now." in text
    assert re.search(r"Your place in line\s*1\b", text)
    html = busy.content.decode()
    assert f'name="slot" value="{slot_ref(slot)}"' in html
    assert 'name="assistance" value="sign_language"' in html
    assert 'action="/kunjungan/pesan/tahan/"' in html
    assert not Booking.objects.filter(account=siti.account).exists()

    # The same choices sent again once the gate has room: held, with the help asked for.
    again = web.post("/kunjungan/pesan/tahan/", form)
    assert again.status_code == 302
    booking = Booking.objects.get(account=siti.account)
    assert booking.status == "held" and booking.needs_sign_language


def test_a_busy_gate_also_guards_confirming(
    web: Client, booking_office: Office, passport: Any, applicant: Any, siti: Any, settings: Any
) -> None:
    held = actions.do_hold(applicant, siti, passport, first_slot(booking_office))
    settings.BOOKING_CONCURRENCY = 0  # no room at all
    settings.BOOKING_ADMISSION_WAIT_SECONDS = 0.05
    busy = web.post(f"/kunjungan/{held.code}/konfirmasi/")
    assert busy.status_code == 503 and "Retry-After" in busy
    held.refresh_from_db()
    assert held.status == "held"


def test_the_per_user_rate_limit_answers_429(
    web: Client, booking_office: Office, passport: Any, siti: Any, settings: Any
) -> None:
    settings.BOOKING_RATE = "2/m"
    form = {
        "service": SERVICE,
        "person": str(siti.public_id),
        "slot": slot_ref(first_slot(booking_office)),
    }
    assert web.post("/kunjungan/pesan/tahan/", form).status_code == 302
    assert web.post("/kunjungan/pesan/tahan/", form).status_code == 302  # same person: moves
    limited = web.post("/kunjungan/pesan/tahan/", form)
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    assert "Too many requests. Wait a minute and try again." in text_of(limited)
    assert f'name="slot" value="{form["slot"]}"' in limited.content.decode()


def test_step_pages_need_no_javascript(
    web: Client, booking_office: Office, passport: Any, siti: Any
) -> None:
    """Every step is a link or a form of its own: no script inside the page's content."""
    who = {"service": SERVICE, "person": str(siti.public_id)}
    day = next_bookable_day(booking_office).isoformat()
    slot = slot_ref(first_slot(booking_office))
    for path, params in (
        (f"/kunjungan/pesan/{SERVICE}/", {}),
        ("/kunjungan/pesan/kantor/", {**who, "near": "Bandung"}),
        ("/kunjungan/pesan/tanggal/", {**who, "office": booking_office.code}),
        ("/kunjungan/pesan/waktu/", {**who, "office": booking_office.code, "date": day}),
        ("/kunjungan/pesan/bantuan/", {**who, "slot": slot}),
        ("/kunjungan/", {}),
    ):
        page = web.get(path, params)
        assert page.status_code == 200, path
        main = main_of(page)
        assert "<script" not in main and " onclick" not in main, path
        assert "<form" in main or path == "/kunjungan/", path


def test_the_confirmation_shows_the_offices_own_local_time(
    catalog: None, passport: Any, applicant: Any, siti: Any
) -> None:
    """The PDF and emails (documents.booking_context) print the office's time, not WIB."""
    from django.template.loader import render_to_string

    from imigrasi.appointments.documents import booking_context

    denpasar = Office.objects.get(code="kanim-denpasar")
    configure_office(denpasar)
    booking = book(applicant, siti, passport, first_slot(denpasar))
    for template in ("appointments/booking_pdf.html", "appointments/email/confirmed.txt"):
        text = render_to_string(template, booking_context(booking))
        assert "08:00 WITA" in text, template
