"""The back office: office isolation, claiming, decisions with reasons, SLA breaches."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from imigrasi.applications import actions
from imigrasi.applications.demo import specimen_scan
from imigrasi.applications.models import Application
from imigrasi.applications.tests.conftest import make
from imigrasi.applications.workflow import Status
from imigrasi.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(catalog, applicant):
    return make("in_review", account=applicant.email)


def test_officers_see_only_their_office_queue(
    in_review, officer, other_office_officer, staff_client
):
    assert (
        in_review.display_number.encode() in staff_client(officer).get("/staff/permohonan/").content
    )
    other = staff_client(other_office_officer)
    assert in_review.display_number.encode() not in other.get("/staff/permohonan/").content
    assert other.get(f"/staff/permohonan/{in_review.number}/").status_code == 404


def test_applicants_and_anonymous_have_no_back_office(in_review, applicant, client):
    assert client.get("/staff/permohonan/").status_code == 302
    client.force_login(applicant)
    assert client.get("/staff/permohonan/").status_code == 403


def test_opening_an_application_is_an_audited_read_of_personal_data(
    in_review, officer, staff_client, applicant
):
    response = staff_client(officer).get(f"/staff/permohonan/{in_review.number}/")
    assert response.status_code == 200
    assert b"SITI RAHMAWATI" in response.content
    entry = AuditEntry.objects.filter(action="personal_data.read", actor_id=officer.pk).last()
    assert entry is not None and entry.subject_id == applicant.pk


def test_the_queue_filters_by_status_and_service(catalog, officer, staff_client):
    make("in_review", account="a@example.id")
    make(
        "awaiting_visit",
        account="b@example.id",
        nik="3171074211950001",
        name="DEWI ANGGRAINI",
        birth="1995-11-02",
    )
    client = staff_client(officer)
    visit = client.get("/staff/permohonan/", {"status": "awaiting_visit"})
    assert [a.status for a in visit.context["page"]] == [Status.AWAITING_VISIT]
    none = client.get("/staff/permohonan/", {"service": "visa-c1"})
    assert list(none.context["page"]) == []


def test_two_officers_cannot_claim_the_same_application(in_review, officer, supervisor):
    actions.do_claim(in_review, officer)
    with pytest.raises(actions.Conflict):
        actions.do_claim(in_review, supervisor)


def test_an_officer_acting_on_a_stale_page_is_told_someone_else_acted(
    in_review, officer, supervisor
):
    seen = in_review.version
    actions.do_officer_action(in_review, supervisor, "accept_documents", expected_version=seen)
    in_review.refresh_from_db()
    with pytest.raises(actions.Conflict):
        actions.do_officer_action(
            in_review,
            officer,
            "reject",
            expected_version=seen,
            message="x",
            rejection_reason="data_mismatch",
        )
    assert Application.objects.get(pk=in_review.pk).status == Status.AWAITING_VISIT


def test_asking_for_documents_then_the_applicant_answers_in_the_same_application(
    in_review, officer, applicant, staff_client, client, django_capture_on_commit_callbacks
):
    staff = staff_client(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            f"/staff/permohonan/{in_review.number}/tindakan/request_documents/",
            {
                "version": in_review.version,
                "message": "Foto e-KTP buram.",
                "requirement_codes": ["ektp"],
            },
        )
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == Status.DOCUMENTS_REQUESTED
    assert any("Foto e-KTP buram." in m.body for m in mail.outbox)  # notified

    client.force_login(applicant)
    page = client.get(f"/permohonan/{in_review.number}/")
    assert "Foto e-KTP buram." in page.content.decode()
    # Answering before re-uploading the requested document is refused.
    client.post(f"/permohonan/{in_review.number}/jawab/", {"note": "Sudah"})
    in_review.refresh_from_db()
    assert in_review.status == Status.DOCUMENTS_REQUESTED
    actions.do_upload_document(in_review, "ektp", specimen_scan("KTP jelas"), applicant)
    client.post(f"/permohonan/{in_review.number}/jawab/", {"note": "Sudah saya unggah ulang"})
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW
    assert in_review.documents.get(requirement_code="ektp", is_current=True).version == 2


def test_rejection_needs_a_reason_code_and_a_message(in_review, officer, staff_client):
    client = staff_client(officer)
    url = f"/staff/permohonan/{in_review.number}/tindakan/reject/"
    client.post(url, {"version": in_review.version, "message": ""})
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW
    client.post(
        url,
        {
            "version": in_review.version,
            "message": "Data tidak cocok.",
            "rejection_reason": "data_mismatch",
        },
    )
    in_review.refresh_from_db()
    assert in_review.status == Status.REJECTED
    assert in_review.rejection_reason == "data_mismatch"


def test_illegal_steps_are_refused_without_a_500(in_review, officer, staff_client):
    response = staff_client(officer).post(
        f"/staff/permohonan/{in_review.number}/tindakan/approve/",
        {"version": in_review.version},
    )
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW


def test_supervisors_see_applications_past_their_completion_time(
    in_review, supervisor, officer, staff_client
):
    Application.objects.filter(pk=in_review.pk).update(due_at=timezone.now() - dt.timedelta(days=1))
    response = staff_client(supervisor).get("/staff/permohonan/lewat-waktu/")
    assert in_review in list(response.context["applications"])
    assert staff_client(officer).get("/staff/permohonan/lewat-waktu/").status_code == 403


def test_a_supervisor_assigns_within_the_office_only(
    in_review, supervisor, officer, other_office_officer, staff_client
):
    client = staff_client(supervisor)
    client.post(
        f"/staff/permohonan/{in_review.number}/tugaskan/", {"officer": other_office_officer.pk}
    )
    in_review.refresh_from_db()
    assert in_review.assigned_to is None
    client.post(f"/staff/permohonan/{in_review.number}/tugaskan/", {"officer": officer.pk})
    in_review.refresh_from_db()
    assert in_review.assigned_to == officer
