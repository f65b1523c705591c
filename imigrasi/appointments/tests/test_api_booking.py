"""The booking API: the same rules as the web, in the shapes the mobile app relies on."""

from __future__ import annotations

import secrets
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_user
from imigrasi.accounts.models import ApiToken
from imigrasi.accounts.tokens import TOKEN_PREFIX, hash_token, password_fingerprint
from imigrasi.appointments.models import Booking, DateOverride, OfficeService, Slot
from imigrasi.appointments.queries import slot_ref
from imigrasi.appointments.tests.conftest import first_slot, next_bookable_day, person_for
from imigrasi.lib import admission

pytestmark = pytest.mark.django_db


def bearer(user: Any) -> dict[str, Any]:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        key_hash=hash_token(token),
        prefix=token[:10],
        expires_at=timezone.now() + timedelta(hours=1),
        password_fingerprint=password_fingerprint(user),
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def book(client: Client, auth: dict[str, Any], body: dict[str, Any], key: str) -> Any:
    return client.post(
        "/api/v1/bookings", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key, **auth
    )


def test_offices_sorted_by_distance_with_reasons(
    booking_office: Any, passport: Any, applicant: Any, client: Client
) -> None:
    from imigrasi.appointments.setup import configure_all_offices

    configure_all_offices()
    OfficeService.objects.filter(office__code="kanim-ternate", service=passport).update(
        is_available=False,
        unavailable_reason_en="Passport blanks are out of stock.",
        unavailable_reason_id="Blanko paspor sedang habis.",
    )
    rows = client.get(
        "/api/v1/bookings/offices?service=paspor-baru-dewasa&near=Bandung",
        HTTP_ACCEPT_LANGUAGE="en",
        **bearer(applicant),
    ).json()
    assert rows[0]["code"] == "kanim-bandung" and rows[0]["distance_km"] < 5
    servable = [r for r in rows if r["can_serve"]]
    distances = [r["distance_km"] for r in servable]
    assert distances == sorted(distances)
    ternate = next(r for r in rows if r["code"] == "kanim-ternate")
    assert not ternate["can_serve"] and "out of stock" in ternate["reason"]
    ulp = client.get(
        "/api/v1/bookings/offices?service=visa-e33g&near=Surabaya",
        HTTP_ACCEPT_LANGUAGE="en",
        **bearer(applicant),
    ).json()
    junction = next(r for r in ulp if r["code"] == "ulp-bg-junction")
    assert not junction["can_serve"] and junction["reason"]


def test_book_replay_and_read_back(
    booking_office: Any, passport: Any, applicant: Any, siti: Any, client: Client
) -> None:
    auth = bearer(applicant)
    slot = first_slot(booking_office)
    body = {
        "slot": slot_ref(slot),
        "service": "paspor-baru-dewasa",
        "person_id": str(siti.public_id),
        "assistance": {"sign_language": True},
    }
    first = book(client, auth, body, "phone-retry-0001")
    assert first.status_code == 201, first.content
    data = first.json()
    assert data["queue_number"] == "A-001" and data["status"] == "confirmed"
    assert data["zone"] == "WIB" and data["starts_at"].endswith("+07:00")
    assert data["qr"] == f"IMD-BOOKING:{data['code']}"
    assert data["assistance"]["sign_language"] is True
    replay = book(client, auth, body, "phone-retry-0001")
    assert replay.status_code == 200 and replay.json()["code"] == data["code"]
    assert Booking.objects.count() == 1
    listed = client.get("/api/v1/bookings", **auth).json()
    assert [b["code"] for b in listed] == [data["code"]]
    pdf = client.get(f"/api/v1/bookings/{data['code']}/pdf", **auth)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    other = bearer(make_user("lain@example.id"))
    assert client.get(f"/api/v1/bookings/{data['code']}", **other).status_code == 404


def test_missing_idempotency_key_names_the_header(
    booking_office: Any, applicant: Any, siti: Any, client: Client
) -> None:
    response = client.post(
        "/api/v1/bookings",
        {
            "slot": slot_ref(first_slot(booking_office)),
            "service": "paspor-baru-dewasa",
            "person_id": str(siti.public_id),
        },
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **bearer(applicant),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"


def test_slot_taken_meanwhile_offers_alternatives(
    booking_office: Any, applicant: Any, siti: Any, client: Client
) -> None:
    day = next_bookable_day(booking_office)
    slot = first_slot(booking_office, day)
    Slot.objects.filter(pk=slot.pk).update(taken=models_capacity(slot))
    response = book(
        client,
        bearer(applicant),
        {"slot": slot_ref(slot), "service": "paspor-baru-dewasa", "person_id": str(siti.public_id)},
        "too-late-0001",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "slot_full"
    assert body["alternatives"] and body["alternatives"][0]["slot"] != slot_ref(slot)
    assert Slot.objects.get(pk=slot.pk).taken == slot.capacity


def models_capacity(slot: Slot) -> int:
    return slot.capacity


def test_closed_day_is_refused_with_the_reason(
    booking_office: Any, applicant: Any, siti: Any, client: Client
) -> None:
    day = next_bookable_day(booking_office)
    ref = slot_ref(first_slot(booking_office, day))
    DateOverride.objects.create(
        office=booking_office, date=day, is_open=False, reason="Pemadaman listrik terjadwal"
    )
    response = book(
        client,
        bearer(applicant),
        {"slot": ref, "service": "paspor-baru-dewasa", "person_id": str(siti.public_id)},
        "closed-day-01",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "day_not_bookable"
    assert "Pemadaman listrik" in response.json()["detail"]
    slots = client.get(
        f"/api/v1/bookings/slots?office=kanim-jakarta-selatan&date={day}", **bearer(applicant)
    )
    assert slots.status_code == 409 and "Pemadaman" in slots.json()["detail"]


def test_hold_confirm_cancel(
    booking_office: Any, applicant: Any, siti: Any, client: Client
) -> None:
    auth = bearer(applicant)
    slot = first_slot(booking_office)
    held = client.post(
        "/api/v1/bookings/holds",
        {"slot": slot_ref(slot), "service": "paspor-baru-dewasa", "person_id": str(siti.public_id)},
        content_type="application/json",
        **auth,
    )
    assert held.status_code == 201 and held.json()["status"] == "held"
    code = held.json()["code"]
    confirmed = client.post(f"/api/v1/bookings/{code}/confirm", **auth)
    assert confirmed.json()["status"] == "confirmed"
    assert (
        client.post(f"/api/v1/bookings/{code}/confirm", **auth).json()["queue_number"]
        == (confirmed.json()["queue_number"])
    )
    cancelled = client.post(
        f"/api/v1/bookings/{code}/cancel",
        {"reason": "sakit"},
        content_type="application/json",
        **auth,
    )
    assert cancelled.json()["status"] == "cancelled"
    assert Slot.objects.get(pk=slot.pk).taken == 0


def test_person_without_identity_is_told_to_add_it(
    booking_office: Any, applicant: Any, client: Client
) -> None:
    nobody = person_for(applicant, "")
    nobody.nik = None
    nobody.save()
    response = book(
        client,
        bearer(applicant),
        {
            "slot": slot_ref(first_slot(booking_office)),
            "service": "paspor-baru-dewasa",
            "person_id": str(nobody.public_id),
        },
        "no-identity-01",
    )
    assert response.status_code == 409 and response.json()["code"] == "identity_required"


def test_overload_answers_busy_with_retry_after(
    booking_office: Any, applicant: Any, siti: Any, client: Client, settings: Any
) -> None:
    settings.BOOKING_CONCURRENCY = 1
    settings.BOOKING_ADMISSION_WAIT_SECONDS = 0.2
    gate = admission.gate("booking", 1, 0.2)
    inside, release = threading.Event(), threading.Event()

    def occupy() -> None:
        with gate.admit():
            inside.set()
            release.wait(5)

    holder = threading.Thread(target=occupy)
    holder.start()
    inside.wait(5)
    try:
        response = book(
            client,
            bearer(applicant),
            {
                "slot": slot_ref(first_slot(booking_office)),
                "service": "paspor-baru-dewasa",
                "person_id": str(siti.public_id),
            },
            "busy-now-0001",
        )
    finally:
        release.set()
        holder.join()
    assert response.status_code == 503
    assert response.json()["code"] == "busy" and response.json()["waiting"] >= 1
    assert int(response["Retry-After"]) >= 1
    assert Booking.objects.count() == 0


def test_next_available_across_offices(booking_office: Any, applicant: Any, client: Client) -> None:
    from imigrasi.appointments.setup import configure_all_offices

    configure_all_offices()
    rows = client.get(
        "/api/v1/bookings/next-available?service=paspor-baru-dewasa&near=Bandung",
        **bearer(applicant),
    ).json()
    assert len(rows) == 5
    assert rows[0]["office"] == "kanim-bandung"
    assert [r["distance_km"] for r in rows] == sorted(r["distance_km"] for r in rows)
    assert all(r["slot"]["free"] > 0 for r in rows)


def test_joining_the_waitlist_through_the_api(
    booking_office: Any, passport: Any, applicant: Any, client: Client
) -> None:
    from imigrasi.appointments.models import WaitlistEntry

    response = client.post(
        "/api/v1/bookings/waitlist",
        {"office": booking_office.code, "service": passport.code},
        content_type="application/json",
        **bearer(applicant),
    )
    assert response.status_code == 201, response.content
    assert response.json()["code"] == "waitlisted"
    assert WaitlistEntry.objects.filter(account=applicant, office=booking_office).exists()
    unknown = client.post(
        "/api/v1/bookings/waitlist",
        {"office": "kanim-atlantis", "service": passport.code},
        content_type="application/json",
        **bearer(applicant),
    )
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"


def test_every_api_404_carries_the_documented_code(applicant: Any, client: Client) -> None:
    for url in ("/api/v1/bookings/TIDAKADA", "/api/v1/bookings/TIDAKADA/pdf"):
        response = client.get(url, **bearer(applicant))
        assert response.status_code == 404
        assert response.json() == {"detail": "Tidak ditemukan.", "code": "not_found"}
