"""Every applications endpoint, for every persona: not yours looks like not found.

Personas: the owner (applicant A), another applicant (B), an officer of the processing office
(X), an officer of another office (Y), and an anonymous visitor.
"""

from __future__ import annotations

import pytest

from imigrasi.applications.tests.conftest import make

pytestmark = pytest.mark.django_db

# (method, path template, owner's expected status) — {n} number, {d} document id.
APPLICANT_PAGES = [
    ("get", "/permohonan/{n}/", 200),
    ("get", "/permohonan/{n}/dokumen/", 200),
    ("get", "/permohonan/{n}/dokumen/berkas/{d}/", 200),
    ("get", "/permohonan/{n}/status.json", 200),
    ("get", "/permohonan/{n}/tanda-terima.pdf", 200),
    ("get", "/permohonan/{n}/lanjut/", 302),
    ("get", "/permohonan/{n}/periksa/", 302),  # sent: redirected to the application page
    ("get", "/permohonan/{n}/pertanyaan/phone/", 302),
    ("post", "/permohonan/{n}/tagihan-baru/", 302),
    ("post", "/permohonan/{n}/tarik/", 302),
    ("post", "/permohonan/{n}/jawab/", 302),
    ("post", "/permohonan/{n}/dokumen/unggah/ektp/", 400),
]
API_ENDPOINTS = [
    ("get", "/api/v1/applications/{n}", 200),
    ("get", "/api/v1/applications/{n}/questions", 200),
    ("put", "/api/v1/applications/{n}/answers/phone", 409),  # sent: not editable
    ("get", "/api/v1/applications/{n}/documents", 200),
    ("post", "/api/v1/applications/{n}/submit", 409),
    ("get", "/api/v1/applications/{n}/status", 200),
    ("post", "/api/v1/applications/{n}/billing/reissue", 409),
    ("post", "/api/v1/applications/{n}/withdraw", 409),
    ("post", "/api/v1/applications/{n}/answer-request", 409),
    ("get", "/api/v1/applications/{n}/events", 200),
    ("get", "/api/v1/applications/{n}/receipt", 200),
]
STAFF_PAGES = [
    ("get", "/staff/permohonan/{n}/", 200),
    ("post", "/staff/permohonan/{n}/ambil/", 302),
    ("post", "/staff/permohonan/{n}/tindakan/accept_documents/", 302),
]


@pytest.fixture
def case(catalog, applicant):
    application = make("in_review", account=applicant.email)
    document = application.documents.first()
    return {"n": application.number, "d": str(document.public_id)}


def call(client, method, template, case, **extra):
    url = template.format(**case)
    body = {"declaration": True, "value": "081234567890", "note": "x"}
    if url.startswith("/api/"):
        return getattr(client, method)(url, body, content_type="application/json", **extra)
    return getattr(client, method)(url, body if method == "post" else None, **extra)


@pytest.mark.parametrize(("method", "template", "owner_status"), APPLICANT_PAGES + API_ENDPOINTS)
def test_the_owner_is_served_and_everybody_else_is_turned_away(
    client, staff_client, applicant, other_applicant, officer, case, method, template, owner_status
):
    """One application per endpoint, visited by each persona in turn; the owner comes last
    because the owner's POSTs change the application (the others' calls change nothing)."""
    anonymous = call(client, method, template, case)
    if template.startswith("/api/"):
        assert anonymous.status_code == 401
    else:
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]

    client.force_login(other_applicant)
    assert call(client, method, template, case).status_code == 404  # not yours = not found

    # The owner's pages and API are the owner's; officers work in the back office (the scan
    # viewer is shared and audited).
    by_officer = call(staff_client(officer), method, template, case)
    assert by_officer.status_code == (200 if "/berkas/" in template else 404)

    client.force_login(applicant)
    assert call(client, method, template, case).status_code == owner_status


@pytest.mark.parametrize(("method", "template", "office_status"), STAFF_PAGES)
def test_the_back_office_is_for_the_processing_office_only(
    staff_client,
    client,
    officer,
    other_office_officer,
    applicant,
    case,
    method,
    template,
    office_status,
):
    assert call(staff_client(other_office_officer), method, template, case).status_code == 404
    client.force_login(applicant)
    assert call(client, method, template, case).status_code == 403
    assert call(staff_client(officer), method, template, case).status_code == office_status
