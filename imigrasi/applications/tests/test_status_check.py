"""The public status check reveals the status and nothing personal; it is rate-limited."""

from __future__ import annotations

import pytest

from imigrasi.applications.tests.conftest import make

pytestmark = pytest.mark.django_db


def test_number_and_date_of_birth_give_the_status_only(catalog, client):
    application = make("in_review", account="x@example.id")
    response = client.post(
        "/cek-status/",
        {"number": application.display_number.lower(), "date_of_birth": "12-04-1991"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dokumen sedang diperiksa" in html
    assert "SITI" not in html and "RAHMAWATI" not in html and "3174055204910003" not in html


def test_a_wrong_date_of_birth_finds_nothing(catalog, client):
    application = make("in_review", account="x@example.id")
    response = client.post(
        "/cek-status/", {"number": application.number, "date_of_birth": "1991-04-13"}
    )
    assert response.context["result"] is None
    assert response.context["form"].non_field_errors()


def test_a_mistyped_number_is_caught_by_its_check_digit(client, db):
    response = client.post(
        "/cek-status/", {"number": "IM-1234-5678-0", "date_of_birth": "1991-04-12"}
    )
    assert "number" in response.context["form"].errors


def test_the_check_is_rate_limited(catalog, client, settings):
    settings.STATUS_CHECK_RATE = "3/m"
    for _ in range(3):
        client.post("/cek-status/", {"number": "IM-1234-5678-0", "date_of_birth": "1991-04-12"})
    response = client.post(
        "/cek-status/", {"number": "IM-1234-5678-0", "date_of_birth": "1991-04-12"}
    )
    assert response.status_code == 429
    assert response["Retry-After"]


def test_the_api_variant_answers_in_json(catalog, client):
    application = make("awaiting_visit", account="x@example.id")
    response = client.post(
        "/api/v1/status-check",
        {"number": application.number, "date_of_birth": "1991-04-12"},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "awaiting_visit"
    assert set(body) == {
        "number",
        "status",
        "status_label",
        "meaning",
        "next_step",
        "expected",
        "updated_at",
    }
    bad = client.post(
        "/api/v1/status-check",
        {"number": "nope", "date_of_birth": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"number", "date_of_birth"}
