"""Decision events for other agencies, sent through a transactional outbox.

An event is written in the same transaction as the decision that causes it, with one
delivery row per subscribed agency; the task worker sends each delivery as a signed webhook
(Standard Webhooks) and retries on its own schedule until it is delivered or dead. Payloads
hold personal data (NIK, names), so they are encrypted at rest like every other PII column.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from imigrasi.lib.encrypted_fields import EncryptedJSONField, EncryptedTextField


class EventType(models.TextChoices):
    PASSPORT_ISSUED = "passport.issued", _("Passport issued")
    VISA_GRANTED = "visa.granted", _("Visa granted")
    STAY_PERMIT_GRANTED = "stay_permit.granted", _("Stay permit granted")
    STAY_PERMIT_EXTENDED = "stay_permit.extended", _("Stay permit extended")
    VISA_EXTENDED = "visa.extended", _("Visa stay extended")
    VISA_CANCELLED = "visa.cancelled", _("Visa cancelled")
    STAY_PERMIT_CANCELLED = "stay_permit.cancelled", _("Stay permit cancelled")


class Subscriber(models.Model):
    """An agency that receives some event types at one HTTPS endpoint."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("agency"), max_length=200)
    url = models.URLField(_("endpoint"), max_length=500)
    event_types = models.JSONField(_("event types"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("subscribed agency")
        verbose_name_plural = _("subscribed agencies")

    def __str__(self) -> str:
        return self.name


class SubscriberSecret(models.Model):
    """A signing secret (``whsec_…``). Rotation adds a new one and lets the old one sign
    beside it until ``retires_at``, so the agency can switch without missing a message."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="secrets")
    secret = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)
    retires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"secret of {self.subscriber_id} from {self.created_at:%Y-%m-%d}"


class OutboundEvent(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(max_length=40, choices=EventType.choices)
    payload = EncryptedJSONField()
    reference = models.CharField(max_length=40, blank=True)  # the application number
    subject_id = models.BigIntegerField(null=True, blank=True)  # the account the data is about
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.reference}"

    @property
    def message_id(self) -> str:
        """The ``webhook-id``: the same for every attempt, so receivers can drop duplicates."""
        return f"msg_{self.public_id.hex}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending, retried")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Failed: needs a manual replay")


class Delivery(models.Model):
    event = models.ForeignKey(OutboundEvent, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.PROTECT, related_name="deliveries")
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "subscriber"], name="one_delivery_per_agency")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"delivery {self.pk} ({self.status})"
