"""Documents we signed for offline checking (ADR 0008), kept so they can be revoked and shown.

The signed text itself travels in the document's QR code; this row is the issuer's memory of
it: which application (``reference``, the application number) and which account
(``subject_id``) it belongs to, and whether it was revoked. Like imigrasi/outbox, a core app
refers to applications by number and to accounts by id, never by a foreign key into a feature
app. The code holds the holder's name and birth date in plain text, so it is encrypted at rest.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from imigrasi.lib.encrypted_fields import EncryptedTextField


class DocumentType(models.TextChoices):
    """The library's ``DOCUMENT_TYPES`` with names a person can read (a test keeps them equal)."""

    EVISA = "evisa", _("e-Visa")
    ITAS = "itas", _("Limited stay permit (ITAS)")
    ITAP = "itap", _("Permanent stay permit (ITAP)")
    DECISION_LETTER = "decision_letter", _("Decision letter")
    VISIT_LETTER = "visit_letter", _("Visit letter")


class IssuedCredential(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The revocation handle inside the signed payload; short enough to read out on the phone.
    credential_id = models.CharField(_("credential id"), max_length=32, unique=True)
    reference = models.CharField(_("application number"), max_length=40, db_index=True)
    subject_id = models.BigIntegerField(null=True, blank=True, db_index=True)  # the holder
    document_type = models.CharField(
        _("document type"), max_length=20, choices=DocumentType.choices
    )
    key_id = models.CharField(_("signing key id"), max_length=16)  # hex of the 8-byte kid
    code = EncryptedTextField(_("signed code"))  # "ID1:…": personal data in plain text inside
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("code expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revocation_reason = models.CharField(_("revocation reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("issued document code")
        verbose_name_plural = _("issued document codes")
        constraints = [
            # Issuing is idempotent per application and document; a reissue needs a revocation.
            models.UniqueConstraint(
                fields=["reference", "document_type"],
                condition=Q(revoked_at__isnull=True),
                name="one_unrevoked_credential_per_document",
            )
        ]

    def __str__(self) -> str:
        return f"{self.credential_id} ({self.document_type} {self.reference})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
