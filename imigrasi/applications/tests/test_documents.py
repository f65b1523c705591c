"""Uploads through the web page: checked by content, scanned, encrypted, versioned, audited."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imigrasi.applications.demo import specimen_scan
from imigrasi.applications.models import Document
from imigrasi.applications.tests.conftest import make
from imigrasi.audit.models import AuditEntry
from imigrasi.lib.virus_scan import eicar_test_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(catalog, applicant, client):
    client.force_login(applicant)
    return make("draft", account=applicant.email)


def upload(client, application, requirement, name, content, content_type="image/png"):
    return client.post(
        f"/permohonan/{application.number}/dokumen/unggah/{requirement}/",
        {f"{requirement}-file": SimpleUploadedFile(name, content, content_type=content_type)},
    )


def test_a_clean_scan_is_stored_encrypted_and_replaced_by_a_new_version(draft, client, settings):
    response = upload(client, draft, "ektp", "ktp.png", specimen_scan("KTP"))
    assert response.status_code == 302
    first = Document.objects.get(application=draft, requirement_code="ektp")
    stored = Path(settings.STORAGES["documents"]["OPTIONS"]["location"], first.storage_name)
    raw = stored.read_bytes()
    assert raw.startswith(b"IMD1") and b"PNG" not in raw[:64] and b"IHDR" not in raw
    upload(client, draft, "ektp", "ktp2.png", specimen_scan("KTP 2"))
    versions = list(
        Document.objects.filter(application=draft, requirement_code="ektp")
        .order_by("version")
        .values_list("version", "is_current")
    )
    assert versions == [(1, False), (2, True)]
    view = client.get(f"/permohonan/{draft.number}/dokumen/berkas/{first.public_id}/")
    assert view.status_code == 200 and view.content.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.pdf", None, "virus"),
        ("photo.jpg", b"GIF89a" + b"\x00" * 100, "JPG, PNG"),
        ("ktp.png", b"", "kosong"),
    ],
)
def test_bad_files_are_refused_with_a_translated_message_naming_the_field(
    draft, client, name, content, message
):
    data = eicar_test_file() if content is None else content
    response = upload(client, draft, "ektp", name, data or b" ")
    assert response.status_code == 400
    assert not Document.objects.filter(application=draft).exists()
    assert b"govuk-error-summary" in response.content
    assert b'href="#id_ektp-file"' in response.content


def test_a_polyglot_is_refused(draft, client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.html", "<script>alert(1)</script>")
    response = upload(client, draft, "ektp", "ktp.png", specimen_scan("KTP") + buffer.getvalue())
    assert response.status_code == 400
    assert not Document.objects.filter(application=draft).exists()


def test_malware_is_refused_and_audited(draft, applicant):
    from imigrasi.applications import actions

    with pytest.raises(actions.ApplicationError) as caught:
        actions.do_upload_document(draft, "ektp", eicar_test_file(), applicant)
    assert caught.value.code == "upload_infected"
    assert AuditEntry.objects.filter(action="document.malware_refused").exists()


def test_eicar_inside_an_otherwise_valid_pdf_is_caught_by_the_scanner(draft, applicant):
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    from imigrasi.applications import actions

    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    stream = DecodedStreamObject()
    stream.set_data(b"% " + eicar_test_file() + b"\n")  # a comment in the page's content
    page[NameObject("/Contents")] = writer._add_object(stream)
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(actions.ApplicationError):
        actions.do_upload_document(draft, "ektp", buffer.getvalue(), applicant)
    assert not Document.objects.filter(application=draft).exists()


def test_documents_of_others_are_not_found(draft, client, other_applicant):
    upload(client, draft, "ektp", "ktp.png", specimen_scan("KTP"))
    document = Document.objects.get(application=draft)
    client.force_login(other_applicant)
    assert client.get(f"/permohonan/{draft.number}/dokumen/").status_code == 404
    assert (
        client.get(f"/permohonan/{draft.number}/dokumen/berkas/{document.public_id}/").status_code
        == 404
    )


def test_an_officer_of_the_office_sees_the_scan_and_the_read_is_audited(
    catalog, applicant, officer, other_office_officer, staff_client
):
    application = make("in_review", account=applicant.email)
    document = application.documents.first()
    url = f"/permohonan/{application.number}/dokumen/berkas/{document.public_id}/"
    response = staff_client(officer).get(url)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert AuditEntry.objects.filter(
        action="personal_data.read", actor_id=officer.pk, subject_id=applicant.pk
    ).exists()
    assert staff_client(other_office_officer).get(url).status_code == 404
