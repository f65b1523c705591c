"""A full journey per service family in a real browser, axe-checked on every page.

The applicant finds the service, answers one question per page, uploads scans, checks the
answers, declares and sends; the payment simulator (a separate process) issues the billing code
and, once paid, calls the platform back: the application page changes without a reload.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from conftest import assert_accessible, sign_in_in_browser
from imigrasi.applications.demo import specimen_scan
from imigrasi.applications.tests.test_api_journey import PASSPORT_ANSWERS, VISA_ANSWERS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Journey:
    def __init__(self, page: Any) -> None:
        self.page = page
        self.checked: list[str] = []

    def check(self) -> None:
        assert_accessible(self.page)
        self.checked.append(self.page.url)

    def submit(self) -> None:
        self.page.click("main form button[type=submit] >> nth=-1")
        self.page.wait_for_load_state()


def answer_question_pages(journey: Journey, answers: dict[str, str]) -> None:
    page = journey.page
    while "/pertanyaan/" in page.url:
        journey.check()
        key = page.url.rstrip("/").split("/")[-1]
        value = answers[key]
        if page.locator("input[type=radio][name=value]").count():
            page.locator(f"input[type=radio][name=value][value='{value}']").check()
        else:
            page.fill("[name=value]", value)
        journey.submit()
        assert "govuk-error-summary" not in page.content(), (key, page.url)


def test_passport_and_visa_journeys_in_the_browser(
    live_server, settings, gateway, catalog, applicant, browser_context
):
    settings.PUBLIC_BASE_URL = live_server.url
    page = browser_context.new_page()
    journey = Journey(page)
    sign_in_in_browser(page, live_server.url, applicant)

    # 1. Find the service with the eligibility questions.
    page.goto(f"{live_server.url}/permohonan/layanan-yang-tepat/")
    for value in ("yes", "yes", "never"):
        journey.check()
        page.locator(f"input[type=radio][value='{value}']").check()
        page.click("main button[type=submit]")
        page.wait_for_load_state()
    journey.check()
    page.click("a.govuk-button--start")
    page.wait_for_load_state()

    # 2. Who is it for, then one question per page (a wrong NIK first: the error is shown).
    journey.check()
    page.locator("input[type=radio][value='new:self']").check()
    journey.submit()
    answers = dict(PASSPORT_ANSWERS)
    while "/pertanyaan/" in page.url and not page.url.rstrip("/").endswith("/nik"):
        key = page.url.rstrip("/").split("/")[-1]
        radio = page.locator(f"input[type=radio][name=value][value='{answers[key]}']")
        radio.check() if radio.count() else page.fill("[name=value]", answers[key])
        journey.submit()
    page.fill("[name=value]", "3174051204910003")  # a man's NIK for a woman: refused
    journey.submit()
    assert page.locator(".govuk-error-summary").count() == 1
    journey.check()  # the error state is accessible too
    answer_question_pages(journey, answers)

    # 3. Documents, check your answers, declaration, send.
    code = documents_check_and_send(journey, expected_total="Rp950.000")

    # 4. Paying at the simulator updates the open page without a reload (live polling).
    httpx.post(f"{gateway['url']}/v1/bills/{code}/pay", json={"channel": "BNI Mobile"})
    # A locator wait, not wait_for_function: our CSP forbids the eval that would need.
    page.locator("[data-field=status_label]", has_text="diperiksa").wait_for(timeout=25_000)
    assert page.locator("[data-field=updated-notice]").is_visible()
    journey.check()

    # 5. A visa and a stay permit: the MRZ fills the passport details.
    for service, answers, total in [
        ("evoa", VISA_ANSWERS, "Rp500.000"),
        ("itas-perpanjangan", {**VISA_ANSWERS, "current_permit_number": "2C21JE1234-W"}, None),
    ]:
        page.goto(f"{live_server.url}/layanan/{service}/")
        journey.check()
        page.click("a.govuk-button--start")
        page.wait_for_load_state()
        page.locator("input[type=radio][name=who]").first.check()
        journey.submit()
        answer_question_pages(journey, dict(answers))
        documents_check_and_send(journey, expected_total=total, expect_text="OLIVIA JANE SMITH")
    assert len(journey.checked) > 40


def documents_check_and_send(
    journey: Journey, expected_total: str | None, expect_text: str = ""
) -> str:
    page = journey.page
    assert "/dokumen/" in page.url, page.url
    journey.check()
    for index in range(page.locator("input[type=file]").count()):
        upload = page.locator("input[type=file]").nth(index)
        upload.set_input_files(
            files=[
                {"name": "scan.png", "mimeType": "image/png", "buffer": specimen_scan("SPECIMEN")}
            ]
        )
        upload.locator("xpath=ancestor::form").locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert "govuk-error-summary" not in page.content()
    journey.check()
    page.click("main a[href$='/periksa/']")
    page.wait_for_load_state()
    journey.check()
    if expected_total:
        assert expected_total in page.content()
    if expect_text:
        assert expect_text in page.content()
    page.check("[name=declaration]")
    journey.submit()
    journey.check()
    code = page.locator(".imd-billing-code").inner_text().strip()
    assert len(code) == 15 and code.isdigit()
    return code
