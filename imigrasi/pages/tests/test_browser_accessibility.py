"""The accessibility gate: every reachable page, both languages, anonymous and every role.

A crawler follows same-origin links from each persona's start pages and runs axe-core on each
page in a real Chromium; any WCAG 2.0/2.1/2.2 A or AA violation fails the suite. Error states
that no link reaches (forms sent empty) are visited explicitly.
"""

from __future__ import annotations

from collections import deque
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from conftest import STAFF_TOTP, sign_in_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}

# Not crawled, each for a reason:
SKIP_PREFIXES = (
    "/static/",  # files, not pages
    "/bahasa/",  # switches the language cookie; both languages are crawled explicitly
    "/api/",  # JSON, and /api/v1/docs is third-party Swagger UI (see the accessibility statement)
    "/accounts/logout/",  # would end the session mid-crawl
    "/admin/logout/",
)
MAX_PAGES_PER_LANGUAGE = 80
# Query-string variants (sorting, filters, pages) render the same template: visit a couple.
MAX_VARIANTS_PER_PATH = 2

axe = Axe()


def crawl(page: Any, base_url: str, starts: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Visit every reachable page; return {url: violations} for pages that have any."""
    seen: set[str] = set()
    variants: dict[str, int] = {}
    queue = deque(starts)
    failures: dict[str, list[dict[str, Any]]] = {}
    while queue and len(seen) < MAX_PAGES_PER_LANGUAGE:
        path = queue.popleft()
        bare = path.split("?")[0]
        if path in seen or variants.get(bare, 0) >= MAX_VARIANTS_PER_PATH:
            continue
        seen.add(path)
        variants[bare] = variants.get(bare, 0) + 1
        response = page.goto(base_url + path)
        assert response is not None and response.status < 500, f"{path}: {response}"
        results = axe.run(page, options=AXE_OPTIONS)
        violations = results.response["violations"]
        if violations:
            failures[path] = violations
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            url = urldefrag(urljoin(page.url, href))[0]
            parts = urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}" != base_url:
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if not target.startswith(SKIP_PREFIXES) and target not in seen:
                queue.append(target)
    assert len(seen) > len(starts) or not queue, "the crawler found no links"
    return failures


def describe(failures: dict[str, list[dict[str, Any]]]) -> str:
    lines = []
    for url, violations in failures.items():
        for violation in violations:
            targets = [node["target"] for node in violation["nodes"][:3]]
            lines.append(f"{url}: {violation['id']} ({violation['impact']}) {targets}")
    return "\n".join(lines)


def check_both_languages(page: Any, base_url: str, starts: list[str]) -> None:
    failures: dict[str, list[dict[str, Any]]] = {}
    for language in ("id", "en"):
        page.context.add_cookies([{"name": "imigrasi_lang", "value": language, "url": base_url}])
        page.goto(base_url + starts[0])
        assert page.get_attribute("html", "lang") == language
        for url, violations in crawl(page, base_url, starts).items():
            failures[f"[{language}] {url}"] = violations
    assert not failures, "WCAG violations:\n" + describe(failures)


def test_anonymous_pages_have_no_wcag_violations(live_server, browser_context, office):
    page = browser_context.new_page()
    check_both_languages(
        page,
        live_server.url,
        ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/offline/"],
    )


def test_form_error_states_have_no_wcag_violations(live_server, browser_context, db):
    page = browser_context.new_page()
    failures: dict[str, list[dict[str, Any]]] = {}
    for language in ("id", "en"):
        page.context.add_cookies(
            [{"name": "imigrasi_lang", "value": language, "url": live_server.url}]
        )
        for path in ("/accounts/signup/", "/accounts/login/", "/accounts/password/reset/"):
            page.goto(live_server.url + path)
            page.click("main button[type=submit]")
            page.wait_for_load_state()
            assert page.locator(".govuk-error-summary, .govuk-error-message").count() > 0, path
            violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
            if violations:
                failures[f"[{language}] {path} (errors)"] = violations
    assert not failures, "WCAG violations:\n" + describe(failures)


def test_applicant_pages_have_no_wcag_violations(live_server, browser_context, applicant):
    page = browser_context.new_page()
    sign_in_in_browser(page, live_server.url, applicant)
    check_both_languages(page, live_server.url, ["/akun/", "/akun/data-diri/", "/"])


@pytest.mark.parametrize(
    "persona", ["officer", "supervisor", "content_editor", "auditor", "admin_user"]
)
def test_staff_pages_have_no_wcag_violations(live_server, browser_context, persona, request):
    user = request.getfixturevalue(persona)
    page = browser_context.new_page()
    sign_in_in_browser(page, live_server.url, user, STAFF_TOTP)
    assert page.url.endswith("/staff/"), page.url
    check_both_languages(page, live_server.url, ["/staff/", "/akun/", "/accounts/2fa/"])
