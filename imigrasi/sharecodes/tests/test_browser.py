"""The share-code pages in a real browser, both languages, with axe-core (WCAG 2.2 AA):
create a code without JavaScript-only steps, see it, confirm a revocation, and an employer's
check with its error state and its result."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import assert_accessible, sign_in_in_browser
from imigrasi.sharecodes.models import ShareCode
from imigrasi.sharecodes.tests.conftest import grant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_share_code_pages_are_accessible(
    live_server: Any, browser_context: Any, catalog: None, applicant: Any
) -> None:
    grant(applicant)
    page = browser_context.new_page()
    sign_in_in_browser(page, live_server.url, applicant)
    page.goto(live_server.url + "/akun/kode-berbagi/buat/")
    page.click("main button[type=submit]")  # nothing chosen: the error state
    assert page.locator(".govuk-error-summary").count() == 1
    assert_accessible(page, "create (errors)")
    page.check("#id_purpose_0")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    share = ShareCode.objects.get()
    assert share.display_code in page.content()
    for language in ("id", "en"):
        page.context.add_cookies(
            [{"name": "imigrasi_lang", "value": language, "url": live_server.url}]
        )
        for path in ("/akun/kode-berbagi/", f"/akun/kode-berbagi/{share.public_id}/"):
            page.goto(live_server.url + path)
            assert_accessible(page, f"[{language}] {path}")
        page.goto(live_server.url + f"/akun/kode-berbagi/{share.public_id}/cabut/")
        assert_accessible(page, f"[{language}] revoke")

    checker = browser_context.new_page()
    checker.goto(live_server.url + "/cek-status-izin/")
    checker.fill("#id_organisation", "Toko Roti Sari")
    checker.fill("#id_share_code", "ZZZ-ZZZ-ZZZ")
    checker.fill("#id_date_of_birth", "1990-08-17")
    checker.click("main button[type=submit]")
    checker.wait_for_load_state()
    assert checker.locator(".govuk-error-summary").count() == 1
    assert_accessible(checker, "check (refused)")
    checker.fill("#id_share_code", share.display_code)
    checker.fill("#id_date_of_birth", "1990-08-17")
    checker.click("main button[type=submit]")
    checker.wait_for_load_state()
    assert checker.locator("#status").count() == 1
    assert_accessible(checker, "check (result)")

    page.goto(live_server.url + f"/akun/kode-berbagi/{share.public_id}/cabut/")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert share.display_code not in page.content()
