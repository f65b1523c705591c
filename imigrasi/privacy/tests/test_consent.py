"""Consents are recorded per notice version and asked again when the notice changes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import TEST_PASSWORD
from imigrasi.audit.models import AuditEntry
from imigrasi.privacy import consent as consent_module
from imigrasi.privacy.models import Consent

pytestmark = pytest.mark.django_db


def test_sign_up_records_the_consent_with_the_notice_version(client):
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Ayu Lestari",
            "email": "ayu@example.id",
            "password1": "saya suka nasi goreng pedas",
            "password2": "saya suka nasi goreng pedas",
            "privacy_consent": "on",
        },
    )
    assert response.status_code == 302
    record = Consent.objects.get(account__email="ayu@example.id")
    assert record.notice_version == consent_module.NOTICE_VERSION
    assert record.withdrawn_at is None and record.channel == "web"
    assert AuditEntry.objects.filter(action="privacy.consent_given").exists()


def test_a_changed_notice_is_accepted_again_before_anything_else(client, applicant, monkeypatch):
    client.force_login(applicant)
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    monkeypatch.setattr(consent_module, "NOTICE_VERSION", "2027-01-01")
    monkeypatch.setattr("imigrasi.privacy.middleware.NOTICE_VERSION", "2027-01-01")
    monkeypatch.setattr("imigrasi.privacy.views.NOTICE_VERSION", "2027-01-01")
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("privacy:consent"))
    # Reading the notice, the data-rights pages and signing out stay open.
    assert client.get(reverse("pages:privacy")).status_code == 200
    assert client.get(reverse("privacy:home")).status_code == 200
    page = client.get(reverse("privacy:consent"))
    assert "2027-01-01" in page.content.decode()
    refused = client.post(reverse("privacy:consent"), {})
    assert "accept" in refused.context["form"].errors
    accepted = client.post(reverse("privacy:consent") + "?next=/permohonan/", {"accept": "on"})
    assert accepted.status_code == 302 and accepted["Location"] == "/permohonan/"
    assert list(
        Consent.objects.filter(account=applicant).values_list("notice_version", flat=True)
    ) == ["2027-01-01", "2026-11-29"]
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_staff_are_not_asked_to_consent(staff_client, officer, monkeypatch):
    monkeypatch.setattr(consent_module, "NOTICE_VERSION", "2027-01-01")
    monkeypatch.setattr("imigrasi.privacy.middleware.NOTICE_VERSION", "2027-01-01")
    assert staff_client(officer).get("/staff/").status_code == 200


def test_the_api_reports_and_accepts_the_notice(client, applicant, monkeypatch):
    from imigrasi.appointments.tests.test_api_booking import bearer

    headers = bearer(applicant)
    status = client.get("/api/v1/privacy/consent", **headers).json()
    assert status["required"] is False and status["notice_version"] == "2026-11-29"
    monkeypatch.setattr(consent_module, "NOTICE_VERSION", "2027-01-01")
    monkeypatch.setattr("imigrasi.privacy.api.NOTICE_VERSION", "2027-01-01")
    assert client.get("/api/v1/privacy/consent", **headers).json()["required"] is True
    accepted = client.post("/api/v1/privacy/consent", **headers).json()
    assert accepted["required"] is False and accepted["accepted_at"]
    assert Consent.objects.filter(account=applicant, channel="api").count() == 1


def test_the_login_door_is_not_blocked_by_a_missing_consent(client, applicant, monkeypatch):
    monkeypatch.setattr(consent_module, "NOTICE_VERSION", "2027-01-01")
    monkeypatch.setattr("imigrasi.privacy.middleware.NOTICE_VERSION", "2027-01-01")
    response = client.post(
        reverse("account_login"), {"login": applicant.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code == 302 and reverse("privacy:consent") in follow["Location"]
