"""Filing and tracking a complaint on the website, with and without an account."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from imigrasi.audit.models import AuditEntry
from imigrasi.complaints import actions
from imigrasi.complaints.models import Complaint, ComplaintAttachment, ComplaintResponse
from imigrasi.complaints.tests.conftest import DESCRIPTION, filing, form_data

pytestmark = pytest.mark.django_db

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), "white").save(buffer, "PNG")
    return buffer.getvalue()


def file_complaint(client: Any, office: Any, **overrides: Any) -> Any:
    return client.post("/pengaduan/kirim/", form_data(office, **overrides))


def test_a_visitor_without_an_account_files_a_complaint_and_sees_its_number_and_secret(
    client: Any, office: Any
) -> None:
    response = file_complaint(client, office)
    assert response.status_code == 302 and response["Location"] == "/pengaduan/terkirim/"
    complaint = Complaint.objects.get()
    assert complaint.account is None and complaint.source == "web"
    assert complaint.status == "received" and complaint.due_on is not None
    page = client.get("/pengaduan/terkirim/").content.decode()
    assert complaint.display_number in page
    secret = client.session["complaint_receipt"]["secret"]
    assert secret in page
    tracked = client.post(
        "/pengaduan/lacak/", {"number": complaint.display_number, "secret": secret}
    )
    assert tracked.status_code == 200 and 'id="complaint-status"' in tracked.content.decode()


def test_a_signed_in_applicants_complaint_is_linked_to_their_account(
    client: Any, office: Any, applicant: Any
) -> None:
    client.force_login(applicant)
    file_complaint(client, office)
    complaint = Complaint.objects.get()
    assert complaint.account == applicant
    assert complaint.display_number in client.get("/pengaduan/").content.decode()
    assert client.get(f"/pengaduan/saya/{complaint.number}/").status_code == 200


def test_an_anonymous_complaint_stores_no_identity_even_when_signed_in(
    client: Any, office: Any, applicant: Any
) -> None:
    client.force_login(applicant)
    response = file_complaint(
        client, office, anonymous="on", contact_name="", contact_email="", contact_phone=""
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.account is None and complaint.anonymous and complaint.confidential
    assert (complaint.contact_name, complaint.contact_email, complaint.contact_phone) == (
        "",
        "",
        "",
    )


def test_anonymous_with_contact_details_is_refused_with_a_message_naming_the_field(
    client: Any, office: Any
) -> None:
    response = file_complaint(client, office, anonymous="on")
    assert response.status_code == 200
    assert "leave your name and contact details empty" in response.content.decode()
    assert 'href="#id_contact_name"' in response.content.decode()
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"MZ\x90\x00 not a scan at all", "The file must be a JPG, PNG or PDF."),
        (EICAR, "The file contains a virus and was refused."),
        (png() + b"PK\x03\x04" + b"\x00" * 40, "The file hides another file inside it."),
    ],
    ids=["executable", "virus", "polyglot"],
)
def test_a_hostile_upload_is_refused_with_a_clear_message_and_nothing_is_stored(
    client: Any, office: Any, content: bytes, message: str, tmp_path: Any, settings: Any
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    data = form_data(office, attachments=SimpleUploadedFile("scan.png", content, "image/png"))
    response = client.post("/pengaduan/kirim/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Complaint.objects.exists() and not ComplaintAttachment.objects.exists()
    assert not any(tmp_path.rglob("*.enc"))


def test_a_clean_attachment_is_stored_encrypted(
    client: Any, office: Any, tmp_path: Any, settings: Any
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    image = png()
    data = form_data(office, attachments=SimpleUploadedFile("x.png", image, "image/png"))
    assert client.post("/pengaduan/kirim/", data).status_code == 302
    attachment = ComplaintAttachment.objects.get()
    with storages["documents"].open(attachment.storage_name, "rb") as handle:
        assert b"PNG" not in handle.read()[:16]
    assert actions.read_attachment(attachment).startswith(b"\x89PNG")


def test_a_flood_from_one_address_gets_a_translated_429_and_nothing_is_stored_twice(
    client: Any, office: Any, settings: Any
) -> None:
    settings.COMPLAINT_RATE = "3/h/ip"
    codes = [
        file_complaint(client, office, client_token=f"00000000-0000-4000-8000-00000000000{i}")
        for i in range(5)
    ]
    assert [r.status_code for r in codes] == [302, 302, 302, 429, 429]
    assert "Too many complaints were sent from your connection" in codes[-1].content.decode()
    assert codes[-1]["Retry-After"]
    assert Complaint.objects.count() == 3


def test_a_double_submitted_form_is_stored_once_and_shows_the_same_receipt(
    client: Any, office: Any
) -> None:
    first = file_complaint(client, office)
    second = file_complaint(client, office)
    assert first.status_code == second.status_code == 302
    assert Complaint.objects.count() == 1
    assert Complaint.objects.get().number in client.session["complaint_receipt"]["number"]


def test_tracking_needs_the_secret_or_the_email_and_shows_answers_but_not_notes(
    client: Any, office: Any, officer: Any
) -> None:
    complaint, secret = actions.do_file_complaint(filing(office))
    assert secret is not None
    actions.do_change_status(complaint, officer, "verified", version=1)
    actions.do_add_note(complaint, officer, "Catatan internal: cek CCTV loket 3.")
    ComplaintResponse.objects.create(
        complaint=complaint, author=officer, text="Kami mohon maaf.", status_after="verified"
    )
    number = complaint.display_number
    wrong = client.post("/pengaduan/lacak/", {"number": number, "secret": "AAAA-BBBB"})
    assert wrong.status_code == 200 and "No complaint matches" in wrong.content.decode()
    assert "complaint-status" not in wrong.content.decode()
    for proof in (secret, secret.lower().replace("-", ""), "Rahmat@Example.id"):
        page = client.post("/pengaduan/lacak/", {"number": number, "secret": proof})
        text = page.content.decode()
        assert "Kami mohon maaf." in text and "CCTV" not in text, proof


def test_what_a_complaint_says_and_who_sent_it_is_encrypted_and_kept_out_of_the_audit(
    office: Any,
) -> None:
    complaint, _secret = actions.do_file_complaint(filing(office))
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM complaints_complaint WHERE id = %s", [complaint.pk])
        row = cursor.fetchone()
    assert row is not None
    raw = " ".join(str(value) for value in row)
    assert "Paspor" not in raw and "Rahmat" not in raw and "0812" not in raw
    entry = AuditEntry.objects.get(action="complaint.filed")
    assert "Rahmat" not in str(entry.after) and DESCRIPTION not in str(entry.after)
    assert entry.after is not None and entry.after["office"] == office.code
