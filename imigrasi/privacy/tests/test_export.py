"""A person gets a full copy of their data within minutes: JSON, a readable PDF, documents."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.core import mail
from django.urls import reverse

from conftest import TEST_PASSWORD
from imigrasi.applications.documents import read_decrypted
from imigrasi.applications.tests.conftest import make
from imigrasi.audit.models import AuditEntry
from imigrasi.privacy.models import DataExport, ExportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(catalog, applicant):
    return make("in_review", account=applicant.email)


def prepared(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:request_export"))
    assert response.status_code == 302
    return DataExport.objects.get()


def test_the_copy_holds_the_data_a_summary_and_the_documents(
    client, applicant, sent, django_capture_on_commit_callbacks
):
    client.force_login(applicant)
    export = prepared(client, django_capture_on_commit_callbacks)
    assert export.status == ExportStatus.READY and export.expires_at
    assert any("siap" in m.subject.lower() or "ready" in m.subject.lower() for m in mail.outbox)
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    response = client.get(reverse("privacy:download_export", args=[export.public_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("data.json"))
    assert data["account"]["email"] == applicant.email
    assert [a["number"] for a in data["applications"]] == [sent.number]
    person = data["people"][0]
    assert person["nik"] == sent.person.nik and person["full_name"] == sent.person.full_name
    assert data["consents"][0]["notice_version"]
    assert archive.read("ringkasan.pdf").startswith(b"%PDF")
    document = sent.documents.first()
    listed = data["applications"][0]["documents"][0]
    assert archive.read(listed["file"]) == read_decrypted(document)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"privacy.export_requested", "privacy.export_ready", "privacy.export_downloaded"} <= (
        actions
    )


def test_the_stored_copy_is_encrypted(client, applicant, sent, django_capture_on_commit_callbacks):
    from django.core.files.storage import storages

    client.force_login(applicant)
    export = prepared(client, django_capture_on_commit_callbacks)
    with storages["documents"].open(export.storage_name, "rb") as handle:
        stored = handle.read()
    assert not stored.startswith(b"PK") and applicant.email.encode() not in stored


def test_downloading_asks_for_the_password_again(
    client, applicant, sent, django_capture_on_commit_callbacks
):
    client.force_login(applicant)
    export = prepared(client, django_capture_on_commit_callbacks)
    response = client.get(reverse("privacy:download_export", args=[export.public_id]))
    assert response.status_code == 302
    assert reverse("account_reauthenticate") in response["Location"]


def test_nobody_else_can_download_a_copy(
    client, applicant, other_applicant, sent, django_capture_on_commit_callbacks
):
    client.force_login(applicant)
    export = prepared(client, django_capture_on_commit_callbacks)
    client.force_login(other_applicant)
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    assert (
        client.get(reverse("privacy:download_export", args=[export.public_id])).status_code == 404
    )
    from imigrasi.appointments.tests.test_api_booking import bearer

    api = client.post(
        f"/api/v1/privacy/exports/{export.public_id}/download",
        {"password": TEST_PASSWORD},
        content_type="application/json",
        **bearer(other_applicant),
    )
    assert api.status_code == 404


def test_the_api_prepares_and_serves_the_copy(
    client, applicant, sent, django_capture_on_commit_callbacks
):
    from imigrasi.appointments.tests.test_api_booking import bearer

    headers = bearer(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post("/api/v1/privacy/exports", **headers)
    assert created.status_code == 202
    listed = client.get("/api/v1/privacy/exports", **headers).json()
    assert listed[0]["status"] == "ready"
    url = f"/api/v1/privacy/exports/{listed[0]['id']}/download"
    wrong = client.post(url, {"password": "bukan ini"}, content_type="application/json", **headers)
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "password"
    download = client.post(
        url, {"password": TEST_PASSWORD}, content_type="application/json", **headers
    )
    assert download.status_code == 200
    assert "data.json" in zipfile.ZipFile(io.BytesIO(download.content)).namelist()


def test_the_copy_lists_registry_checks_and_issued_documents_without_the_code(catalog, applicant):
    from imigrasi.applications.demo import VISITOR_MRZ
    from imigrasi.credentials.models import IssuedCredential
    from imigrasi.privacy.export import build_archive, collect

    passport = make("in_review", account=applicant.email)
    visa = make(
        "approved",
        account=applicant.email,
        service="visa-c1",
        nik="",
        name="",
        birth="",
        sex="",
        mrz=VISITOR_MRZ,
    )
    credential = IssuedCredential.objects.get(reference=visa.number)
    data = collect(applicant)
    [check] = data["registry_checks"]
    assert check["application"] == passport.number and check["outcome"] == "pending"
    assert check["what_was_checked"] == {
        "nik": "3174055204910003",
        "name": "SITI RAHMAWATI",
        "birth_date": "1991-04-12",
    }
    [document] = data["issued_documents"]
    assert document["document_type"] == "evisa" and document["revoked"] is False
    assert document["valid_until"] == credential.valid_until
    assert "code" not in document and "key_id" not in document
    archive = zipfile.ZipFile(io.BytesIO(build_archive(applicant)))
    text = archive.read("data.json").decode()
    assert credential.code not in text and credential.key_id not in text


def test_the_copy_holds_share_codes_survey_answers_and_complaints_but_nothing_anonymous(
    catalog, applicant
):
    from imigrasi.applications.demo import VISITOR_MRZ
    from imigrasi.catalog.models import Office
    from imigrasi.complaints.actions import Filing, do_file_complaint
    from imigrasi.credentials.models import IssuedCredential
    from imigrasi.feedback.actions import do_submit_response
    from imigrasi.feedback.tests.conftest import invite
    from imigrasi.privacy.export import collect
    from imigrasi.sharecodes.actions import Verifier, do_check_status, do_create_share_code
    from imigrasi.sharecodes.models import Channel

    visa = make(
        "approved", account=applicant.email, service="visa-c1", nik="", name="", birth="",
        sex="", mrz=VISITOR_MRZ,
    )  # fmt: skip
    credential = IssuedCredential.objects.get(reference=visa.number)
    share = do_create_share_code(applicant, credential, "employment", 30)
    birth = dt.date.fromisoformat(visa.person.date_of_birth)
    do_check_status(share.code, birth, Verifier(Channel.WEB, "PT Maju"))
    scores = {f"u{i}": 3 for i in range(1, 10)}
    do_submit_response(invite(account=applicant)[0], {**scores, "suggestion": "Antrean lama"},
                       anonymous=False)  # fmt: skip
    do_submit_response(invite(account=applicant, reference="second")[0], scores, anonymous=True)
    office = Office.objects.get(code="kanim-jakarta-selatan")
    mine, _secret = do_file_complaint(
        Filing("pelayanan-paspor", office, "Petugas loket tidak ramah."), account=applicant
    )
    do_file_complaint(
        Filing("pelayanan-paspor", office, "Tanpa identitas.", anonymous=True), account=applicant
    )

    data = collect(applicant)

    [shared] = data["share_codes"]
    assert shared["purpose"] == "employment" and shared["application"] == visa.number
    assert [(c["organisation"], c["outcome"]) for c in shared["checks"]] == [("PT Maju", "valid")]
    [answer] = data["survey_answers"]  # the anonymous one is not linked to anybody
    assert answer["suggestion"] == "Antrean lama" and answer["scores"]["u5"] == 3
    [complaint] = data["complaints"]  # so is the anonymous complaint
    assert complaint["tracking_number"] == mine.number
    assert complaint["description"] == "Petugas loket tidak ramah."
