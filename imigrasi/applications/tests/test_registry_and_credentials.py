"""Submitting asks the population registry about the NIK; granting a visa signs its document."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from imigrasi.applications import actions
from imigrasi.applications.demo import VISITOR_MRZ
from imigrasi.applications.tests.conftest import make
from imigrasi.applications.workflow import Status
from imigrasi.credentials.models import IssuedCredential
from imigrasi.registry.models import CheckKind, CheckStatus, IdentityCheck

pytestmark = pytest.mark.django_db


def visa(target: str, account: str) -> Any:
    return make(
        target,
        account=account,
        service="visa-c1",
        office="",
        nik="",
        name="",
        birth="",
        sex="",
        mrz=VISITOR_MRZ,
    )


@pytest.fixture
def in_review(catalog: None, applicant: Any) -> Any:
    return make("in_review", account=applicant.email)


def test_submitting_an_application_with_a_nik_queues_one_pending_nik_check(
    in_review: Any,
) -> None:
    check = IdentityCheck.objects.get(reference=in_review.number)
    assert check.kind == CheckKind.NIK
    assert check.status == CheckStatus.PENDING
    assert check.subject_id == in_review.account_id
    assert check.input["nik"] == "3174055204910003"


def test_submitting_a_visa_without_a_nik_queues_no_check(catalog: None, applicant: Any) -> None:
    application = visa("in_verification", applicant.email)
    assert not IdentityCheck.objects.filter(reference=application.number).exists()


def test_the_officer_detail_page_shows_the_registry_checks_panel(
    in_review: Any, officer: Any, staff_client: Any
) -> None:
    client = staff_client(officer)
    client.cookies["imigrasi_lang"] = "en"
    response = client.get(f"/staff/permohonan/{in_review.number}/")
    assert response.status_code == 200
    assert b"Registry checks" in response.content
    check = IdentityCheck.objects.get(reference=in_review.number)
    assert f'id="check-{check.public_id}"'.encode() in response.content


def test_granting_a_visa_issues_one_credential_that_the_applicant_page_shows(
    catalog: None, applicant: Any, client: Any
) -> None:
    application = visa("approved", applicant.email)
    credential = IssuedCredential.objects.get(reference=application.number)
    assert credential.document_type == "evisa"
    assert credential.subject_id == applicant.pk
    client.force_login(applicant)
    client.cookies["imigrasi_lang"] = "en"
    response = client.get(f"/permohonan/{application.number}/")
    assert response.status_code == 200
    assert f"/{credential.public_id}".encode() in response.content
    assert b"e-Visa" in response.content


def test_a_passport_that_is_approved_and_printed_gets_no_credential(
    catalog: None, applicant: Any
) -> None:
    application = make("ready_for_pickup", account=applicant.email)  # approve, then mark_ready
    assert not IssuedCredential.objects.filter(reference=application.number).exists()


def test_an_approval_still_succeeds_when_the_document_cannot_be_signed(
    catalog: None, applicant: Any, officer: Any, settings: Any, caplog: Any
) -> None:
    application = visa("in_verification", applicant.email)
    assert application.office.code == officer.office.code
    # A key the signing library refuses (not ECDSA P-256): issue_credential raises CredentialError.
    settings.CREDENTIAL_SIGNING_KEY = (
        ed25519.Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    with caplog.at_level(logging.WARNING, logger="imigrasi.applications.documents_issued"):
        approved = actions.do_officer_action(
            application, officer, "approve", expected_version=application.version
        )
    assert approved.status == Status.APPROVED
    assert not IssuedCredential.objects.filter(reference=application.number).exists()
    assert "CredentialError" in caplog.text
    assert "SMITH" not in caplog.text
