"""A slot that sold out is answered at the door.

When a quota opens, thousands of people ask for the same slot within seconds and all but a
few hundred are told "that slot is full, here are free ones". That answer does not depend on
the asker, so the first full-path refusal publishes it in the shared cache (Redis in a
deployment, the database cache by default) for ``BOOKING_SOLD_OUT_MEMO_SECONDS``, and
``SoldOutAnswerMiddleware`` gives it, first thing in the middleware stack, to every later
``POST /api/v1/bookings`` for that slot. The caller's bearer token is still checked in full
(availability is only for signed-in people), but nothing else of the stack runs.

What keeps it exact:
- a replay must return its booking, so the record holds the (account, Idempotency-Key) pairs
  that booked the slot; those requests take the full path. (A key first used for another
  slot and reused for this full one is told "full" here, where the full path would return
  that other booking: the client reused a key for a different request.)
- a freed place (cancellation, expiry) deletes the record at once (``forget``); a stale
  record can only come from a race with such a free, and lapses within the memo time;
- anything unusual (no token, a session cookie, a malformed body or key) takes the full
  path, where validation and its messages live.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from ninja.responses import NinjaJSONEncoder

from imigrasi.accounts.tokens import user_for_token
from imigrasi.appointments.models import Booking, Slot
from imigrasi.appointments.queries import slot_from_ref
from imigrasi.pages.middleware import language_for

BOOKING_PATH = "/api/v1/bookings"
MAX_BODY = 4096


def _key(slot_id: int) -> str:
    return f"booking:sold-out:{slot_id}"


def publish(slot: Slot, alternatives: list[dict[str, Any]]) -> None:
    """Remember that ``slot`` is full, with the free slots offered instead."""
    booked = {
        f"{account}:{key}"
        for account, key in Booking.objects.filter(
            slot=slot, idempotency_key__isnull=False
        ).values_list("account_id", "idempotency_key")
    }
    record = {
        "alternatives": json.loads(json.dumps(alternatives, cls=NinjaJSONEncoder)),
        "booked": booked,
    }
    cache.set(_key(slot.pk), record, timeout=settings.BOOKING_SOLD_OUT_MEMO_SECONDS)


def forget(slot_id: int) -> None:
    cache.delete(_key(slot_id))


def _request_parts(request: HttpRequest) -> tuple[str, str, str] | None:
    """(slot ref, idempotency key, bearer token) of a well-formed booking request, else None."""
    key = request.headers.get("Idempotency-Key", "")
    authorization = request.headers.get("Authorization", "")
    if not (8 <= len(key) <= 64) or not authorization.startswith("Bearer "):
        return None
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if not 0 < length <= MAX_BODY:
        return None
    try:
        payload = json.loads(request.body)
    except ValueError:
        return None
    ref = payload.get("slot") if isinstance(payload, dict) else None
    if not isinstance(ref, str) or not ref:
        return None
    return ref, key, authorization.removeprefix("Bearer ").strip()


def answer(request: HttpRequest) -> HttpResponse | None:
    """The 409 "slot is full" answer for this request, or None to take the full path."""
    # actions imports this module (a freed place forgets the record): import it late.
    from imigrasi.appointments.actions import BookingError
    from imigrasi.appointments.messages import message_for

    parts = _request_parts(request)
    if parts is None:
        return None
    ref, idempotency_key, token = parts
    slot = slot_from_ref(ref)  # from memory after the first request for this slot
    if slot is None:
        return None
    record = cache.get(_key(slot.pk))
    if record is None:
        return None
    found = user_for_token(token)
    if found is None:
        return None  # the full path answers 401
    user, _token = found
    if f"{user.pk}:{idempotency_key}" in record["booked"]:
        return None  # a replay: the full path returns the booking
    language = language_for(request)
    with translation.override(language):
        detail = str(message_for(BookingError("slot_full")))
    body = {"detail": detail, "code": "slot_full", "alternatives": record["alternatives"]}
    content = json.dumps(body).encode()
    response = HttpResponse(content, status=409, content_type="application/json; charset=utf-8")
    response["Content-Length"] = str(len(content))
    response["Content-Language"] = language
    response["Vary"] = "Accept-Language"
    return response


class SoldOutAnswerMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path_info == BOOKING_PATH:
            early = answer(request)
            if early is not None:
                return early
        return self.get_response(request)
