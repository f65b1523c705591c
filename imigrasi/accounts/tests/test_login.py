from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import TEST_PASSWORD
from imigrasi.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_sign_in_and_out_are_audited(client, applicant):
    assert login(client, applicant.email, TEST_PASSWORD).status_code == 302
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    client.post(reverse("account_logout"))
    assert client.get(reverse("accounts:dashboard")).status_code == 302
    actions = set(AuditEntry.objects.filter(actor_id=applicant.pk).values_list("action", flat=True))
    assert {"account.logged_in", "account.logged_out"} <= actions


def test_a_wrong_password_gets_a_translated_error(client, applicant):
    response = login(client, applicant.email, "wrong password here")
    assert response.status_code == 200
    assert (
        "tidak benar" in str(response.context["form"].errors).lower()
        or "salah" in str(response.context["form"].errors).lower()
    )
    assert AuditEntry.objects.filter(
        action="account.login_failed", subject_id=applicant.pk
    ).exists()


def test_the_account_locks_after_five_failures_even_with_the_right_password(client, applicant):
    for _ in range(5):
        login(client, applicant.email, "wrong password here")
    response = login(client, applicant.email, TEST_PASSWORD)
    assert response.status_code in (200, 429)
    assert client.get(reverse("accounts:dashboard")).status_code == 302


def test_password_reset_sends_a_link_without_revealing_whether_the_account_exists(
    client, applicant
):
    from django.core import mail

    for email in (applicant.email, "nobody@example.id"):
        response = client.post(reverse("account_reset_password"), {"email": email})
        assert response.status_code == 302
    assert any(applicant.email in m.to for m in mail.outbox)


def test_idle_sessions_end(client, applicant, settings):
    import time

    login(client, applicant.email, TEST_PASSWORD)
    session = client.session
    session["imigrasi_last_seen"] = int(time.time()) - settings.SESSION_IDLE_SECONDS_APPLICANT - 5
    session.save()
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert client.get(reverse("accounts:dashboard")).status_code == 302


def test_staff_idle_limit_is_shorter(staff_client, officer, settings):
    import time

    client = staff_client(officer)
    assert client.get(reverse("staff:home")).status_code == 200
    session = client.session
    session["imigrasi_last_seen"] = int(time.time()) - settings.SESSION_IDLE_SECONDS_STAFF - 5
    session.save()
    assert settings.SESSION_IDLE_SECONDS_STAFF < settings.SESSION_IDLE_SECONDS_APPLICANT
    assert client.get(reverse("staff:home")).status_code == 302
