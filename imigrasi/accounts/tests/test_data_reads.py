"""A person sees who opened their data, as role and office, and only reads that happened."""

from __future__ import annotations

import uuid

import pytest

from imigrasi.applications.tests.conftest import make
from imigrasi.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(catalog, applicant):
    application = make("in_review", account=applicant.email)
    return application, application.documents.first()


def reads_about(person) -> int:
    return AuditEntry.objects.filter(action="personal_data.read", subject_id=person.pk).count()


def test_an_officer_is_shown_by_role_and_office_with_the_purpose_in_plain_words(
    staff_client, client, officer, applicant, sent
):
    application, _ = sent
    assert staff_client(officer).get(f"/staff/permohonan/{application.number}/").status_code == 200
    client.force_login(applicant)
    page = client.get("/akun/")
    reads = page.context["data_reads"]
    assert [(read.who, read.why) for read in reads] == [
        (f"Petugas, {officer.office.name}", "Memproses permohonan Anda")
    ]
    assert "user:" not in page.content.decode()


def test_refused_reads_are_not_recorded(
    staff_client, officer, other_office_officer, applicant, sent
):
    application, document = sent
    number = application.number
    attempts = [
        (officer, f"/permohonan/{number}/"),  # the owner's page: not for staff
        (officer, f"/api/v1/applications/{number}"),
        (officer, f"/permohonan/{number}/dokumen/berkas/{uuid.uuid4()}/"),
        (other_office_officer, f"/staff/permohonan/{number}/"),
        (other_office_officer, f"/permohonan/{number}/dokumen/berkas/{document.public_id}/"),
    ]
    for user, url in attempts:
        assert staff_client(user).get(url).status_code == 404, url
    assert reads_about(applicant) == 0


def test_a_scan_an_officer_opens_is_recorded_once(staff_client, officer, applicant, sent):
    application, document = sent
    url = f"/permohonan/{application.number}/dokumen/berkas/{document.public_id}/"
    assert staff_client(officer).get(url).status_code == 200
    entry = AuditEntry.objects.get(action="personal_data.read", subject_id=applicant.pk)
    assert entry.reason == "back office: document viewed"
    assert entry.actor_label == f"user:{officer.pk}:officer:{officer.office_id}"


def test_the_api_lists_the_same_reads_for_the_person_and_nobody_else(
    staff_client, client, officer, applicant, sent
):
    application, _ = sent
    assert staff_client(officer).get(f"/staff/permohonan/{application.number}/").status_code == 200
    client.force_login(applicant)
    answer = client.get("/api/v1/privacy/data-reads").json()
    assert [(read["who"], read["why"]) for read in answer] == [
        (f"Petugas, {officer.office.name}", "Memproses permohonan Anda")
    ]
    assert "user:" not in str(answer)
    # The officer's own list is about the officer, not about the applicant they served.
    assert staff_client(officer).get("/api/v1/privacy/data-reads").json() == []
