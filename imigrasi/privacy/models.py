"""UU 27/2022 (UU PDP) records: consents, copies of one's data, corrections, closed accounts,
and data-breach incidents with their 3 × 24-hour clock.

Rows about a person hold no more personal data than the request needs: a correction's new
value is encrypted; an export's file is ciphertext in the documents storage.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from imigrasi.lib.encrypted_fields import EncryptedTextField

# UU PDP Art. 46: notify the data subjects and the PDP institution within 3 × 24 hours.
BREACH_NOTICE_HOURS = 72


class Consent(models.Model):
    """One acceptance of one version of the privacy notice; withdrawing closes it."""

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    notice_version = models.CharField(_("privacy notice version"), max_length=20)
    accepted_at = models.DateTimeField(_("accepted"), default=timezone.now)
    language = models.CharField(max_length=5, default="id")
    channel = models.CharField(max_length=10, default="web")  # web | api
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-accepted_at"]
        indexes = [models.Index(fields=["account", "withdrawn_at"], name="consent_active")]

    def __str__(self) -> str:
        return f"consent {self.notice_version} ({self.account_id})"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready to download")
    FAILED = "failed", _("Could not be prepared")
    EXPIRED = "expired", _("Expired")


class DataExport(models.Model):
    """A copy of everything we hold about an account: JSON + PDF + documents, in one ZIP."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    requested_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    storage_name = models.CharField(max_length=200, blank=True)  # ciphertext, documents storage
    size = models.PositiveBigIntegerField(default=0)
    downloads = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"export {self.public_id}"


class CorrectionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for review")
    APPROVED = "approved", _("Corrected")
    REJECTED = "rejected", _("Not corrected")


class CorrectionRequest(models.Model):
    """A correction to identity data in a sent application: an officer of the processing
    office checks it against the documents before it changes the record (UU PDP Art. 6;
    the application is an official record, so the applicant cannot edit it directly)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="correction_requests"
    )
    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="correction_requests"
    )
    field = models.CharField(_("what to correct"), max_length=40)
    new_value = EncryptedTextField(_("correct value"))
    reason = models.TextField(_("why"), max_length=1000)
    status = models.CharField(
        max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.SUBMITTED
    )
    requested_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("note to the applicant"), blank=True, max_length=1000)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "field"],
                condition=models.Q(status="submitted"),
                name="one_open_correction_per_field",
            )
        ]

    def __str__(self) -> str:
        return f"correction {self.public_id}"


class AccountClosure(models.Model):
    """An account closed at its holder's request (consent withdrawn). The account row stays,
    anonymised, only while sent applications it owns are under legal retention."""

    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="closure"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    kept_applications = models.PositiveIntegerField(default=0)
    deleted_drafts = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"closure of {self.account_id}"


class BreachStatus(models.TextChoices):
    OPEN = "open", _("Being assessed")
    NOTIFYING = "notifying", _("Notifying")
    NOTIFIED = "notified", _("Notified")
    CLOSED = "closed", _("Closed")


class DataCategory(models.TextChoices):
    CONTACT = "contact", _("Names, email addresses and phone numbers")
    IDENTITY = "identity", _("Identity numbers (NIK, passport numbers) and dates of birth")
    ADDRESS = "address", _("Addresses")
    DOCUMENTS = "documents", _("Uploaded documents")
    BIOMETRIC = "biometric", _("Biometric data (photos, fingerprints)")
    APPLICATIONS = "applications", _("Application details and decisions")
    VISITS = "visits", _("Office visits and queue records")
    ACCOUNT = "account", _("Account security data (sign-ins, addresses)")


class BreachScope(models.TextChoices):
    ALL_ACCOUNTS = "all", _("Every account")
    OFFICE = "office", _("Accounts with an application or visit at one office")
    LISTED = "listed", _("Accounts listed by email address")


class BreachIncident(models.Model):
    """A personal-data breach ("kegagalan pelindungan data pribadi") and the notices it
    requires within 3 × 24 hours of its discovery (UU PDP Art. 46)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=20, unique=True)
    title = models.CharField(_("short title"), max_length=200)
    discovered_at = models.DateTimeField(_("discovered at"))
    occurred_from = models.DateTimeField(_("happened from"), null=True, blank=True)
    occurred_until = models.DateTimeField(_("happened until"), null=True, blank=True)
    what_happened = models.TextField(_("what happened and how"), max_length=5000)
    data_categories = models.JSONField(_("data concerned"), default=list)
    remediation = models.TextField(
        _("what we have done and what people should do"), max_length=5000
    )
    scope = models.CharField(max_length=10, choices=BreachScope.choices, blank=True)
    scope_office = models.ForeignKey(
        "catalog.Office", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scope_emails = EncryptedTextField(blank=True, default="")  # LISTED scope, one per line
    estimated_subjects = models.PositiveIntegerField(_("people affected (estimate)"), default=0)
    status = models.CharField(max_length=10, choices=BreachStatus.choices, default="open")
    authority_notified_at = models.DateTimeField(null=True, blank=True)
    authority_reference = models.CharField(max_length=100, blank=True)
    subjects_notified_at = models.DateTimeField(null=True, blank=True)
    subjects_notified = models.PositiveIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-discovered_at"]

    def __str__(self) -> str:
        return self.reference

    @property
    def deadline(self) -> dt.datetime:
        return self.discovered_at + dt.timedelta(hours=BREACH_NOTICE_HOURS)
