"""The accessibility gate: every reachable page, both languages, anonymous and every role.

A crawler follows same-origin links from each persona's start pages and runs axe-core on each
page in a real Chromium; any WCAG 2.0/2.1/2.2 A or AA violation fails the suite. Error states
that no link reaches (forms sent empty) are visited explicitly.
"""

from __future__ import annotations

import re
from collections import deque
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from conftest import STAFF_TOTP, axe_violations, sign_in_in_browser
from imigrasi.lib.mrz import make_td3

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# Not crawled, each for a reason:
SKIP_PREFIXES = (
    "/static/",  # files, not pages
    "/bahasa/",  # switches the language cookie; both languages are crawled explicitly
    "/api/",  # JSON, and /api/v1/docs is third-party Swagger UI (see the accessibility statement)
    "/accounts/logout/",  # would end the session mid-crawl
    "/admin/logout/",
    "/staff/analitik/csv/",  # CSV and Parquet downloads, not pages
    "/staff/analitik/parquet/",
)
# Downloads anywhere (published IKM figures, complaint exports): files, not pages.
DOWNLOAD_SUFFIXES = (".csv", ".parquet", ".pdf", ".zip")
MAX_PAGES_PER_LANGUAGE = 80
# Pages of the same shape (another application number, another sort order) render the same
# template: visit a couple of each.
MAX_VARIANTS_PER_PATTERN = 2
_VARIABLE_PARTS = re.compile(
    r"IM\d{9}|[0-9a-f]{8}-[0-9a-f-]{27}|\d+|\?.*$|(?<=^/layanan/)[a-z0-9-]+"
    # Django admin: every model's list, add and change pages share one template each.
    r"|(?<=^/admin/)[a-z_]+/[a-z_]+|(?<=^/admin/)[a-z_]+/$"
)
# Signed-in crawls skip the public content pages the anonymous crawl already checked (the only
# difference is the menu, which every signed-in page shows anyway).
PUBLIC_CONTENT = (
    "/layanan/",
    "/aksesibilitas/",
    "/privasi/",
    "/ketentuan/",
    "/offline/",
    "/cek-status/",
    "/permohonan/layanan-yang-tepat/",
)


def pattern_of(path: str) -> str:
    return _VARIABLE_PARTS.sub("*", path)


def crawl(
    page: Any, base_url: str, starts: list[str], skip: tuple[str, ...] = ()
) -> dict[str, list[dict[str, Any]]]:
    """Visit every reachable page; return {url: violations} for pages that have any."""
    seen: set[str] = set()
    variants: dict[str, int] = {}
    queue = deque(starts)
    failures: dict[str, list[dict[str, Any]]] = {}
    while queue and len(seen) < MAX_PAGES_PER_LANGUAGE:
        path = queue.popleft()
        shape = pattern_of(path)
        if path in seen or variants.get(shape, 0) >= MAX_VARIANTS_PER_PATTERN:
            continue
        seen.add(path)
        variants[shape] = variants.get(shape, 0) + 1
        response = page.goto(base_url + path)
        assert response is not None and response.status < 500, f"{path}: {response}"
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue  # a scan or a PDF receipt: a file, not a page
        violations = axe_violations(page)
        if violations:
            failures[path] = violations
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            url = urldefrag(urljoin(page.url, href))[0]
            parts = urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}" != base_url:
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if parts.path.endswith(DOWNLOAD_SUFFIXES):
                continue
            if not target.startswith(SKIP_PREFIXES + skip) and target not in seen:
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


def check_both_languages(
    page: Any, base_url: str, starts: list[str], skip: tuple[str, ...] = ()
) -> None:
    failures: dict[str, list[dict[str, Any]]] = {}
    for language in ("id", "en"):
        page.context.add_cookies([{"name": "imigrasi_lang", "value": language, "url": base_url}])
        page.goto(base_url + starts[0])
        assert page.get_attribute("html", "lang") == language
        for url, violations in crawl(page, base_url, starts, skip).items():
            failures[f"[{language}] {url}"] = violations
    assert not failures, "WCAG violations:\n" + describe(failures)


@pytest.fixture
def applications(catalog, applicant, officer, supervisor):
    """Applications in the statuses whose pages differ, for the applicant's and office's crawl."""
    from imigrasi.applications.tests.conftest import make

    made = {
        status: make(status, account=applicant.email)
        for status in ("draft", "awaiting_payment", "documents_requested", "interviewed")
    }
    made["visa"] = make(
        "information_requested",
        account=applicant.email,
        service="evoa",
        office="",
        nik="",
        name="",
        birth="",
        sex="",
        mrz=make_td3(
            surname="SMITH",
            given_names="OLIVIA",
            number="PA1234567",
            nationality="AUS",
            birth="920315",
            sex="F",
            expiry="320815",
        ),
    )
    return made


def test_anonymous_pages_have_no_wcag_violations(live_server, browser_context, catalog):
    page = browser_context.new_page()
    check_both_languages(
        page,
        live_server.url,
        [
            "/",
            "/accounts/login/",
            "/accounts/signup/",
            "/accounts/password/reset/",
            "/offline/",
            "/layanan/",
            "/permohonan/layanan-yang-tepat/",
            "/cek-status/",
            "/verifikasi/",
            "/cek-status-izin/",
        ],
    )


def test_form_error_states_have_no_wcag_violations(live_server, browser_context, db):
    page = browser_context.new_page()
    failures: dict[str, list[dict[str, Any]]] = {}
    for language in ("id", "en"):
        page.context.add_cookies(
            [{"name": "imigrasi_lang", "value": language, "url": live_server.url}]
        )
        for path in (
            "/accounts/signup/",
            "/accounts/login/",
            "/accounts/password/reset/",
            "/cek-status-izin/",
            "/pengaduan/kirim/",  # the complaint and tracking forms sent empty
            "/pengaduan/lacak/",
        ):
            page.goto(live_server.url + path)
            page.click("main button[type=submit]")
            page.wait_for_load_state()
            assert page.locator(".govuk-error-summary, .govuk-error-message").count() > 0, path
            violations = axe_violations(page)
            if violations:
                failures[f"[{language}] {path} (errors)"] = violations
    assert not failures, "WCAG violations:\n" + describe(failures)


def test_applicant_pages_have_no_wcag_violations(
    live_server, browser_context, applicant, applications
):
    page = browser_context.new_page()
    sign_in_in_browser(page, live_server.url, applicant)
    draft = applications["draft"].number
    check_both_languages(
        page,
        live_server.url,
        [
            "/akun/",
            "/akun/data-diri/",
            "/permohonan/",
            f"/permohonan/{draft}/periksa/",
            f"/permohonan/{draft}/dokumen/",
            "/permohonan/mulai/paspor-baru-dewasa/",
            "/akun/privasi/",
            "/akun/privasi/persetujuan/",
            "/akun/privasi/koreksi/",
            "/akun/privasi/tutup-akun/",
            "/akun/kode-berbagi/",
            "/akun/kode-berbagi/buat/",
            "/",
        ],
        skip=PUBLIC_CONTENT,
    )
    # The data-rights forms in their error state.
    failures: dict[str, list[dict[str, Any]]] = {}
    for path in ("/akun/privasi/koreksi/", "/akun/privasi/tutup-akun/"):
        page.goto(live_server.url + path)
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        assert page.locator(".govuk-error-summary").count() > 0, path
        violations = axe_violations(page)
        if violations:
            failures[f"{path} (errors)"] = violations
    assert not failures, "WCAG violations:\n" + describe(failures)


@pytest.mark.parametrize(
    "persona",
    ["officer", "supervisor", "content_editor", "auditor", "privacy_officer", "admin_user"],
)
def test_staff_pages_have_no_wcag_violations(
    live_server, browser_context, persona, request, applications, analytics_marts
):
    user = request.getfixturevalue(persona)
    if persona == "privacy_officer":
        _an_open_breach_incident(user)
    page = browser_context.new_page()
    sign_in_in_browser(page, live_server.url, user, STAFF_TOTP)
    assert page.url.endswith("/staff/"), page.url
    check_both_languages(
        page, live_server.url, ["/staff/", "/akun/", "/accounts/2fa/"], skip=PUBLIC_CONTENT
    )


@pytest.fixture
def analytics_marts(tmp_path, settings):
    """Marts with a few weeks of seeded figures, so the dashboard is checked with its charts."""
    import datetime as dt

    from django.utils import timezone

    from imigrasi.analytics import engine
    from imigrasi.analytics.marts import MARTS, refresh_backlog, refresh_mart
    from imigrasi.analytics.tests.sample_data import write_random_history

    write_random_history(tmp_path, first_day=timezone.localdate() - dt.timedelta(days=35))
    con = engine.connect("duckdb")
    for spec in MARTS:
        refresh_mart(con, spec, tmp_path, None, 20 * 60)
    refresh_backlog(con, tmp_path)
    settings.ANALYTICS_DIR = tmp_path
    return tmp_path


def _an_open_breach_incident(officer: Any) -> None:
    """So the officer's crawl reaches an incident's detail, assessment and notice pages."""
    from django.utils import timezone

    from imigrasi.privacy.breach import do_open_incident

    do_open_incident(
        officer,
        {
            "title": "Daftar kunjungan terkirim ke alamat yang salah",
            "discovered_at": timezone.now(),
        },
    )
