"""The on-site screens in a real Chromium, axe-checked: a supervisor registers the kiosk from the
console, a person checks in at the kiosk with the keyboard (and with a QR scanner), the board
updates live when an officer calls (flash, chime, Indonesian speech) and the ticket holder's
page tells them it is their turn.

speechSynthesis is replaced in the page (add_init_script) by a recorder of what would be
spoken, and navigator.vibrate by a recorder of vibrations: that observes the browser APIs the
pages call; the pages' own code runs unchanged.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import F

from conftest import STAFF_TOTP, assert_accessible, make_user, sign_in_in_browser
from imigrasi.appointments import onsite
from imigrasi.appointments.actions import identity_of, new_booking_code, next_queue_number
from imigrasi.appointments.models import Booking, BookingStatus, Counter, Pool, Slot
from imigrasi.appointments.tests.conftest import person_for
from imigrasi.appointments.views_onsite import KIOSK_COOKIE, kiosk_cookie_value
from imigrasi.catalog.models import Office, Service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


RECORD_SPEECH_AND_VIBRATION = """
window.__spoken = [];
window.__vibrated = [];
Object.defineProperty(window, "speechSynthesis", {
  configurable: true,
  value: {
    speaking: false, pending: false, paused: false,
    speak: function (utterance) {
      window.__spoken.push({ text: utterance.text, lang: utterance.lang });
      setTimeout(function () { if (utterance.onend) utterance.onend(); }, 20);
    },
    cancel: function () {}, pause: function () {}, resume: function () {},
    getVoices: function () { return []; },
    addEventListener: function () {}, removeEventListener: function () {}
  }
});
if (!window.SpeechSynthesisUtterance) {
  window.SpeechSynthesisUtterance = function (text) { this.text = text; this.lang = ""; };
}
Object.defineProperty(Navigator.prototype, "vibrate", {
  configurable: true,
  value: function (pattern) { window.__vibrated.push(pattern); return true; }
});
"""


@pytest.fixture
def office(open_today: Office) -> Office:
    return open_today


@pytest.fixture
def supervisor_here(office: Office) -> Any:
    return make_user(
        "rina@imigrasi.example", "supervisor", office, "Rina Kusumawati", totp_secret=STAFF_TOTP
    )


def booking_today(office: Office, service: Service) -> Booking:
    account = make_user("siti.browser@example.id", full_name="Siti Rahmawati")
    person = person_for(account, "3174055204910003", "SITI RAHMAWATI")
    day = onsite.local_today(office)
    starts = dt.datetime.combine(day, dt.time(8), tzinfo=office.zone)
    slot, _ = Slot.objects.get_or_create(
        office=office,
        starts_at=starts,
        pool=Pool.ONLINE,
        defaults={"ends_at": starts + dt.timedelta(minutes=30), "capacity": 10},
    )
    Slot.objects.filter(pk=slot.pk).update(taken=F("taken") + 1)
    return Booking.objects.create(
        code=new_booking_code(),
        account=account,
        person=person,
        identity_index=identity_of(person),
        service=service,
        office=office,
        slot=slot,
        status=BookingStatus.CONFIRMED,
        queue_number=next_queue_number(office, day, "A"),
    )


def use_english(context: Any, base_url: str) -> None:
    context.add_cookies([{"name": "imigrasi_lang", "value": "en", "url": base_url}])


def console_at_counter(page: Any, base_url: str, user: Any, code: str) -> None:
    sign_in_in_browser(page, base_url, user, STAFF_TOTP)
    page.goto(f"{base_url}/staff/antrean/")
    desk = Counter.objects.get(office=user.office, code=code)
    page.select_option("#counter-choice", value=str(desk.pk))
    page.click("form[action='/staff/antrean/loket/'] button")
    page.wait_for_load_state()


def focus_by_tab(page: Any, selector: str, limit: int = 30) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_kiosk_registered_from_the_console_and_used_by_keyboard(
    live_server: Any, browser_context: Any, office: Office, passport: Service, supervisor_here: Any
) -> None:
    base = live_server.url
    booking = booking_today(office, passport)
    use_english(browser_context, base)
    page = browser_context.new_page()
    kiosk = f"{base}/antrean/kios/{office.code}/"

    page.goto(kiosk)
    assert "This device is not a registered kiosk" in page.inner_text("main")
    assert_accessible(page, "kiosk refused")

    # A supervisor registers this device on the console, then signs out.
    sign_in_in_browser(page, base, supervisor_here, STAFF_TOTP)
    page.goto(f"{base}/staff/antrean/")
    assert_accessible(page, "console, no counter yet")
    page.click("text=Use this device as the kiosk")
    page.wait_for_load_state()
    assert "is now the kiosk of" in page.inner_text("main")
    assert_accessible(page, "console after registering the kiosk")
    page.click("form[action='/accounts/logout/'] button")
    page.wait_for_load_state()

    # The start screen: three large choices, reached with the keyboard.
    page.goto(kiosk)
    assert page.locator("h1").inner_text() == "Take a queue ticket"
    assert_accessible(page, "kiosk start")
    box = page.locator("a.imd-kiosk__choice").first.bounding_box()
    assert box is not None and box["height"] >= 48 and box["width"] >= 48
    focus_by_tab(page, "a[href$='/kode/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/kode/")
    assert page.evaluate("document.activeElement.id") == "booking-code"  # ready for the scanner
    assert_accessible(page, "kiosk code screen")

    # A wrong code first: a friendly message, focus can go straight back to the field.
    page.keyboard.type("ZZZZ9999")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "We could not find this booking code" in page.inner_text("main")
    assert_accessible(page, "kiosk code error")

    page.fill("#booking-code", "")
    page.focus("#booking-code")
    page.keyboard.type(booking.code.lower())
    page.keyboard.press("Enter")
    page.wait_for_url("**/tiket/**")
    assert page.locator("[data-ticket-number]").inner_text() == booking.queue_number
    assert (
        page.locator("img.imd-kiosk__qr")
        .get_attribute("src", timeout=1000)
        .startswith("data:image/png")
    )
    assert_accessible(page, "kiosk ticket")

    # Back to the start with "Done"; a QR scanned there (typed by the scanner) checks in.
    focus_by_tab(page, "a.govuk-button[href*='/bahasa/']")
    page.keyboard.press("Enter")
    page.wait_for_url(kiosk)
    page.keyboard.type(f"IMD-BOOKING:{booking.code}")
    page.keyboard.press("Enter")
    page.wait_for_url("**/tiket/**")
    assert page.locator("[data-ticket-number]").inner_text() == booking.queue_number

    # The other screens, in both languages.
    for language in ("en", "id"):
        page.goto(kiosk)
        link = page.locator(f"nav a[hreflang='{language}']")
        if link.count():
            link.click()
            page.wait_for_load_state()
        assert page.get_attribute("html", "lang") == language
        for path in ("", "langsung/", "prioritas/", "prioritas/elderly/"):
            page.goto(kiosk + path)
            assert_accessible(page, f"[{language}] kiosk {path or 'start'}")
        page.goto(f"{kiosk}prioritas/elderly/{passport.code}/")
        assert_accessible(page, f"[{language}] kiosk assistance")

    # A priority ticket with the keyboard: tick the needs, get the ticket.
    page.focus("#need-wheelchair")
    page.keyboard.press("Space")
    focus_by_tab(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/tiket/**")
    assert page.locator("[data-ticket-number]").inner_text().startswith("A-")


def test_kiosk_goes_back_to_the_start_after_inactivity(
    live_server: Any, browser_context: Any, office: Office, supervisor_here: Any, settings: Any
) -> None:
    settings.KIOSK_INACTIVITY_SECONDS = 4
    base = live_server.url
    use_english(browser_context, base)
    browser_context.add_cookies(
        [
            {
                "name": KIOSK_COOKIE,
                "value": kiosk_cookie_value(office, supervisor_here),
                "url": f"{base}/antrean/kios/{office.code}/",
            }
        ]
    )
    page = browser_context.new_page()
    page.goto(f"{base}/antrean/kios/{office.code}/kode/")
    page.wait_for_selector("[data-kiosk-warning]:not([hidden])", timeout=5000)
    assert "goes back to the start" in page.inner_text("[data-kiosk-warning]")
    assert_accessible(page, "kiosk inactivity warning")
    page.wait_for_url(f"{base}/antrean/kios/{office.code}/", timeout=20000)
    assert page.get_attribute("html", "lang") == "id"  # the next person starts in Indonesian


def test_board_updates_live_with_flash_chime_and_indonesian_speech(
    live_server: Any,
    chromium: Any,
    browser_context: Any,
    office: Office,
    passport: Service,
    supervisor_here: Any,
) -> None:
    base = live_server.url
    first = onsite.issue_walk_in(office, passport)
    use_english(browser_context, base)
    browser_context.add_init_script(RECORD_SPEECH_AND_VIBRATION)
    board = browser_context.new_page()
    board.goto(f"{base}/antrean/papan/{office.code}/")
    assert board.locator('[data-counter="1"] [data-field=number]').inner_text() == "—"
    sound = board.locator("[data-board-sound]")
    if sound.is_visible():
        sound.click()
        board.wait_for_selector("[data-board-sound]", state="hidden")
    assert board.locator("[data-board-sound-status]").inner_text() == "Sound is on."
    assert_accessible(board, "board")

    officer_context = chromium.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    try:
        use_english(officer_context, base)
        console = officer_context.new_page()
        console_at_counter(console, base, supervisor_here, "1")
        assert_accessible(console, "console with a counter")
        console.click("text=Call next")
        console.wait_for_load_state()
        assert f"Called {first.number} to counter 1." in console.inner_text("main")

        # The flash lasts 9 s: look at the board first, audit the console afterwards.
        board.wait_for_selector('[data-counter="1"].imd-board__counter--flash', timeout=20000)
        assert board.locator('[data-counter="1"] [data-field=number]').inner_text() == "A-001"
        flash = board.locator("[data-board-flash]")
        assert "imd-board__flash--active" in (flash.get_attribute("class") or "")
        assert "A-001" in flash.inner_text()
        board.wait_for_function("() => window.__spoken.length === 1", timeout=20000)
        spoken = board.evaluate("window.__spoken")
        assert spoken == [
            {"text": "Nomor antrean A nol nol satu, silakan ke loket satu", "lang": "id-ID"}
        ]
        assert "A-001" in board.inner_text("[data-board-calls]")
        assert_accessible(board, "board during a call")
        assert_accessible(console, "console with the current ticket")

        # People who prefer less motion get a steady highlight, not a flashing one.
        board.emulate_media(reduced_motion="reduce")
        animation = board.locator('[data-counter="1"]').evaluate(
            "el => getComputedStyle(el).animationName"
        )
        assert animation == "none"

        # A recall is announced again.
        console.click("form[action='/staff/antrean/aksi/recall/'] button")
        console.wait_for_load_state()
        board.wait_for_function("() => window.__spoken.length === 2", timeout=20000)
        assert board.evaluate("window.__spoken[1].text") == spoken[0]["text"]
    finally:
        officer_context.close()


def test_ticket_page_tells_the_holder_it_is_their_turn(
    live_server: Any,
    chromium: Any,
    browser_context: Any,
    office: Office,
    passport: Service,
    supervisor_here: Any,
) -> None:
    base = live_server.url
    ticket = onsite.issue_walk_in(office, passport)
    use_english(browser_context, base)
    browser_context.add_init_script(RECORD_SPEECH_AND_VIBRATION)
    browser_context.grant_permissions(["notifications"], origin=base)
    phone = browser_context.new_page()
    phone.goto(f"{base}/antrean/tiket/{ticket.public_id}/")
    assert ticket.number in phone.inner_text("h1")
    assert "Your turn is near" in phone.inner_text("[data-ticket-alert]")  # nobody ahead
    assert_accessible(phone, "ticket page, waiting")

    officer_context = chromium.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    try:
        console = officer_context.new_page()
        console_at_counter(console, base, supervisor_here, "2")
        console.click("form[action='/staff/antrean/aksi/call/'] button")
        console.wait_for_load_state()
    finally:
        officer_context.close()

    phone.wait_for_function(
        "() => document.querySelector('[data-ticket-alert]').innerText.includes('It is your turn')",
        timeout=20000,
    )
    assert phone.locator("[data-ticket-alert]").get_attribute("role") == "alert"
    assert "Please go to counter 2 now." in phone.inner_text("[data-ticket-alert]")
    assert phone.locator('[data-field="counter"]').inner_text() == "2"
    assert phone.locator('[data-row="ahead"]').is_hidden()
    assert phone.evaluate("window.__vibrated.length") == 1  # notifications were allowed
    assert_accessible(phone, "ticket page, called")


def test_kiosk_works_without_javascript_and_still_resets(
    live_server: Any,
    chromium: Any,
    office: Office,
    passport: Service,
    supervisor_here: Any,
    settings: Any,
) -> None:
    settings.KIOSK_INACTIVITY_SECONDS = 2
    base = live_server.url
    context = chromium.new_context(java_script_enabled=False)
    try:
        kiosk = f"{base}/antrean/kios/{office.code}/"
        context.add_cookies(
            [
                {
                    "name": KIOSK_COOKIE,
                    "value": kiosk_cookie_value(office, supervisor_here),
                    "url": kiosk,
                }
            ]
        )
        page = context.new_page()
        page.goto(kiosk)
        page.click("a[href$='/langsung/']")
        page.click(f"button[name=service][value='{passport.code}']")
        page.wait_for_url("**/tiket/**")
        assert page.locator("[data-ticket-number]").inner_text() == "A-001"
        # The <noscript> refresh takes the screen back to the start for the next person.
        page.wait_for_url(kiosk, timeout=20000)
        assert page.locator("a[href$='/kode/']").count() == 1
    finally:
        context.close()
