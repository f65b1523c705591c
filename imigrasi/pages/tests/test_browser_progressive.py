"""Core pages without JavaScript, and the PWA shell: installable, and an offline page."""

from __future__ import annotations

import pytest

from conftest import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_language_switch_and_sign_out_work_without_javascript(
    live_server, chromium, applicant
):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.click("a[hreflang=en]")
    assert page.get_attribute("html", "lang") == "en"
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", applicant.email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/akun/")
    assert "Siti Rahmawati" in page.content()
    page.click("header ~ section button[type=submit]")  # the sign-out button in the menu
    page.wait_for_url(live_server.url + "/")
    assert page.locator("a[href='/accounts/login/']").count() > 0
    context.close()


def test_errors_are_shown_without_javascript(live_server, chromium, db):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/signup/")
    page.click("main button[type=submit]")
    summary = page.locator(".govuk-error-summary")
    assert summary.count() == 1
    assert summary.locator("a").count() >= 3  # one link per missing field
    context.close()


def test_the_service_worker_serves_the_offline_page_when_the_network_is_gone(
    live_server, browser_context, db
):
    page = browser_context.new_page()
    page.goto(live_server.url + "/")
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    browser_context.set_offline(True)
    page.goto(live_server.url + "/privasi/")
    assert page.locator("h1").first.inner_text() in ("Anda sedang luring", "You are offline")
    browser_context.set_offline(False)


def test_the_manifest_is_linked_and_installable(live_server, browser_context, db):
    page = browser_context.new_page()
    page.goto(live_server.url + "/")
    href = page.get_attribute("link[rel=manifest]", "href")
    manifest = page.request.get(live_server.url + href).json()
    assert manifest["start_url"].startswith("/")
    assert any(icon["sizes"] == "512x512" for icon in manifest["icons"])
