"""The survey pages in a real Chromium with axe-core: a form no crawler link reaches (the link
is a one-time key), its error state, a spent link, and the public results in both languages.
The /ikm/ pages are also reached by the site crawl through the footer link."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import axe_violations
from imigrasi.feedback.tests.conftest import invite

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_survey_and_results_pages_have_no_wcag_violations(
    live_server: Any, browser_context: Any, catalog: None, applicant: Any
) -> None:
    from imigrasi.feedback import demo

    demo.load()
    _invitation, token = invite(account=applicant)
    page = browser_context.new_page()
    failures: dict[str, Any] = {}
    for language in ("id", "en"):
        page.context.add_cookies(
            [{"name": "imigrasi_lang", "value": language, "url": live_server.url}]
        )
        page.goto(f"{live_server.url}/survei/{token}/")
        failures[f"[{language}] survey"] = axe_violations(page)
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        assert page.locator(".govuk-error-summary").count() == 1
        failures[f"[{language}] survey (errors)"] = axe_violations(page)
        for path in ("/ikm/", "/ikm/kanim-denpasar/", "/survei/terima-kasih/", "/survei/x/"):
            page.goto(live_server.url + path)
            failures[f"[{language}] {path}"] = axe_violations(page)
    # Answer with the keyboard-reachable radios, then the link is spent.
    page.goto(f"{live_server.url}/survei/{token}/")
    for number in range(1, 10):
        page.check(f"#id_u{number}_2")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "/survei/terima-kasih/" in page.url
    page.goto(f"{live_server.url}/survei/{token}/")
    failures["spent link"] = axe_violations(page)
    failures = {name: found for name, found in failures.items() if found}
    assert not failures, failures
