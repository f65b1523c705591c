"""/cek-status-izin/: the same answer as the API for employers without a client."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from imigrasi.audit.models import AuditEntry
from imigrasi.sharecodes.actions import do_revoke_share_code
from imigrasi.sharecodes.models import ShareCode, StatusCheck
from imigrasi.sharecodes.tests.conftest import BIRTH

URL = "/cek-status-izin/"


def post(client: Client, **fields: str) -> Any:
    data = {"organisation": "Toko Roti Sari", "share_code": "", "date_of_birth": ""} | fields
    return client.post(URL, data)


@pytest.mark.django_db
def test_the_page_is_linked_from_the_footer(english: Client) -> None:
    assert f'href="{URL}"'.encode() in english.get("/").content


@pytest.mark.django_db
def test_an_employer_checks_a_status_on_the_page(english: Client, share: ShareCode) -> None:
    response = post(english, share_code=share.display_code.lower(), date_of_birth="17-08-1990")
    text = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-xl" id="status">Valid</h1>' in text
    assert "May work for any employer" in text
    assert "OLIVIA" not in text and "PA1234567" not in text
    check = StatusCheck.objects.get()
    assert (check.channel, check.organisation, check.outcome) == ("web", "Toko Roti Sari", "valid")
    assert AuditEntry.objects.filter(actor_label="sharecode:web").count() == 1


@pytest.mark.django_db
def test_the_form_errors_name_each_field(english: Client, db: None) -> None:
    response = english.post(URL, {"share_code": "123"})
    text = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_organisation">Enter the name of your organisation.' in text
    assert 'href="#id_share_code">Enter the share code as it was given to you' in text
    assert 'href="#id_date_of_birth">Enter the person&#x27;s date of birth.' in text
    assert '<p id="id_share_code-error" class="govuk-error-message">' in text


@pytest.mark.django_db
def test_every_refusal_reads_the_same_on_the_page(
    english: Client, applicant: Any, share: ShareCode
) -> None:
    wrong_code = post(english, share_code="ZZZ-ZZZ-ZZZ", date_of_birth="1990-08-17")
    wrong_birth = post(english, share_code=share.code, date_of_birth="1990-08-18")
    do_revoke_share_code(share, applicant)
    revoked = post(english, share_code=share.code, date_of_birth="1990-08-17")
    pages = [wrong_code, wrong_birth, revoked]
    assert {page.status_code for page in pages} == {200}
    bodies = {_main(page.content.decode()) for page in pages}
    assert len(bodies) == 1
    assert "We cannot show a status for these details" in bodies.pop()


def _main(html: str) -> str:
    """The page's main content without the per-response CSRF token and the echoed input."""
    import re

    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r'value="[^"]*"', "", main)


@pytest.mark.django_db
def test_the_page_is_rate_limited_per_address(
    english: Client, share: ShareCode, settings: Any
) -> None:
    settings.SHARE_CODE_WEB_CHECK_RATE = "2/m/ip"
    for _ in range(2):
        assert post(english, share_code=share.code, date_of_birth="1990-08-17").status_code == 200
    limited = post(english, share_code=share.code, date_of_birth="1990-08-17")
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert b"Too many checks from your connection" in limited.content
    assert StatusCheck.objects.count() == 2


@pytest.mark.django_db
def test_the_page_and_the_api_use_the_same_rule(
    english: Client, share: ShareCode, bearer: str
) -> None:
    post(english, share_code=share.code, date_of_birth=(BIRTH + dt.timedelta(1)).isoformat())
    api = Client().post(
        "/api/v1/status-checks",
        {"share_code": share.code, "date_of_birth": BIRTH.isoformat()},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {bearer}",
    )
    assert api.status_code == 200
    assert list(StatusCheck.objects.order_by("checked_at").values_list("channel", "outcome")) == [
        ("web", "wrong_date_of_birth"),
        ("api", "valid"),
    ]
