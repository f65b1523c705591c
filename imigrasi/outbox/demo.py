"""Two demo agencies subscribed at the receiving-agency simulator (make run starts it)."""

from __future__ import annotations

from django.conf import settings

from imigrasi.outbox.models import EventType, Subscriber, SubscriberSecret

AGENCIES = [
    (
        "dukcapil",
        "Direktorat Jenderal Kependudukan dan Pencatatan Sipil",
        [EventType.PASSPORT_ISSUED],
    ),
    (
        "kemnaker",
        "Kementerian Ketenagakerjaan",
        [
            EventType.VISA_GRANTED,
            EventType.STAY_PERMIT_GRANTED,
            EventType.STAY_PERMIT_EXTENDED,
            EventType.VISA_EXTENDED,
            EventType.VISA_CANCELLED,
            EventType.STAY_PERMIT_CANCELLED,
        ],
    ),
]


def load() -> list[str]:
    secret = settings.DEMO_AGENCY_WEBHOOK_SECRET
    if not secret:
        return ["Agencies: no development webhook secret; demo agencies not subscribed"]
    for code, name, types in AGENCIES:
        subscriber, _ = Subscriber.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "url": f"{settings.AGENCY_RECEIVER_URL}/events/{code}",
                "event_types": [str(t) for t in types],
            },
        )
        if not subscriber.secrets.exists():
            SubscriberSecret.objects.create(subscriber=subscriber, secret=secret)
    return [f"Agencies: {len(AGENCIES)} subscribed at {settings.AGENCY_RECEIVER_URL}/events"]
