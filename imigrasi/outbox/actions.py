"""Publishing decision events and delivering them to agencies.

``publish`` runs inside the decision's transaction (the transactional outbox): the event, a
delivery row per subscribed agency and the delivery jobs commit with the decision or not at
all. ``do_deliver`` runs in the task worker: one signed POST per attempt through the shared
outbound client (its own retries off: the schedule below is the retry policy), then either
delivered, or the next attempt booked, or — after the last one — dead until a person replays
it. A slow or dead agency therefore never holds a web request or another agency's messages.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from imigrasi.audit.recording import record_event
from imigrasi.lib.background import enqueue_on_commit
from imigrasi.lib.http import DependencyRejected, DependencyUnavailable, OutboundClient
from imigrasi.outbox import signing, tasks
from imigrasi.outbox.models import (
    Delivery,
    DeliveryStatus,
    OutboundEvent,
    Subscriber,
    SubscriberSecret,
)

logger = logging.getLogger(__name__)

# Seconds to wait before attempt n+1 (the Standard Webhooks / Svix schedule, shortened at the
# end): about 28 hours in all, then the delivery is dead and waits for a manual replay.
SCHEDULE = (5, 60, 300, 1800, 7200, 18000, 36000, 36000)
MAX_ATTEMPTS = len(SCHEDULE) + 1
ROTATION_GRACE = dt.timedelta(hours=24)


def publish(
    event_type: str,
    payload: dict[str, Any],
    *,
    reference: str = "",
    subject_id: int | None = None,
) -> OutboundEvent | None:
    """Record the event for every active agency subscribed to its type (none: nothing is
    written). Call inside the transaction of the decision."""
    subscribers = [
        s for s in Subscriber.objects.filter(is_active=True) if event_type in s.event_types
    ]
    if not subscribers:
        return None
    with transaction.atomic():
        event = OutboundEvent.objects.create(
            type=event_type, payload=payload, reference=reference, subject_id=subject_id
        )
        for subscriber in subscribers:
            delivery = Delivery.objects.create(event=event, subscriber=subscriber)
            enqueue_on_commit(tasks.deliver_event, delivery.pk, 0)
    return event


def secrets_in_force(subscriber: Subscriber, now: dt.datetime | None = None) -> list[str]:
    now = now or timezone.now()
    return [
        s.secret
        for s in subscriber.secrets.filter(Q(retires_at__isnull=True) | Q(retires_at__gt=now))
    ]


def body_of(event: OutboundEvent) -> bytes:
    """The exact bytes signed and sent: the spec's envelope (type, timestamp, data)."""
    envelope = {
        "type": event.type,
        "timestamp": event.created_at.isoformat(),
        "data": event.payload,
    }
    return json.dumps(envelope, cls=DjangoJSONEncoder, separators=(",", ":")).encode()


@cache
def _client(origin: str) -> OutboundClient:
    return OutboundClient(
        origin,
        name=f"agency {urlsplit(origin).netloc}",
        timeout=settings.OUTBOX_TIMEOUT_SECONDS,
        retries=0,  # the outbox schedule is the retry policy
    )


def _target(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    path = parts.path or "/"
    return f"{parts.scheme}://{parts.netloc}", path + (f"?{parts.query}" if parts.query else "")


def do_deliver(delivery_id: int, attempt: int) -> str:
    """One attempt. ``attempt`` is claimed atomically (as billing does), so a duplicated job
    finds its attempt taken and stops: one delivery has one retry chain."""
    claimed = Delivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, attempts=attempt
    ).update(attempts=F("attempts") + 1, updated_at=timezone.now())
    if not claimed:
        return "skipped"
    delivery = Delivery.objects.select_related("event", "subscriber").get(pk=delivery_id)
    event, subscriber = delivery.event, delivery.subscriber
    body = body_of(event)
    origin, path = _target(subscriber.url)
    keys = secrets_in_force(subscriber)
    try:
        if not keys:
            raise DependencyRejected(
                "no signing secret", dependency=subscriber.code, method="POST", path=path,
                status=0, body=None,
            )  # fmt: skip
        _client(origin).request(
            "POST",
            path,
            content=body,
            headers=signing.headers(event.message_id, timezone.now(), body, keys),
        )
    except (DependencyUnavailable, DependencyRejected) as exc:
        return _failed(delivery, exc)
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.DELIVERED,
            delivered_at=timezone.now(),
            last_status=200,
            last_error="",
            updated_at=timezone.now(),
        )
        if event.subject_id is not None:
            record_event(
                actor=None,
                system_actor=f"agency:{subscriber.code}",
                action="personal_data.read",
                obj=event,
                subject_id=event.subject_id,
                after={"agency": subscriber.name, "event": event.type},
                reason=f"shared: {event.type}",
            )
    return DeliveryStatus.DELIVERED


def _failed(delivery: Delivery, exc: DependencyUnavailable | DependencyRejected) -> str:
    status = getattr(exc, "status", None) or None
    attempts = delivery.attempts  # read after the claim: this attempt included
    dead = attempts >= MAX_ATTEMPTS
    next_at = timezone.now() + dt.timedelta(seconds=SCHEDULE[min(attempts, len(SCHEDULE)) - 1])
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.DEAD if dead else DeliveryStatus.PENDING,
        last_status=status,
        last_error=str(exc)[:200],
        next_attempt_at=next_at,
        updated_at=timezone.now(),
    )
    logger.warning(
        "delivery %s to %s failed (attempt %s)%s",
        delivery.pk,
        delivery.subscriber.code,
        attempts,
        "; dead" if dead else "",
    )
    if not dead:
        enqueue_on_commit(tasks.deliver_event, delivery.pk, attempts, run_after=next_at)
    return DeliveryStatus.DEAD if dead else DeliveryStatus.PENDING


def do_replay(delivery: Delivery, actor: Any) -> None:
    """Send again now, same message id (the agency drops it if it already has it)."""
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.PENDING,
            next_attempt_at=timezone.now(),
            updated_at=timezone.now(),
        )
        delivery.refresh_from_db()
        record_event(
            actor=actor,
            action="outbox.replayed",
            obj=delivery.event,
            after={"agency": delivery.subscriber.code, "previous_attempts": delivery.attempts},
        )
        enqueue_on_commit(tasks.deliver_event, delivery.pk, delivery.attempts)


def do_rotate_secret(subscriber: Subscriber, actor: Any) -> str:
    """A new secret signs from now on; the old ones sign beside it for ROTATION_GRACE. The
    new secret is returned once, to hand to the agency; it is stored encrypted."""
    secret = signing.new_secret()
    with transaction.atomic():
        now = timezone.now()
        subscriber.secrets.filter(
            Q(retires_at__isnull=True) | Q(retires_at__gt=now + ROTATION_GRACE)
        ).update(retires_at=now + ROTATION_GRACE)
        SubscriberSecret.objects.create(subscriber=subscriber, secret=secret)
        record_event(
            actor=actor, action="outbox.secret_rotated", obj=subscriber, after={"grace_hours": 24}
        )
    return secret


def due_deliveries(limit: int = 500) -> list[int]:
    """Pending deliveries whose time has come: the sweep for jobs a backend lost or could
    not defer (``manage.py deliver_events``)."""
    return list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def deliver_due(limit: int = 500) -> dict[str, int]:
    outcomes: dict[str, int] = {}
    for pk in due_deliveries(limit):
        attempts = Delivery.objects.filter(pk=pk).values_list("attempts", flat=True).first()
        if attempts is None:
            continue
        outcome = do_deliver(pk, attempts)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes
