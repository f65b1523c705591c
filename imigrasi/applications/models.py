"""Applications for passports, visas and stay permits, and everything attached to them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from imigrasi.applications.numbers import display_number
from imigrasi.applications.workflow import CancellationReason, RejectionReason, Status
from imigrasi.lib.encrypted_fields import BlindIndexField, EncryptedJSONField, EncryptedTextField
from imigrasi.lib.identifiers import normalise_nik

MAX_PEOPLE_PER_ACCOUNT = 5


def normalise_passport_number(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


class Relationship(models.TextChoices):
    SELF = "self", _("Myself")
    SPOUSE = "spouse", _("My husband or wife")
    CHILD = "child", _("My child")
    PARENT = "parent", _("My parent")
    SIBLING = "sibling", _("My brother or sister")
    OTHER = "other", _("Another family member")


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class Person(models.Model):
    """Someone an account applies for: its holder or a family member (at most 5 per account)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="people"
    )
    relationship = models.CharField(_("relationship"), max_length=20, choices=Relationship.choices)
    full_name = EncryptedTextField(_("full name"))
    date_of_birth = EncryptedTextField(_("date of birth"))  # ISO date, encrypted like all PII
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    nik = EncryptedTextField(_("NIK"), blank=True, null=True)
    nik_index = BlindIndexField(source="nik", purpose="nik", normalizer=normalise_nik)
    passport_number = EncryptedTextField(_("passport number"), blank=True, null=True)
    passport_index = BlindIndexField(
        source="passport_number", purpose="passport", normalizer=normalise_passport_number
    )
    nationality = models.CharField(_("nationality"), max_length=3, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return f"person {self.public_id}"


class Application(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("application number"), max_length=11, unique=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="applications")
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.PROTECT, related_name="applications"
    )
    workflow = models.CharField(_("workflow"), max_length=20)
    variant_code = models.CharField(_("variant"), max_length=40, blank=True)
    addon_codes = models.JSONField(_("add-ons"), default=list, blank=True)
    office = models.ForeignKey(
        "catalog.Office",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("office"),
    )
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # Incremented by every status change: the compare-and-set that stops two officers (or an
    # officer and a payment callback) from acting on the same state at the same moment.
    version = models.PositiveIntegerField(default=0)
    answers = EncryptedJSONField(_("answers"), default=dict)
    fee_lines = models.JSONField(_("fees"), default=list, blank=True)
    fee_total = models.PositiveBigIntegerField(_("total fee (Rp)"), default=0)
    declaration_accepted_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_applications",
        verbose_name=_("assigned to"),
    )
    rejection_reason = models.CharField(
        _("rejection reason"), max_length=40, choices=RejectionReason.choices, blank=True
    )
    cancellation_reason = models.CharField(
        _("cancellation reason"), max_length=40, choices=CancellationReason.choices, blank=True
    )
    # The newest event the applicant can see: lets the status endpoint, which phones poll,
    # answer "anything new?" from this row alone.
    last_event_id = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            models.Index(fields=["office", "status", "due_at"], name="application_work_queue"),
            models.Index(fields=["account", "created_at"], name="application_by_account"),
        ]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return display_number(self.number)


class EventKind(models.TextChoices):
    CREATED = "created", _("Application started")
    STATUS = "status", _("Status changed")
    DOCUMENT = "document", _("Document uploaded")
    PAYMENT = "payment", _("Payment")
    BILLING = "billing", _("Billing code")
    ASSIGNED = "assigned", _("Assigned")
    MESSAGE = "message", _("Message")


class ApplicationEvent(models.Model):
    """The history the applicant and officers see; also the feed of the live status stream."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor_label = models.CharField(max_length=100)  # "applicant", "officer (Kanim …)", "system"
    actor_id = models.BigIntegerField(null=True, blank=True)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30, blank=True)
    message = models.TextField(blank=True)  # shown to the applicant: keep personal data out
    visible_to_applicant = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["application", "id"], name="event_by_application")]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.kind}:{self.to_status}"


class InformationRequest(models.Model):
    """An officer's request for more documents/information, answered in the same application."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="information_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requirement_codes = models.JSONField(default=list, blank=True)
    message = models.TextField()
    return_status = models.CharField(max_length=30)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"request {self.pk} on {self.application_id}"


class ScanStatus(models.TextChoices):
    PENDING = "pending", _("Virus scan pending")
    CLEAN = "clean", _("Clean")
    INFECTED = "infected", _("Infected")


class Document(models.Model):
    """An uploaded scan. Bytes live encrypted in the documents storage, never in the database."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    requirement_code = models.SlugField(max_length=60)
    version = models.PositiveSmallIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    storage_name = models.CharField(max_length=200)
    media_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    scan_status = models.CharField(max_length=20, choices=ScanStatus.choices)
    scan_signature = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["requirement_code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "requirement_code"],
                condition=models.Q(is_current=True),
                name="one_current_document_per_requirement",
            ),
            models.UniqueConstraint(
                fields=["application", "requirement_code", "version"],
                name="document_version_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requirement_code} v{self.version}"


class BillingStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")  # the billing system was unreachable; retried
    ACTIVE = "active", _("Waiting for payment")
    PAID = "paid", _("Paid")
    EXPIRED = "expired", _("Expired")
    SUPERSEDED = "superseded", _("Replaced by a new code")


class BillingCode(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="billing_codes"
    )
    reference = models.CharField(max_length=64, unique=True)  # our idempotency key for the bill
    code = models.CharField(max_length=15, null=True, blank=True, unique=True)
    amount = models.PositiveBigIntegerField()
    status = models.CharField(max_length=20, choices=BillingStatus.choices)
    requested_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    issued_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    channel = models.CharField(max_length=60, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(status__in=["pending", "active"]),
                name="one_open_billing_code_per_application",
            )
        ]

    def __str__(self) -> str:
        return self.code or f"pending {self.reference}"


class PaymentNotification(models.Model):
    """Every verified callback, kept once per transaction: the idempotency record."""

    transaction_id = models.CharField(max_length=64, unique=True)
    billing_code = models.CharField(max_length=15, db_index=True)
    amount = models.PositiveBigIntegerField()
    channel = models.CharField(max_length=60)
    paid_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=40)  # applied | unknown_code | amount_mismatch | late

    def __str__(self) -> str:
        return self.transaction_id
