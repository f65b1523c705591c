from __future__ import annotations

import io
import json

import pytest
from django.core import mail
from pypdf import PdfReader

from imigrasi.applications.tests.conftest import make

pytestmark = pytest.mark.django_db


def test_the_receipt_is_a_pdf_with_the_number_and_a_qr_code(catalog, applicant, client):
    application = make("in_review", account=applicant.email)
    client.force_login(applicant)
    response = client.get(f"/permohonan/{application.number}/tanda-terima.pdf")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = reader.pages[0].extract_text()
    assert application.display_number in text
    assert "950.000" in text or "950,000" in text
    images = list(reader.pages[0].images)
    assert len(images) == 1  # the QR code
    image = images[0].image
    assert image is not None and image.size[0] >= 200
    root = reader.trailer["/Root"].get_object()
    assert root is not None and "/MarkInfo" in root  # type: ignore[operator]  # tagged PDF


def test_drafts_have_no_receipt(catalog, applicant, client):
    application = make("draft", account=applicant.email)
    client.force_login(applicant)
    assert client.get(f"/permohonan/{application.number}/tanda-terima.pdf").status_code == 404


def test_status_changes_send_an_email_and_a_text_message(
    catalog, applicant, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.VAR_DIR = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        make("in_review", account=applicant.email)
    subjects = [m.subject for m in mail.outbox]
    assert any("Dokumen sedang diperiksa" in s for s in subjects)
    message = next(m for m in mail.outbox if "Dokumen sedang diperiksa" in m.subject)
    assert getattr(message, "alternatives", None) and "SITI" not in message.body
    texts = [json.loads(line) for line in (tmp_path / "sms.log").read_text().splitlines()]
    assert texts and texts[-1]["to"].startswith("08")
    assert "IM-" in texts[-1]["text"]
