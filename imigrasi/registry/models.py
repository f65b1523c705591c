"""Checks of an identity against the population registry (NIK) and the tax office (NPWP).

A check is written when an application asks for one and answered by the task worker, so a
registry that is slow or down never holds up a submission: the check waits as "pending,
retried" and, if the registry stays silent, goes to an officer ("manual").

What is stored is what was asked (encrypted: NIK, name, date of birth, NPWP) and the verdict
as booleans and categories: never a name, date or number coming back from the registry. The
registry is a verification service, not a lookup, and we keep it that way.

Checks refer to the application by its number (``reference``) and to the account by its pk
(``subject_id``) rather than by foreign keys: this is a core app, below ``applications``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from imigrasi.lib.encrypted_fields import EncryptedJSONField, EncryptedTextField


class CheckKind(models.TextChoices):
    NIK = "nik", _("NIK, name and date of birth (population registry)")
    NPWP = "npwp", _("NPWP (tax office)")


class CheckStatus(models.TextChoices):
    PENDING = "pending", _("Pending, retried")
    MATCH = "match", _("Matches the population registry")
    PARTIAL = "partial", _("Partly matches: check the name and date of birth")
    NO_MATCH = "no_match", _("Not found in the population registry")
    VALID = "valid", _("Valid and active NPWP")
    INVALID = "invalid", _("NPWP not valid or not active")
    MANUAL = "manual", _("Needs manual verification (registry did not answer)")


# The officer's two answers to a manual check, by kind: (outcome, status it sets, label).
MANUAL_OUTCOMES: dict[str, tuple[tuple[str, str, str | Promise], ...]] = {
    CheckKind.NIK: (
        ("match", CheckStatus.MATCH, _("The NIK, name and date of birth are correct")),
        ("no_match", CheckStatus.NO_MATCH, _("They do not belong together")),
    ),
    CheckKind.NPWP: (
        ("match", CheckStatus.VALID, _("The NPWP is valid and active")),
        ("no_match", CheckStatus.INVALID, _("The NPWP is not valid or not active")),
    ),
}

NOTHING = "\u2013"  # an en dash, for a value the registry did not give

_TAGS = {
    CheckStatus.PENDING: "govuk-tag--yellow",
    CheckStatus.MATCH: "govuk-tag--green",
    CheckStatus.VALID: "govuk-tag--green",
    CheckStatus.PARTIAL: "govuk-tag--orange",
    CheckStatus.NO_MATCH: "govuk-tag--red",
    CheckStatus.INVALID: "govuk-tag--red",
    CheckStatus.MANUAL: "govuk-tag--purple",
}


class IdentityCheck(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("application number"), max_length=40, db_index=True)
    subject_id = models.BigIntegerField(null=True, blank=True)  # the account the data is about
    kind = models.CharField(_("check"), max_length=10, choices=CheckKind.choices)
    input = EncryptedJSONField()  # what was checked: {"nik", "name", "birth_date"} or {"npwp"}
    status = models.CharField(
        _("result"), max_length=20, choices=CheckStatus.choices, default=CheckStatus.PENDING
    )
    # The verdict's detail: booleans and categories only, never registry data.
    fields = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)  # the registry's id, for support
    attempts = models.PositiveIntegerField(default=0)
    # When the next attempt is due; empty once the check is settled or waits for an officer.
    next_attempt_at = models.DateTimeField(default=timezone.now, null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)  # short, never personal data
    created_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    # Free text from the officer ("e-KTP seen at the counter"): may name people, so encrypted.
    resolution_note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="registry_check_due")]
        verbose_name = _("registry check")
        verbose_name_plural = _("registry checks")

    def __str__(self) -> str:
        return f"{self.kind} check {self.public_id} ({self.status})"

    @property
    def is_manual(self) -> bool:
        return self.status == CheckStatus.MANUAL

    @property
    def tag_class(self) -> str:
        return _TAGS.get(CheckStatus(self.status), "govuk-tag--grey")

    def manual_outcomes(self) -> list[tuple[str, str]]:
        """(value, label) of the radio buttons an officer chooses from."""
        return [(value, str(label)) for value, _status, label in MANUAL_OUTCOMES[self.kind]]

    def field_rows(self) -> list[tuple[str, str]]:
        """The verdict's detail in words, for the officer's page."""
        if self.kind == CheckKind.NIK:
            return _nik_rows(self.fields)
        return _npwp_rows(self.fields)


def _nik_rows(fields: dict[str, object]) -> list[tuple[str, str]]:
    if not fields:
        return []
    agrees, differs = _("agrees"), _("differs")
    return [
        ("NIK", str(_("registered") if fields.get("nik") else _("not registered"))),
        (str(_("Name")), str(agrees if fields.get("name") else differs)),
        (str(_("Date of birth")), str(agrees if fields.get("birth_date") else differs)),
    ]


_NPWP_FORMATS = {
    "legacy15": _("15-digit NPWP (old format)"),
    "nik16": _("NIK used as NPWP"),
    "npwp16": _("16-digit NPWP"),
}
_NPWP_STATUSES = {
    "active": _("active"),
    "inactive": _("inactive"),
    "unknown": _("not registered"),
}
_TAXPAYER_TYPES = {"individual": _("individual"), "corporate": _("company or organisation")}


def _npwp_rows(fields: dict[str, object]) -> list[tuple[str, str]]:
    if not fields:
        return []
    if fields.get("well_formed") is False:
        return [(str(_("Format")), str(_("not an NPWP (15 or 16 digits)")))]
    rows = [
        (str(_("Format")), str(_NPWP_FORMATS.get(str(fields.get("format")), NOTHING))),
        (str(_("Status")), str(_NPWP_STATUSES.get(str(fields.get("status")), NOTHING))),
    ]
    taxpayer = fields.get("taxpayer_type")
    if taxpayer:
        rows.append((str(_("Taxpayer")), str(_TAXPAYER_TYPES.get(str(taxpayer), NOTHING))))
    return rows
