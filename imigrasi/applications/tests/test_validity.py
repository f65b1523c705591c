"""A granted visa or stay permit carries real validity dates, from the catalog, everywhere."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from imigrasi.applications.demo import VISITOR_MRZ
from imigrasi.applications.models import Application
from imigrasi.applications.numbers import display_number
from imigrasi.applications.tests.conftest import make
from imigrasi.applications.validity import add_years, grant_validity
from imigrasi.credentials.actions import verify_code
from imigrasi.credentials.models import IssuedCredential
from imigrasi.credentials.presentation import verdict_for

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)
FOREIGNER: dict[str, Any] = {"nik": "", "name": "", "birth": "", "sex": "", "mrz": VISITOR_MRZ}


def draft(service: str, variant: str = "") -> Application:
    application = make("draft", account="visitor@example.jp", service=service, **FOREIGNER)
    application.variant_code = variant
    return application


def test_adding_years_to_the_29th_of_february_lands_on_the_28th() -> None:
    assert add_years(dt.date(2028, 2, 29), 1) == dt.date(2029, 2, 28)
    assert add_years(dt.date(2026, 3, 2), 5) == dt.date(2031, 3, 2)


def test_an_evoa_must_be_used_within_90_days_and_covers_a_30_day_stay_after(
    catalog: None,
) -> None:
    validity = grant_validity(draft("evoa"), DAY)
    assert validity is not None
    assert validity.valid_from == DAY
    assert validity.enter_by == DAY + dt.timedelta(days=89)
    assert validity.stay_days == 30
    assert validity.valid_until == validity.enter_by + dt.timedelta(days=29)


def test_a_c1_visa_gives_a_60_day_stay_after_entry(catalog: None) -> None:
    validity = grant_validity(draft("visa-c1"), DAY)
    assert validity is not None and validity.stay_days == 60
    assert validity.valid_until == DAY + dt.timedelta(days=89 + 59)


def test_a_multiple_entry_visa_lasts_the_years_of_the_chosen_option(catalog: None) -> None:
    validity = grant_validity(draft("visa-d1", "2-tahun"), DAY)
    assert validity is not None
    assert validity.valid_until == dt.date(2028, 3, 1)
    assert validity.enter_by == DAY + dt.timedelta(days=89) and validity.stay_days == 60


def test_an_itas_without_options_lasts_the_services_period_and_itap_its_option(
    catalog: None,
) -> None:
    remote_worker = grant_validity(draft("visa-e33g"), DAY)
    assert remote_worker is not None and remote_worker.valid_until == dt.date(2027, 3, 1)
    permanent = grant_validity(draft("itap", "10-tahun"), DAY)
    assert permanent is not None and permanent.valid_until == dt.date(2036, 3, 1)
    assert grant_validity(draft("itap"), DAY).valid_until == dt.date(2031, 3, 1)  # type: ignore[union-attr]


def test_a_passport_has_no_grant_validity(catalog: None, applicant: Any) -> None:
    assert grant_validity(make("draft", account=applicant.email), DAY) is None


def test_an_extension_starts_the_day_after_the_current_permit_and_lasts_as_long(
    catalog: None,
) -> None:
    spouse_visa = make(
        "approved",
        account="hiroshi@example.jp",
        service="visa-e31a",
        sponsor_name="RATNA DEWI",
        sponsor_nik="3174054505900002",
        **FOREIGNER,
    )
    current = IssuedCredential.objects.get(reference=spouse_visa.number)
    assert current.valid_until == add_years(current.valid_from, 2) - dt.timedelta(days=1)  # type: ignore[arg-type]
    extension = make(
        "approved",
        account="hiroshi@example.jp",
        service="itas-perpanjangan",
        current_permit_number=display_number(spouse_visa.number),
        **FOREIGNER,
    )
    extended = IssuedCredential.objects.get(reference=extension.number)
    assert extended.document_type == "itas"
    assert current.valid_until is not None
    assert extended.valid_from == current.valid_until + dt.timedelta(days=1)
    assert extended.valid_until - extended.valid_from == current.valid_until - current.valid_from  # type: ignore[operator]


def test_an_extension_naming_someone_elses_permit_starts_today(catalog: None) -> None:
    other = make("approved", account="other@example.jp", service="visa-c1", **FOREIGNER)
    extension = draft("evoa-perpanjangan")
    extension.answers = {"current_permit_number": display_number(other.number)}
    validity = grant_validity(extension, DAY)
    assert validity is not None
    assert (validity.valid_from, validity.valid_until) == (DAY, DAY + dt.timedelta(days=29))


def test_the_signed_document_the_applicant_page_and_the_check_show_the_dates(
    catalog: None, applicant: Any, client: Any
) -> None:
    application = make("approved", account=applicant.email, service="visa-c1", **FOREIGNER)
    today = timezone.localdate()
    credential = IssuedCredential.objects.get(reference=application.number)
    until = today + dt.timedelta(days=89 + 59)
    assert (credential.valid_from, credential.valid_until) == (today, until)

    client.force_login(applicant)
    client.cookies["imigrasi_lang"] = "en"
    page = client.get(f"/permohonan/{application.number}/").content.decode()
    assert "Valid until" in page and until.strftime("%-d %B %Y") in page
    assert "Enter Indonesia by" in page
    assert (today + dt.timedelta(days=89)).strftime("%-d %B %Y") in page
    assert "60 days from the entry stamp" in page

    verdict = verdict_for(verify_code(credential.code), today)
    assert verdict.valid
    assert dict(verdict.facts)["Valid until"] == until.strftime("%-d %B %Y")
    checked = client.post("/verifikasi/", {"code": credential.code}).content.decode()
    assert "Valid until" in checked and until.strftime("%-d %B %Y") in checked
