"""Booking an office visit in a real Chromium, by keyboard, with axe-core on every page:
the office list, the time list and the booking page must have no WCAG 2.2 A/AA violation
(in Indonesian and in English)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import assert_accessible, sign_in_in_browser
from imigrasi.appointments import views_booking
from imigrasi.appointments.models import Booking

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERVICE = "paspor-baru-dewasa"


def press(page: Any, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def tab_to(page: Any, selector: str, limit: int = 60) -> None:
    """Press Tab until the element is focused: it must be reachable by keyboard."""
    target = page.locator(selector).first
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{selector} is not reachable with Tab")


def test_booking_a_visit_by_keyboard_has_no_wcag_violations(
    live_server: Any,
    browser_context: Any,
    booking_office: Any,
    passport: Any,
    applicant: Any,
    siti: Any,
) -> None:
    views_booking.forget_nearby()
    page = browser_context.new_page()
    base = live_server.url
    sign_in_in_browser(page, base, applicant)

    # Who is the visit for: a radio chosen with Space, the form sent with Enter.
    page.goto(f"{base}/kunjungan/pesan/{SERVICE}/")
    assert_accessible(page)
    tab_to(page, f"input[name=person][value='{siti.public_id}']")
    page.keyboard.press("Space")
    tab_to(page, "main button[type=submit]")
    press(page, "Enter")

    # The city, then the office list (nearest first; the others with their reason).
    assert "/kunjungan/pesan/kantor/" in page.url
    tab_to(page, "select[name=near]")
    page.select_option("select[name=near]", "Jakarta")
    tab_to(page, "main button[type=submit]")
    press(page, "Enter")
    assert page.locator("#offices li").count() > 1
    assert page.locator("#offices li").first.locator("h3").inner_text() == booking_office.name
    assert_accessible(page)
    tab_to(page, "#offices a")
    press(page, "Enter")

    # The date: the first open day.
    assert "/kunjungan/pesan/tanggal/" in page.url
    assert_accessible(page)
    tab_to(page, "#id_date")
    page.keyboard.press("Space")
    tab_to(page, "main button[type=submit]")
    press(page, "Enter")

    # The time list, with free places and the nearby offices panel.
    assert "/kunjungan/pesan/waktu/" in page.url
    assert page.locator("input[name=slot]").count() > 0
    assert_accessible(page)
    tab_to(page, "#id_slot")
    page.keyboard.press("Space")
    tab_to(page, "main form button[type=submit]")
    press(page, "Enter")

    # Help at the office: a checkbox in a fieldset; then hold and confirm.
    assert "/kunjungan/pesan/bantuan/" in page.url
    assert_accessible(page)
    tab_to(page, "input[name=assistance][value=wheelchair]")
    page.keyboard.press("Space")
    tab_to(page, "main form button[type=submit]")
    press(page, "Enter")
    assert "/konfirmasi/" in page.url
    assert "WIB" in page.locator("#held-until").inner_text()
    assert_accessible(page)
    tab_to(page, "main form button[type=submit]")
    press(page, "Enter")

    # The booking page: queue number, code, QR code, office, local time.
    booking = Booking.objects.get(account=applicant)
    assert booking.status == "confirmed" and booking.needs_wheelchair
    assert page.url.endswith(f"/kunjungan/{booking.code}/")
    assert page.locator("#queue-number").inner_text() == booking.queue_number
    assert page.locator("#booking-code").inner_text() == booking.code
    assert page.locator("img.imd-qr").get_attribute("alt")
    assert "WIB" in page.locator("#when").inner_text()
    assert_accessible(page)

    # The same three pages in English, and the list of visits.
    page.context.add_cookies([{"name": "imigrasi_lang", "value": "en", "url": base}])
    who = f"service={SERVICE}&person={siti.public_id}"
    day = booking.slot.starts_at.astimezone(booking_office.zone).date().isoformat()
    for path in (
        f"/kunjungan/pesan/kantor/?{who}&near=Medan",
        f"/kunjungan/pesan/waktu/?{who}&office={booking_office.code}&date={day}",
        f"/kunjungan/{booking.code}/",
        "/kunjungan/",
    ):
        page.goto(base + path)
        assert page.get_attribute("html", "lang") == "en"
        assert_accessible(page)
