"""The holder's side: one code per document, a printable page only they see, revocation on
the record without their personal data, and every check of their document in their tracker."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from imigrasi.accounts.queries import personal_data_reads_about
from imigrasi.audit.models import AuditEntry
from imigrasi.credentials.actions import do_revoke
from imigrasi.credentials.models import IssuedCredential
from imigrasi.credentials.queries import credentials_of
from imigrasi.credentials.tests.conftest import HOLDER, issue_evisa

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def page_url(credential: IssuedCredential) -> str:
    return f"/verifikasi/dokumen/{credential.public_id}/"


def test_the_holder_sees_a_printable_page_with_an_svg_qr_and_the_facts(english, applicant, evisa):
    english.force_login(applicant)
    response = english.get(page_url(evisa))
    html = response.content.decode()
    assert response.status_code == 200
    svg = re.search(r"<svg\b.*?</svg>", html, flags=re.S)
    assert svg is not None and 'role="img"' in svg.group(0)
    assert "<title>QR code to check this document</title>" in svg.group(0)
    # The strict CSP has no 'unsafe-inline' for styles: the QR must not need it.
    assert (
        "style=" not in svg.group(0)
        and "'unsafe-inline'" not in response["Content-Security-Policy"]
    )
    assert HOLDER["holder_name"] in html and evisa.credential_id in html
    assert "no-store" in response["Cache-Control"]


def test_anyone_but_the_holder_gets_not_found(
    client: Client, staff_client, other_applicant, officer, evisa
):
    signed_out = client.get(page_url(evisa))
    assert signed_out.status_code == 302 and "/accounts/login/" in signed_out["Location"]
    client.force_login(other_applicant)
    assert client.get(page_url(evisa)).status_code == 404
    assert staff_client(officer).get(page_url(evisa)).status_code == 404


def test_a_revoked_document_page_shows_no_qr(english, applicant, evisa):
    do_revoke(evisa, None, "permit cancelled")
    english.force_login(applicant)
    html = english.get(page_url(evisa)).content.decode()
    assert "<svg" not in html and "This document has been revoked" in html


def test_issuing_twice_returns_the_same_code_until_it_is_revoked(applicant, evisa):
    again = issue_evisa(applicant.pk, holder_name="A DIFFERENT NAME")
    assert again.pk == evisa.pk and again.code == evisa.code
    assert IssuedCredential.objects.count() == 1
    assert issue_evisa(applicant.pk, document_type="itas").pk != evisa.pk  # another document
    do_revoke(evisa, None, "reissued with a corrected name")
    reissued = issue_evisa(applicant.pk, holder_name="A DIFFERENT NAME")
    assert reissued.pk != evisa.pk and reissued.credential_id != evisa.credential_id


def test_revoking_is_audited_once_without_personal_data(admin_user, evisa):
    assert do_revoke(evisa, admin_user, "permit cancelled") is True
    assert do_revoke(evisa, admin_user, "again") is False
    evisa.refresh_from_db()
    assert evisa.revoked_by == admin_user and evisa.revocation_reason == "permit cancelled"
    entries = AuditEntry.objects.filter(action="credential.revoked")
    assert entries.count() == 1
    entry = entries.get()
    assert entry.after is not None and entry.after["credential_id"] == evisa.credential_id
    recorded = f"{entry.before} {entry.after} {entry.reason}"
    assert HOLDER["holder_name"] not in recorded and "1988" not in recorded
    assert "ID1:" not in recorded


def test_a_successful_check_appears_in_the_holders_data_tracker(client, applicant, evisa):
    client.post("/verifikasi/", {"code": evisa.code})
    client.post("/api/v1/credentials/verify", {"code": evisa.code}, content_type="application/json")
    client.post("/verifikasi/", {"code": evisa.code[:-20]})  # refused: nothing was shown
    with translation.override("en"):
        reads = personal_data_reads_about(applicant)
    why = "Checking that your document is genuine"
    assert [(read.who, read.why) for read in reads] == [
        ("An app or device that checked your document with us", why),
        ("Someone who checked your document on our website", why),
    ]
    entry = AuditEntry.objects.get(action="personal_data.read", actor_label="verifier:web")
    assert entry.subject_id == applicant.pk and entry.after is not None
    assert entry.after["agency"] == "Document check" and entry.after["channel"] == "web"
    assert HOLDER["holder_name"] not in str(entry.after)


def test_the_holders_own_check_is_not_listed_to_them(client, applicant, evisa):
    client.force_login(applicant)
    client.post("/verifikasi/", {"code": evisa.code})
    assert personal_data_reads_about(applicant) == []


def test_the_application_page_lists_only_the_holders_unrevoked_documents(
    applicant, other_applicant, evisa
):
    assert credentials_of(applicant, evisa.reference) == [evisa]
    assert credentials_of(other_applicant, evisa.reference) == []
    do_revoke(evisa, None, "permit cancelled")
    assert credentials_of(applicant, evisa.reference) == []


def test_an_administrator_revokes_codes_from_the_admin_without_seeing_them(
    staff_client, admin_user, evisa
):
    admin = staff_client(admin_user)
    listing = admin.get("/admin/credentials/issuedcredential/")
    assert listing.status_code == 200 and evisa.credential_id in listing.content.decode()
    change = admin.get(f"/admin/credentials/issuedcredential/{evisa.pk}/change/")
    assert change.status_code == 200 and "ID1:" not in change.content.decode()
    response = admin.post(
        "/admin/credentials/issuedcredential/",
        {"action": "revoke", "_selected_action": [evisa.pk]},
    )
    assert response.status_code == 302
    evisa.refresh_from_db()
    assert evisa.is_revoked and evisa.revoked_by == admin_user
