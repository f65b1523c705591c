"""Complaints (pengaduan), their attachments, staff responses, history and LAPOR! updates.

What a complaint says and who sent it are personal data (a complaint about an officer names
people; contact details identify the complainant), so the description, the contact details,
responses and notes are encrypted at rest. The public tracking number opens nothing by
itself: tracking needs the secret shown once at filing (stored as a keyed digest) or the
contact email.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from imigrasi.complaints import rules
from imigrasi.lib.encrypted_fields import EncryptedTextField


class Status(models.TextChoices):
    RECEIVED = rules.RECEIVED, _("Received")
    VERIFIED = rules.VERIFIED, _("Verified")
    ASSIGNED = rules.ASSIGNED, _("Assigned to an officer")
    FOLLOWED_UP = rules.FOLLOWED_UP, _("Being followed up")
    ANSWERED = rules.ANSWERED, _("Answered")
    CLOSED = rules.CLOSED, _("Closed")


class Source(models.TextChoices):
    WEB = "web", _("This website")
    LAPOR = "lapor", _("SP4N-LAPOR!")


_TAGS = {
    Status.RECEIVED: "govuk-tag--blue",
    Status.VERIFIED: "govuk-tag--light-blue",
    Status.ASSIGNED: "govuk-tag--purple",
    Status.FOLLOWED_UP: "govuk-tag--yellow",
    Status.ANSWERED: "govuk-tag--green",
    Status.CLOSED: "govuk-tag--grey",
}


class Complaint(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("tracking number"), max_length=12, unique=True)
    # Keyed digest of "<number>:<secret>" (imigrasi.lib.crypto.blind_index); empty for
    # LAPOR! imports, which are tracked on LAPOR!.
    secret_digest = models.CharField(max_length=64, blank=True)
    category = models.CharField(_("category"), max_length=40)
    office = models.ForeignKey(
        "catalog.Office", verbose_name=_("office"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=150, blank=True)
    description = EncryptedTextField(_("description"))
    contact_name = EncryptedTextField(_("name"), blank=True, default="")
    contact_email = EncryptedTextField(_("email address"), blank=True, default="")
    contact_phone = EncryptedTextField(_("phone number"), blank=True, default="")
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    confidential = models.BooleanField(_("confidential"), default=False)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    status_changed_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField(_("due by"), null=True, blank=True)
    # Set when the sweep found the complaint overdue in ``escalated_status``; a new status
    # starts a new deadline and clears neither (the history keeps the escalation).
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_status = models.CharField(max_length=20, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(_("channel"), max_length=10, choices=Source.choices)
    lapor_id = models.CharField(max_length=40, null=True, blank=True, unique=True)
    # The filing form's one-time token: a double submit finds the complaint already stored.
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["office", "status"], name="complaint_office_status"),
            models.Index(fields=["status", "due_on"], name="complaint_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(anonymous=True) | models.Q(account__isnull=True),
                name="complaint_anonymous_has_no_account",
            ),
            models.CheckConstraint(
                condition=~models.Q(source="lapor") | models.Q(lapor_id__isnull=False),
                name="complaint_from_lapor_has_lapor_id",
            ),
        ]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def __str__(self) -> str:
        return f"complaint {self.number} ({self.status})"

    @property
    def display_number(self) -> str:
        return rules.display_tracking_number(self.number)

    @property
    def category_label(self) -> str:
        found = rules.category(self.category)
        return found.label if found else self.category

    @property
    def tag_class(self) -> str:
        return _TAGS.get(Status(self.status), "govuk-tag--grey")

    @property
    def identity_hidden_from_office(self) -> bool:
        return self.anonymous or self.confidential

    def is_overdue(self, today: dt.date | None = None) -> bool:
        """Past the last working day of the current status, in the office's own calendar."""
        if self.due_on is None or self.status == Status.CLOSED:
            return False
        local_today = today or timezone.now().astimezone(self.office.zone).date()
        return local_today > self.due_on


class EventKind(models.TextChoices):
    FILED = "filed", _("Complaint received")
    STATUS = "status", _("Status changed")
    ESCALATED = "escalated", _("Overdue: passed to the supervisor")


class ComplaintEvent(models.Model):
    """The history the complainant and the office see (never who the complainant is)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    status_from = models.CharField(max_length=20, blank=True)
    status_to = models.CharField(max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.status_from}->{self.status_to}"


class ComplaintResponse(models.Model):
    """A staff reply (``visible``: the complainant reads it) or an internal note."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="responses")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = EncryptedTextField()
    visible = models.BooleanField(default=True)
    status_after = models.CharField(max_length=20, choices=Status.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{'response' if self.visible else 'note'} on {self.complaint_id}"


class ComplaintAttachment(models.Model):
    """Checked by content (imigrasi.lib.uploads), scanned, encrypted; bytes in storage."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    storage_name = models.CharField(max_length=200)
    media_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"attachment {self.public_id}"


class UpdateState(models.TextChoices):
    PENDING = "pending", _("Pending, retried")
    DELIVERED = "delivered", _("Delivered to LAPOR!")
    REJECTED = "rejected", _("Refused by LAPOR!")


class LaporUpdate(models.Model):
    """A status change to tell LAPOR! about (complaints that came from LAPOR! only). Written
    in the transaction of the change, so it is never lost; delivered in order per complaint."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=20, choices=Status.choices)
    response = EncryptedTextField(blank=True, default="")
    state = models.CharField(
        max_length=20, choices=UpdateState.choices, default=UpdateState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="lapor_update_due")]

    def __str__(self) -> str:
        return f"LAPOR! update {self.public_id} ({self.state})"
