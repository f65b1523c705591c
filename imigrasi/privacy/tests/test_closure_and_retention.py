"""Closing an account deletes what the law does not keep; the retention job really deletes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone

from conftest import TEST_PASSWORD, make_user
from imigrasi.accounts.models import ApiToken, User
from imigrasi.applications.models import Application, Document
from imigrasi.applications.tests.conftest import make
from imigrasi.assistant.models import Conversation
from imigrasi.audit.models import AuditEntry
from imigrasi.audit.verification import verify_chain
from imigrasi.privacy.models import AccountClosure, Consent
from imigrasi.privacy.retention import apply_retention

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(catalog, applicant):
    sent = make("in_review", account=applicant.email)
    draft = make("draft", account=applicant.email, nik="3174055204910011", name="ANAK SITI")
    Conversation.objects.create(account=applicant)
    return sent, draft


def close(client, applicant, django_capture_on_commit_callbacks, **data):
    client.force_login(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("privacy:close_account"),
            {"password": TEST_PASSWORD, "understood": "on"} | data,
        )


def test_closing_keeps_sent_applications_and_deletes_the_rest(
    client, applicant, records, django_capture_on_commit_callbacks
):
    sent, draft = records
    draft_files = list(
        Document.objects.filter(application=draft).values_list("storage_name", flat=True)
    )
    response = close(client, applicant, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == reverse("privacy:closed")
    account = User.objects.get(pk=applicant.pk)
    assert not account.is_active and not account.has_usable_password()
    assert account.email.endswith(".invalid") and account.full_name == "" and account.nik is None
    assert Application.objects.filter(pk=sent.pk).exists()  # legal retention
    assert not Application.objects.filter(pk=draft.pk).exists()
    assert all(not storages["documents"].exists(name) for name in draft_files)
    assert not Conversation.objects.filter(account=applicant).exists()
    assert Consent.objects.filter(account=applicant, withdrawn_at__isnull=True).count() == 0
    closure = AccountClosure.objects.get(account=applicant)
    assert closure.completed_at and closure.kept_applications == 1 and closure.deleted_drafts == 1
    assert client.get(reverse("accounts:dashboard")).status_code == 302  # signed out
    assert (
        client.post(
            reverse("account_login"), {"login": applicant.email, "password": TEST_PASSWORD}
        ).status_code
        == 200
    )  # cannot sign in again
    assert verify_chain().ok
    entries = AuditEntry.objects.filter(action__startswith="privacy.account_clos")
    assert entries.count() == 2
    assert applicant.email not in str(list(entries.values_list("after", flat=True)))


def test_a_wrong_password_closes_nothing(
    client, applicant, records, django_capture_on_commit_callbacks
):
    response = close(client, applicant, django_capture_on_commit_callbacks, password="salah salah")
    assert response.status_code == 200 and "password" in response.context["form"].errors
    assert User.objects.get(pk=applicant.pk).is_active


def test_closing_through_the_api_stops_the_token(
    client, applicant, records, django_capture_on_commit_callbacks
):
    from imigrasi.appointments.tests.test_api_booking import bearer

    headers = bearer(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/privacy/close-account",
            {"password": TEST_PASSWORD},
            content_type="application/json",
            **headers,
        )
    assert response.status_code == 202
    assert client.get("/api/v1/auth/me", **headers).status_code == 401
    assert not ApiToken.objects.filter(user=applicant).exists()


def test_retention_deletes_expired_records_and_then_the_closed_account(
    client, applicant, records, django_capture_on_commit_callbacks, settings
):
    sent, _ = records
    close(client, applicant, django_capture_on_commit_callbacks)
    assert apply_retention().closed_accounts == 0  # the sent application still holds it
    Application.objects.filter(pk=sent.pk).update(status="approved", decided_at=timezone.now())
    later = timezone.now() + dt.timedelta(days=365 * settings.RETENTION_DECIDED_YEARS + 1)
    files = list(Document.objects.filter(application=sent).values_list("storage_name", flat=True))
    report = apply_retention(now=later)
    assert report.decided_applications == 1 and report.closed_accounts == 1
    assert not User.objects.filter(pk=applicant.pk).exists()
    assert all(not storages["documents"].exists(name) for name in files)
    assert AuditEntry.objects.filter(action="privacy.retention_applied").exists()
    assert verify_chain().ok


def test_retention_keeps_what_is_still_within_its_period(catalog, applicant):
    sent = make("collected", account=applicant.email)
    draft = make("draft", account=applicant.email, nik="3174055204910011", name="ANAK SITI")
    report = apply_retention()
    assert report.total == 0
    assert Application.objects.filter(pk__in=[sent.pk, draft.pk]).count() == 2
    stale = timezone.now() + dt.timedelta(days=181)
    assert apply_retention(now=stale).drafts == 1
    assert Application.objects.filter(pk=sent.pk).exists()


def test_unverified_accounts_are_deleted_after_thirty_days(db):
    unverified = make_user("belum@example.id", verified=False)
    User.objects.filter(pk=unverified.pk).update(date_joined=timezone.now() - dt.timedelta(days=31))
    assert apply_retention().unverified_accounts == 1
    assert not User.objects.filter(pk=unverified.pk).exists()


def test_registry_checks_and_document_records_go_with_their_application(
    catalog, applicant, settings
):
    from imigrasi.applications.demo import VISITOR_MRZ
    from imigrasi.credentials.models import IssuedCredential
    from imigrasi.registry.models import IdentityCheck

    checked = make("collected", account=applicant.email)
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
    assert apply_retention().total == 0
    Application.objects.filter(pk__in=[checked.pk, visa.pk]).update(
        decided_at=timezone.now() - dt.timedelta(days=365 * settings.RETENTION_DECIDED_YEARS + 1)
    )
    # The code still runs (the test moved the decision back, not the code's expiry): its
    # record stays, so a revoked code could still be told apart.
    report = apply_retention()
    assert report.decided_applications == 2 and report.registry_checks == 1
    assert report.issued_documents == 0
    assert not IdentityCheck.objects.filter(reference=checked.number).exists()
    later = credential.expires_at + dt.timedelta(days=1)
    assert apply_retention(now=later).issued_documents == 1
    assert not IssuedCredential.objects.filter(pk=credential.pk).exists()
