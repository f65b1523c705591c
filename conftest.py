"""Shared test set-up: fast hashing, personas, and staff sessions that passed a second factor.

Personas (STYLE.md): applicant, other_applicant, officer, other_office_officer, supervisor,
content_editor, auditor, admin, outsider (anonymous client).
"""

from __future__ import annotations

import base64
import os
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

# Playwright's sync API runs an event loop in the test thread; Django would refuse DB access
# from such a thread. Browser tests only use the DB for set-up, never concurrently.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TEST_PASSWORD = "correct horse battery staple"

# No per-example deadline: the first request of a run warms caches and the machine has 2 cores.
hypothesis_settings.register_profile("imigrasi", deadline=None)
hypothesis_settings.load_profile("imigrasi")


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Live-server and race tests open connections in short-lived threads; persistent
    # connections would outlive them and block dropping the PostgreSQL test database.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    # No collectstatic in tests: serve static files from the finders, unfingerprinted.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
    # Tasks run at once (on commit) in tests; the database worker is exercised separately.
    # override_settings (not plain assignment) so the already-built task backends are reset.
    from django.test import override_settings

    override_settings(
        TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    ).enable()
    settings.SMS_BACKEND = "imigrasi.applications.notifications.FileTextMessages"
    _let_test_flushes_through_the_audit_triggers()


def pytest_sessionstart(session: pytest.Session) -> None:
    """A file test database leaves -wal/-shm files when it is dropped; a new database created
    beside stale ones fails with "disk I/O error". Remove this worker's leftovers first."""
    from django.conf import settings

    test_name = settings.DATABASES["default"].get("TEST", {}).get("NAME")
    if not test_name or settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        return
    # Files of test processes that are gone (killed runs) would pile up: remove them.
    for stale in Path(test_name).parent.glob("test-db-*.sqlite3*"):
        pid = stale.name.removeprefix("test-db-").split(".")[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            stale.unlink(missing_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    name = f"{test_name}_{worker}" if worker else test_name
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(name + suffix).unlink(missing_ok=True)


def _let_test_flushes_through_the_audit_triggers() -> None:
    """Transactional tests end with `flush`, which the append-only triggers would refuse."""
    from django.core.management.commands import flush

    from imigrasi.audit.maintenance import maintenance_window

    original = flush.Command.handle

    def handle(self: Any, *args: Any, **options: Any) -> Any:
        with maintenance_window():
            return original(self, *args, **options)

    flush.Command.handle = handle  # type: ignore[method-assign]


def make_user(
    email: str,
    role: str = "applicant",
    office: Any = None,
    full_name: str = "Siti Rahmawati",
    verified: bool = True,
    totp_secret: str | None = None,
) -> Any:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import encrypt

    from imigrasi.accounts.models import User

    user = User.objects.create_user(
        email, TEST_PASSWORD, role=role, office=office, full_name=full_name
    )
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    if role == "applicant":
        from imigrasi.privacy.consent import do_give_consent

        do_give_consent(user, language="id")  # ticked on the sign-up form
    if totp_secret:
        Authenticator.objects.create(
            user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(totp_secret)}
        )
    return user


def totp_now(secret: str, offset_periods: int = 0) -> str:
    """The code an authenticator app shows now (RFC 6238, 30 s, 6 digits)."""
    import hashlib
    import hmac
    import struct

    counter = int(time.time()) // 30 + offset_periods
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def mark_second_factor(client: Any, user: Any) -> None:
    """What a real login through the MFA stage leaves in the session."""
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "email": user.email},
        {"method": "mfa", "at": time.time(), "type": "totp"},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


STAFF_TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def catalog(db: None) -> None:
    """The 22 demo offices and the service catalog (services.json)."""
    from imigrasi.catalog.demo import load

    load()


@pytest.fixture
def office(db: None) -> Any:
    from imigrasi.catalog.models import Office

    return Office.objects.update_or_create(
        code="kanim-jakarta-selatan",
        defaults=dict(
            name="Kantor Imigrasi Kelas I Khusus Non TPI Jakarta Selatan",
            kind="kanim_i_khusus",
            address="Jl. Warung Buncit Raya No. 207",
            city="Jakarta Selatan",
            province="DKI Jakarta",
            timezone="Asia/Jakarta",
            latitude="-6.260700",
            longitude="106.830000",
        ),
    )[0]


@pytest.fixture
def other_office(db: None) -> Any:
    from imigrasi.catalog.models import Office

    return Office.objects.update_or_create(
        code="kanim-denpasar",
        defaults=dict(
            name="Kantor Imigrasi Kelas I TPI Denpasar",
            kind="kanim_i",
            address="Jl. D.I. Panjaitan No. 3",
            city="Denpasar",
            province="Bali",
            timezone="Asia/Makassar",
            latitude="-8.674000",
            longitude="115.233000",
        ),
    )[0]


@pytest.fixture
def applicant(db: None) -> Any:
    return make_user("siti@example.id", full_name="Siti Rahmawati")


@pytest.fixture
def other_applicant(db: None) -> Any:
    return make_user("budi@example.id", full_name="Budi Santoso")


@pytest.fixture
def officer(office: Any) -> Any:
    return make_user(
        "andi@imigrasi.example", "officer", office, "Andi Pratama", totp_secret=STAFF_TOTP
    )


@pytest.fixture
def other_office_officer(other_office: Any) -> Any:
    return make_user(
        "made@imigrasi.example",
        "officer",
        other_office,
        "I Made Wirawan",
        totp_secret=STAFF_TOTP,
    )


@pytest.fixture
def supervisor(office: Any) -> Any:
    return make_user(
        "rina@imigrasi.example", "supervisor", office, "Rina Kusumawati", totp_secret=STAFF_TOTP
    )


@pytest.fixture
def auditor(db: None) -> Any:
    return make_user(
        "hendra@imigrasi.example", "auditor", None, "Hendra Gunawan", totp_secret=STAFF_TOTP
    )


@pytest.fixture
def admin_user(db: None) -> Any:
    user = make_user(
        "admin@imigrasi.example", "admin", None, "Admin Sistem", totp_secret=STAFF_TOTP
    )
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    return user


@pytest.fixture
def privacy_officer(db: None) -> Any:
    return make_user(
        "lestari@imigrasi.example",
        "privacy_officer",
        None,
        "Lestari Wulandari",
        totp_secret=STAFF_TOTP,
    )


@pytest.fixture
def content_editor(db: None) -> Any:
    return make_user(
        "dewi@imigrasi.example", "content_editor", None, "Dewi Lestari", totp_secret=STAFF_TOTP
    )


@pytest.fixture
def staff_client(client: Any) -> Any:
    """Returns a function that signs a staff user in with a second factor already proven."""

    def sign_in(user: Any) -> Any:
        client.force_login(user)
        mark_second_factor(client, user)
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _fresh_cache_for_live_server_tests(request: pytest.FixtureRequest) -> Any:
    """Live-server tests commit for real; rate-limit counters must not leak into the next test."""
    yield
    if "live_server" in request.fixturenames:
        from django.core.cache import cache

        cache.clear()


# --- Browser suite (Debian's Chromium driven by Playwright; never a downloaded browser) ------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium() -> Any:
    from playwright.sync_api import sync_playwright

    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not os.path.exists(path):
        pytest.fail(f"{path} not found: the browser suite needs Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# axe-core with the WCAG 2.2 A and AA rules, the level every page must meet.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
_axe: Any = None


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.2 A/AA violations on the page as it is now."""
    global _axe
    if _axe is None:
        from axe_playwright_python.sync_playwright import Axe

        _axe = Axe()
    violations: list[dict[str, Any]] = _axe.run(page, options=AXE_OPTIONS).response["violations"]
    return violations


def assert_accessible(page: Any, where: str = "") -> None:
    violations = axe_violations(page)
    assert not violations, (
        where,
        page.url,
        [(v["id"], [n["target"] for n in v["nodes"][:3]], v["help"]) for v in violations],
    )


@pytest.fixture
def browser_context(chromium: Any) -> Any:
    context = chromium.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    yield context
    context.close()


def sign_in_in_browser(page: Any, base_url: str, user: Any, totp_secret: str | None = None) -> None:
    """Sign in through the real forms, including the second-factor step for staff."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    if totp_secret:
        page.fill("input[name=code]", totp_now(totp_secret))
        page.click("main button[type=submit]")
        page.wait_for_load_state()


@pytest.fixture(autouse=True)
def _forget_in_process_booking_memory() -> Any:
    """Slot and office ids are reused between tests (rolled back): per-process memories of
    sold-out slots and office configuration must not carry over."""
    yield
    from imigrasi.appointments import actions, config, queries, views_booking

    actions._sold_out.clear()
    queries._alternatives.clear()
    config.clear()
    views_booking.forget_nearby()
    from imigrasi.assistant import actions as assistant

    assistant.forget_index()
