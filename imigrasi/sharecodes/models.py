"""Share codes a holder gives an employer, landlord or bank, and the checks made with them.

A share code lets one organisation see the *status* of one granted visa or stay permit — valid,
expired or cancelled, its dates and whether the holder may work — for as long as the holder
allows, and nothing else about them. The code is stored twice: as a keyed HMAC (the blind
index, ``code_index``) for the exact lookup a check needs, and encrypted (``code``) so the
holder can see it again on their page while it is usable. Someone with the database alone can
neither read a code nor derive one from its index (the HMAC key is outside the database).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from imigrasi.lib.encrypted_fields import BlindIndexField, EncryptedTextField
from imigrasi.sharecodes import codes


def _normalised(text: str) -> str:
    return codes.normalise(text) or text


class SharePurpose(models.TextChoices):
    EMPLOYMENT = "employment", _("Employment")
    ACCOMMODATION = "accommodation", _("Renting a home or accommodation")
    EDUCATION = "education", _("Education")
    FINANCE = "finance", _("Bank or financial services")
    OTHER = "other", _("Something else")


class ShareCode(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_codes"
    )
    credential = models.ForeignKey(
        "credentials.IssuedCredential", on_delete=models.CASCADE, related_name="share_codes"
    )
    code = EncryptedTextField(_("share code"))
    code_index = BlindIndexField(
        source="code", purpose="share_code", normalizer=_normalised, unique=True
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=SharePurpose.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("share code")
        verbose_name_plural = _("share codes")
        indexes = [
            models.Index(fields=["account", "created_at"], name="share_code_by_account"),
        ]

    def __str__(self) -> str:
        return f"share code {self.public_id}"

    @property
    def display_code(self) -> str:
        return codes.display(self.code)

    def state(self, now: dt.datetime | None = None) -> str:
        """active, revoked or expired (revocation wins: it was the holder's decision)."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= (now or timezone.now()):
            return "expired"
        return "active"


class Channel(models.TextChoices):
    API = "api", _("Through the verification API")
    WEB = "web", _("On our website")


class CheckOutcome(models.TextChoices):
    """What the checker learnt. The first three show the permission's status; the others were
    refused with the same answer as an unknown code (the checker cannot tell them apart)."""

    VALID = "valid", _("Shown: the permission is valid")
    EXPIRED = "expired", _("Shown: the permission has expired")
    CANCELLED = "cancelled", _("Shown: the permission was cancelled")
    WRONG_DATE_OF_BIRTH = "wrong_date_of_birth", _("Refused: the date of birth did not match")
    CODE_EXPIRED = "code_expired", _("Refused: the share code had expired")
    CODE_REVOKED = "code_revoked", _("Refused: you had revoked the share code")
    LOCKED = "locked", _("Refused: too many wrong dates of birth with this code")


SHOWN_OUTCOMES = frozenset({CheckOutcome.VALID, CheckOutcome.EXPIRED, CheckOutcome.CANCELLED})


class StatusCheck(models.Model):
    """One check made with a share code that exists (unknown codes leave nothing to keep)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    share_code = models.ForeignKey(ShareCode, on_delete=models.CASCADE, related_name="checks")
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # The organisation as the holder sees it: the registered client's name (API) or the name
    # typed on the web page. Never the holder's data.
    organisation = models.CharField(_("organisation"), max_length=200)
    client = models.ForeignKey(
        "oauth2_provider.Application",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verifier client"),
    )
    outcome = models.CharField(_("outcome"), max_length=30, choices=CheckOutcome.choices)

    class Meta:
        ordering = ["-checked_at"]
        verbose_name = _("status check")
        verbose_name_plural = _("status checks")
        indexes = [
            models.Index(fields=["share_code", "checked_at"], name="status_check_by_code"),
        ]

    def __str__(self) -> str:
        return f"check {self.public_id}"
