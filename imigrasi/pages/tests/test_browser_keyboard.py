"""Keyboard-only use of sign-up and sign-in: skip link, visible focus, no trap, full journey."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.account.models import EmailAddress

from conftest import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A fingerprint of how the focused element looks; focus must change it visibly.
FOCUS_STYLE_JS = """
el => { const s = getComputedStyle(el);
  return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.backgroundColor,
          s.color, s.textDecorationLine].join('|'); }
"""
DESCRIBE_ACTIVE_JS = """
() => { const el = document.activeElement;
  if (!el || el === document.body) return 'body';
  return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
         (el.getAttribute('name') ? '[name=' + el.getAttribute('name') + ']' : '') +
         (el.getAttribute('href') ? '[href=' + el.getAttribute('href') + ']' : ''); }
"""


def tab_through(page: Any, limit: int = 80) -> list[str]:
    """Press Tab until focus leaves the document (or the limit); return the focus order."""
    order: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        current = page.evaluate(DESCRIBE_ACTIVE_JS)
        if current == "body" and order:
            break
        order.append(current)
    return order


def assert_focus_is_visible(page: Any, selector: str) -> None:
    element = page.locator(selector).first
    page.evaluate("document.activeElement && document.activeElement.blur()")
    unfocused = element.evaluate(FOCUS_STYLE_JS)
    element.focus()
    focused = element.evaluate(FOCUS_STYLE_JS)
    assert focused != unfocused, f"{selector} looks the same with and without focus"
    box = element.bounding_box()
    assert box and box["width"] > 0 and box["height"] > 0


@pytest.mark.parametrize("path", ["/accounts/signup/", "/accounts/login/"])
def test_the_skip_link_comes_first_is_visible_and_moves_focus_to_main(
    live_server, browser_context, path, db
):
    page = browser_context.new_page()
    page.goto(live_server.url + path)
    page.keyboard.press("Tab")
    assert page.evaluate(DESCRIBE_ACTIVE_JS) == "a[href=#main-content]"
    box = page.locator("a.govuk-skip-link").bounding_box()
    assert box and box["y"] >= 0 and box["height"] > 10  # shown on screen when focused
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main-content'")


@pytest.mark.parametrize("path", ["/accounts/signup/", "/accounts/login/"])
def test_focus_never_gets_trapped_and_reaches_every_control(live_server, browser_context, path, db):
    page = browser_context.new_page()
    page.goto(live_server.url + path)
    order = tab_through(page)
    assert order[-1] != order[-2], "focus stuck on one element"
    assert len(order) < 80, "focus never left the page: a keyboard trap"
    for name in ("password", "login") if "login" in path else ("email", "password1", "full_name"):
        assert any(f"[name={name}]" in stop for stop in order), (name, order)
    assert any(stop.startswith("button") for stop in order)
    # Shift+Tab walks back out of the form as well.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(DESCRIBE_ACTIVE_JS) != "body"


@pytest.mark.parametrize("path", ["/accounts/signup/", "/accounts/login/"])
def test_every_interactive_element_shows_visible_focus(live_server, browser_context, path, db):
    page = browser_context.new_page()
    page.goto(live_server.url + path)
    selectors = page.eval_on_selector_all(
        "main a[href], main input:not([type=hidden]), main button, header a, footer a",
        "els => els.map((e, i) => { e.setAttribute('data-focus-probe', i); return i; })",
    )
    assert selectors
    for index in selectors:
        assert_focus_is_visible(page, f"[data-focus-probe='{index}']")


def test_sign_up_then_sign_in_with_the_keyboard_only(live_server, browser_context, db):
    page = browser_context.new_page()
    page.goto(live_server.url + "/accounts/signup/")
    page.locator("input[name=full_name]").focus()
    page.keyboard.type("Kiki Amalia")
    focused_names = []
    for value in ("keyboard@example.id", "lima ekor kucing oranye", "lima ekor kucing oranye"):
        page.keyboard.press("Tab")
        while page.evaluate("document.activeElement.tagName") != "INPUT":
            page.keyboard.press("Tab")
        focused_names.append(page.evaluate("document.activeElement.name"))
        page.keyboard.type(value)
    assert focused_names == ["email", "password1", "password2"]
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "privacy_consent"
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/confirm-email/")

    EmailAddress.objects.filter(email="keyboard@example.id").update(verified=True)
    page.goto(live_server.url + "/accounts/login/")
    page.locator("input[name=login]").focus()
    page.keyboard.type("keyboard@example.id")
    page.keyboard.press("Tab")
    page.keyboard.type("lima ekor kucing oranye")
    page.keyboard.press("Enter")
    page.wait_for_url("**/akun/")
    assert "Kiki Amalia" in page.content()


def test_an_existing_user_signs_in_with_the_keyboard_only(live_server, browser_context, applicant):
    page = browser_context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Enter")  # jump to main content
    while page.evaluate("document.activeElement.name") != "login":
        page.keyboard.press("Tab")
    page.keyboard.type(applicant.email)
    page.keyboard.press("Tab")
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/akun/")
