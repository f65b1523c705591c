"""Signed-in answers are never cached; every 429 says when to come back."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import TEST_PASSWORD
from imigrasi.appointments.tests.test_api_booking import bearer

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_api_answers_to_a_bearer_token_are_not_stored(client, applicant):
    response = client.get("/api/v1/auth/me", **bearer(applicant))
    assert response.status_code == 200 and no_store(response)


def test_pages_for_a_signed_in_person_are_not_stored(client, applicant):
    client.force_login(applicant)
    assert no_store(client.get(reverse("accounts:dashboard")))
    assert no_store(client.get("/api/v1/auth/me"))


def test_public_answers_keep_their_own_caching(client, catalog):
    assert not no_store(client.get("/api/v1/services"))
    assert not no_store(client.get(reverse("pages:home")))


def test_a_locked_account_is_told_how_long_to_wait(client, applicant):
    body = {"email": applicant.email, "password": "salah salah salah"}
    for _ in range(5):
        client.post("/api/v1/auth/token", body, content_type="application/json")
    body["password"] = TEST_PASSWORD
    response = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 429
    assert response["Retry-After"] == "900"


def test_a_429_without_a_known_wait_still_carries_retry_after(client, db):
    """allauth's sign-up limit (10 per minute per address) answers 429 by itself."""
    for _ in range(11):
        response = client.post(reverse("account_signup"), {"email": "x"})
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
