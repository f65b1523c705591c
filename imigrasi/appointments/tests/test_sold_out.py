"""A slot known to be full is answered at the door (appointments.sold_out), and that answer is
the full path's answer: same body, same language rules, replays and bad tokens unaffected."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import make_user
from imigrasi.appointments.models import Booking, Slot
from imigrasi.appointments.queries import slot_ref
from imigrasi.appointments.tests.conftest import first_slot, person_for
from imigrasi.appointments.tests.test_api_booking import bearer, book

pytestmark = pytest.mark.django_db


def _applicants(count: int) -> list[tuple[dict[str, Any], Any]]:
    """(bearer header, person) for ``count`` people with distinct NIKs."""
    people = []
    for n in range(count):
        user = make_user(f"penuh{n}@example.id")
        people.append((bearer(user), person_for(user, f"31740552049100{n + 10:02d}")))
    return people


def _body(slot: Slot, person: Any) -> dict[str, str]:
    return {
        "slot": slot_ref(slot),
        "service": "paspor-baru-dewasa",
        "person_id": str(person.public_id),
    }


@pytest.fixture
def full_slot(booking_office: Any) -> tuple[Slot, list[tuple[dict[str, Any], Any]]]:
    """A one-place slot booked by the first of four applicants."""
    slot = first_slot(booking_office)
    Slot.objects.filter(pk=slot.pk).update(capacity=1)
    slot.refresh_from_db()
    people = _applicants(4)
    auth, person = people[0]
    assert book(Client(), auth, _body(slot, person), "winner-0001").status_code == 201
    return slot, people


def _touches_bookings(queries: CaptureQueriesContext) -> bool:
    return any(
        "appointments_booking" in q["sql"] or "applications_person" in q["sql"]
        for q in queries.captured_queries
    )


def test_after_one_full_refusal_the_next_ones_are_answered_at_the_door(
    full_slot: Any, client: Client
) -> None:
    slot, people = full_slot
    auth, person = people[1]
    first = book(client, auth, _body(slot, person), "loser-0001")
    assert first.status_code == 409 and first.json()["code"] == "slot_full"

    auth, person = people[2]
    with CaptureQueriesContext(connection) as queries:
        early = book(client, auth, _body(slot, person), "loser-0002")
    assert early.status_code == 409
    assert early.json() == first.json()  # the same words and the same alternatives
    assert early.json()["alternatives"]
    assert early["Content-Type"].startswith("application/json")
    assert int(early["Content-Length"]) == len(early.content)
    # Neither the idempotency lookup nor the person was read: the answer came from the record.
    assert not _touches_bookings(queries)
    assert Booking.objects.filter(slot=slot).count() == 1


def test_the_door_answer_speaks_the_callers_language(full_slot: Any, client: Client) -> None:
    slot, people = full_slot
    book(client, people[1][0], _body(slot, people[1][1]), "loser-0001")  # publishes
    english = client.post(
        "/api/v1/bookings",
        _body(slot, people[2][1]),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="loser-0002",
        HTTP_ACCEPT_LANGUAGE="en",
        **people[2][0],
    )
    indonesian = book(client, people[3][0], _body(slot, people[3][1]), "loser-0003")
    assert english.status_code == indonesian.status_code == 409
    assert english["Content-Language"] == "en" and indonesian["Content-Language"] == "id"
    assert english.json()["detail"] != indonesian.json()["detail"]
    assert "taken" in english.json()["detail"]


def test_a_replay_still_returns_its_booking_when_the_slot_is_full(
    full_slot: Any, client: Client
) -> None:
    slot, people = full_slot
    book(client, people[1][0], _body(slot, people[1][1]), "loser-0001")  # publishes
    winner_auth, winner = people[0]
    replay = book(client, winner_auth, _body(slot, winner), "winner-0001")
    assert replay.status_code == 200
    assert replay.json()["code"] == Booking.objects.get(slot=slot).code


def test_a_bad_token_is_refused_not_told_about_the_slot(full_slot: Any, client: Client) -> None:
    slot, people = full_slot
    book(client, people[1][0], _body(slot, people[1][1]), "loser-0001")  # publishes
    response = book(
        client,
        {"HTTP_AUTHORIZATION": "Bearer imd_not-a-real-token"},
        _body(slot, people[2][1]),
        "x" * 12,
    )
    assert response.status_code == 401
    assert "alternatives" not in response.json()


def test_a_malformed_request_gets_the_full_paths_validation(full_slot: Any, client: Client) -> None:
    slot, people = full_slot
    book(client, people[1][0], _body(slot, people[1][1]), "loser-0001")  # publishes
    short_key = book(client, people[2][0], _body(slot, people[2][1]), "short")
    assert short_key.status_code == 422
    assert short_key.json()["errors"][0]["field"] == "Idempotency-Key"


def test_a_freed_place_is_bookable_at_once(full_slot: Any, client: Client) -> None:
    slot, people = full_slot
    book(client, people[1][0], _body(slot, people[1][1]), "loser-0001")  # publishes
    winner_auth, _winner = people[0]
    code = Booking.objects.get(slot=slot).code
    cancelled = client.post(
        f"/api/v1/bookings/{code}/cancel", {}, content_type="application/json", **winner_auth
    )
    assert cancelled.status_code == 200
    second = book(client, people[2][0], _body(slot, people[2][1]), "second-0001")
    assert second.status_code == 201
    assert Slot.objects.get(pk=slot.pk).taken == 1
