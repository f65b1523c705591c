"""Corrections of a sent application: asked by the applicant, decided by its office."""

from __future__ import annotations

import pytest
from django.urls import reverse

from imigrasi.applications.tests.conftest import make
from imigrasi.audit.models import AuditEntry
from imigrasi.privacy.models import CorrectionRequest, CorrectionStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(catalog, applicant):
    return make("in_review", account=applicant.email)


def ask(client, application, **overrides):
    data = {
        "application": application.number,
        "field": "place_of_birth",
        "new_value": "Kota Surakarta",
        "reason": "Salah ketik",
    } | overrides
    return client.post(reverse("privacy:correction"), data)


def test_an_applicant_asks_and_the_office_corrects_the_record(
    client, staff_client, applicant, officer, sent, django_capture_on_commit_callbacks
):
    client.force_login(applicant)
    assert ask(client, sent).status_code == 302
    correction = CorrectionRequest.objects.get()
    assert correction.status == CorrectionStatus.SUBMITTED
    staff = staff_client(officer)
    listing = staff.get(reverse("staff:corrections:list"))
    assert sent.display_number in listing.content.decode()
    url = reverse("staff:corrections:review", args=[correction.public_id])
    page = staff.get(url)
    assert "Kota Surakarta" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        decided = staff.post(url, {"decision": "approve", "note": ""})
    assert decided.status_code == 302
    sent.refresh_from_db()
    assert sent.answers["place_of_birth"] == "Kota Surakarta"
    assert sent.events.filter(kind="message").exists()
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.APPROVED and correction.reviewed_by == officer
    entry = AuditEntry.objects.get(action="privacy.correction_approved")
    assert "Surakarta" not in str(entry.after)


def test_a_value_the_application_would_refuse_is_refused_on_the_form(client, applicant, sent):
    client.force_login(applicant)
    response = ask(client, sent, field="nik", new_value="123")
    assert response.status_code == 200
    assert "new_value" in response.context["form"].errors
    assert not CorrectionRequest.objects.exists()


def test_a_rejection_needs_a_reason_and_changes_nothing(
    client, staff_client, applicant, officer, sent
):
    client.force_login(applicant)
    ask(client, sent)
    correction = CorrectionRequest.objects.get()
    staff = staff_client(officer)
    url = reverse("staff:corrections:review", args=[correction.public_id])
    assert "note" in staff.post(url, {"decision": "reject"}).context["form"].errors
    staff.post(url, {"decision": "reject", "note": "Akta kelahiran menulis Kota Solo."})
    correction.refresh_from_db()
    sent.refresh_from_db()
    assert correction.status == CorrectionStatus.REJECTED
    assert sent.answers.get("place_of_birth") != "Kota Surakarta"


def test_another_office_cannot_see_or_decide(
    client, staff_client, applicant, other_office_officer, sent
):
    client.force_login(applicant)
    ask(client, sent)
    correction = CorrectionRequest.objects.get()
    staff = staff_client(other_office_officer)
    url = reverse("staff:corrections:review", args=[correction.public_id])
    assert staff.get(url).status_code == 404
    assert staff.post(url, {"decision": "approve"}).status_code == 404
    assert sent.display_number not in staff.get(reverse("staff:corrections:list")).content.decode()


def test_the_api_takes_a_correction_and_names_a_bad_field(client, applicant, sent):
    from imigrasi.appointments.tests.test_api_booking import bearer

    body = {"application": sent.number, "field": "nik", "new_value": "12", "reason": "x"}
    bad = client.post(
        "/api/v1/privacy/corrections", body, content_type="application/json", **bearer(applicant)
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "new_value"
    body |= {"field": "place_of_birth", "new_value": "Kota Surakarta"}
    good = client.post(
        "/api/v1/privacy/corrections", body, content_type="application/json", **bearer(applicant)
    )
    assert good.status_code == 201
    again = client.post(
        "/api/v1/privacy/corrections", body, content_type="application/json", **bearer(applicant)
    )
    assert again.status_code == 409 and again.json()["code"] == "already_requested"
