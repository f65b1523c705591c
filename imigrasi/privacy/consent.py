"""Consent to the privacy notice: recorded per version, asked again when the notice changes.

Most processing rests on law (UU 6/2011, UU PDP Art. 20 public task); the account itself rests
on consent given at sign-up. Each acceptance is a row with the notice version, time, language
and channel. Changing the notice's substance means raising ``NOTICE_VERSION`` (and the date
shown on the notice page): applicants are then asked to read and accept it again before
anything else, except reading the notice, using their data rights, or signing out.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from imigrasi.accounts.models import Role, User
from imigrasi.audit.recording import record_event
from imigrasi.privacy.models import Consent

# The date of the privacy notice in force (pages/privacy.html shows it).
NOTICE_VERSION = "2026-11-29"


def current_consent(account: Any) -> Consent | None:
    return (
        Consent.objects.filter(
            account_id=account.pk, notice_version=NOTICE_VERSION, withdrawn_at__isnull=True
        )
        .order_by("-accepted_at")
        .first()
    )


def needs_consent(account: Any) -> bool:
    """Applicants act only under the notice in force; staff work under their employment."""
    if getattr(account, "role", None) != Role.APPLICANT:
        return False
    return current_consent(account) is None


def do_give_consent(account: User, *, language: str, channel: str = "web") -> Consent:
    with transaction.atomic():
        consent = current_consent(account)
        if consent is not None:
            return consent
        consent = Consent.objects.create(
            account=account,
            notice_version=NOTICE_VERSION,
            language=language[:5],
            channel=channel,
        )
        record_event(
            actor=account,
            action="privacy.consent_given",
            obj=account,
            subject_id=account.pk,
            after={"notice_version": NOTICE_VERSION, "channel": channel},
        )
    return consent


def withdraw_all_consents(account: User) -> int:
    """Inside the caller's transaction (closing an account): every open consent ends now."""
    return Consent.objects.filter(account=account, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
