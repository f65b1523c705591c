"""Survey invitations (one per completed service) and the answers (IKM, PermenPANRB 14/2017).

An ``Invitation`` is created when an application reaches a final status or a queue ticket is
served. Its one-time link carries a random token of which only the SHA-256 is stored here
(``token_hash``); the token itself is derived again from the invitation's id under the
server's secret when the status or ticket page shows the link (actions.token_for).

A ``Response`` keeps the nine answers, the respondent's profile and one suggestion. Anonymity:
when the respondent asks, the response stores no account and no invitation, only the office,
the service and the day of the service; its key is a random UUID (no insertion order) and it
keeps the day it was given, not the moment, so it cannot be matched with the invitation's use
either. One response per invitation is enforced by the atomic spend of the invitation (an
UPDATE … WHERE used_on IS NULL in the same transaction as the insert) and, for linked
responses, by a unique key as well.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from imigrasi.lib.encrypted_fields import EncryptedTextField


class Source(models.TextChoices):
    APPLICATION = "application", _("Application")
    TICKET = "ticket", _("Queue ticket")


class AgeBand(models.TextChoices):
    UNDER_20 = "under_20", _("Under 20")
    FROM_20 = "20_29", _("20 to 29")
    FROM_30 = "30_39", _("30 to 39")
    FROM_40 = "40_49", _("40 to 49")
    FROM_50 = "50_59", _("50 to 59")
    FROM_60 = "60_plus", _("60 or over")


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Education(models.TextChoices):
    """The education levels of the regulation's respondent profile."""

    PRIMARY = "primary", _("Primary school or less")
    JUNIOR = "junior", _("Junior high school (SMP)")
    SENIOR = "senior", _("Senior high school (SMA/SMK)")
    DIPLOMA = "diploma", _("Diploma (D1-D3)")
    BACHELOR = "bachelor", _("Bachelor's degree (D4/S1)")
    MASTER = "master", _("Master's degree (S2)")
    DOCTORATE = "doctorate", _("Doctorate (S3)")


class Occupation(models.TextChoices):
    CIVIL_SERVANT = "civil_servant", _("Civil servant, military or police")
    PRIVATE = "private", _("Private-sector employee")
    SELF_EMPLOYED = "self_employed", _("Self-employed or business owner")
    STUDENT = "student", _("Student")
    OTHER = "other", _("Other")


class Invitation(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True)  # hex SHA-256 of the link's token
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    # The application number or the ticket's public id: one invitation per completed service.
    reference = models.CharField(_("reference"), max_length=40)
    office = models.ForeignKey("catalog.Office", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="+")
    # Whom to tell (by email/SMS) and, unless they choose anonymity, whose answers these are.
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    served_on = models.DateField(_("service completed on"))  # office-local day: the period
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("link expires at"))
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # A day, not a moment: an anonymous response cannot be matched to the minute it was spent.
    used_on = models.DateField(_("answered on"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "reference"], name="feedback_one_invitation_per_service"
            ),
        ]
        indexes = [
            models.Index(fields=["office", "served_on"], name="feedback_invitation_period"),
            models.Index(
                fields=["created_at"],
                condition=Q(used_on__isnull=True, reminded_at__isnull=True),
                name="feedback_invitation_to_remind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.reference}"


class Response(models.Model):
    # Random, not a sequence: insertion order would tell which invitation was spent when.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    office = models.ForeignKey("catalog.Office", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="+")
    served_on = models.DateField(_("service completed on"))
    submitted_on = models.DateField(_("answered on"))
    # Both empty when the respondent chose anonymity.
    invitation = models.OneToOneField(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="response"
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    u1 = models.PositiveSmallIntegerField(_("requirements"))
    u2 = models.PositiveSmallIntegerField(_("procedure"))
    u3 = models.PositiveSmallIntegerField(_("time"))
    u4 = models.PositiveSmallIntegerField(_("cost"))
    u5 = models.PositiveSmallIntegerField(_("product"))
    u6 = models.PositiveSmallIntegerField(_("staff competence"))
    u7 = models.PositiveSmallIntegerField(_("staff behaviour"))
    u8 = models.PositiveSmallIntegerField(_("complaint handling"))
    u9 = models.PositiveSmallIntegerField(_("facilities"))
    age_band = models.CharField(_("age"), max_length=10, choices=AgeBand.choices, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)
    education = models.CharField(
        _("education"), max_length=12, choices=Education.choices, blank=True
    )
    occupation = models.CharField(
        _("occupation"), max_length=16, choices=Occupation.choices, blank=True
    )
    # Free text may name people: encrypted at rest, shown to the office, never published.
    suggestion = EncryptedTextField(_("suggestion"), blank=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"u{i}__gte": 1}) & Q(**{f"u{i}__lte": 4}),
                name=f"feedback_u{i}_between_1_and_4",
            )
            for i in range(1, 10)
        ]
        indexes = [
            models.Index(fields=["office", "served_on"], name="feedback_response_period"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.served_on}"

    @property
    def scores(self) -> tuple[int, ...]:
        return tuple(getattr(self, f"u{i}") for i in range(1, 10))
