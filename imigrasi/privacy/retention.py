"""The retention schedule, applied for real: what is deleted, and when.

Periods are settings (docs/privacy.md lists them for people, docs/configuration.md for
operators); the defaults follow the archive practice for public-service records and should be
set to the operator's archive retention schedule (Jadwal Retensi Arsip). `manage.py
apply_retention` runs the schedule (daily, from cron or a systemd timer); each run is audited
with its counts. Audit entries themselves are not deleted: they hold no personal values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from imigrasi.accounts.models import Role, User
from imigrasi.applications.models import Application, Person
from imigrasi.applications.workflow import Status
from imigrasi.appointments.models import ACTIVE_BOOKING, Booking, Ticket
from imigrasi.assistant.models import Conversation
from imigrasi.audit.recording import record_event
from imigrasi.credentials.models import IssuedCredential
from imigrasi.privacy.actions import delete_export_file
from imigrasi.privacy.closure import delete_draft
from imigrasi.privacy.models import DataExport
from imigrasi.registry.models import IdentityCheck

DECIDED = (
    Status.COLLECTED,
    Status.APPROVED,
    Status.REJECTED,
    Status.CANCELLED_UNCOLLECTED,
    Status.NO_SHOW,
    Status.CANCELLED,
)
NOT_PURSUED = (Status.WITHDRAWN, Status.PAYMENT_EXPIRED)


@dataclass
class RetentionReport:
    drafts: int = 0
    decided_applications: int = 0
    unpursued_applications: int = 0
    visits: int = 0
    conversations: int = 0
    exports: int = 0
    unverified_accounts: int = 0
    closed_accounts: int = 0
    registry_checks: int = 0
    issued_documents: int = 0

    @property
    def total(self) -> int:
        return sum(asdict(self).values())


def _years(count: int) -> dt.timedelta:
    return dt.timedelta(days=365 * count)


def _delete_applications(applications: QuerySet[Application]) -> int:
    deleted = 0
    for application in applications:
        for booking in Booking.objects.filter(application=application):
            _delete_booking(booking)
        delete_draft(application)  # documents' files, then the rows (history, bills cascade)
        deleted += 1
    return deleted


def _delete_booking(booking: Booking) -> None:
    # The queue ticket stays for the office's statistics; it holds nothing personal.
    Ticket.objects.filter(booking=booking).update(booking=None)
    booking.delete()


def apply_retention(now: dt.datetime | None = None) -> RetentionReport:
    now = now or timezone.now()
    report = RetentionReport()
    with transaction.atomic():
        drafts = Application.objects.filter(
            status=Status.DRAFT,
            updated_at__lt=now - dt.timedelta(days=settings.RETENTION_DRAFT_DAYS),
        )
        report.drafts = _delete_applications(drafts)
        decided = Application.objects.filter(status__in=DECIDED).filter(
            Q(decided_at__lt=now - _years(settings.RETENTION_DECIDED_YEARS))
            | Q(
                decided_at__isnull=True,
                updated_at__lt=now - _years(settings.RETENTION_DECIDED_YEARS),
            )
        )
        report.decided_applications = _delete_applications(decided)
        unpursued = Application.objects.filter(
            status__in=NOT_PURSUED,
            updated_at__lt=now - _years(settings.RETENTION_UNPURSUED_YEARS),
        )
        report.unpursued_applications = _delete_applications(unpursued)
        old_visits = Booking.objects.filter(
            application__isnull=True,
            slot__starts_at__lt=now - _years(settings.RETENTION_VISIT_YEARS),
        ).exclude(status__in=ACTIVE_BOOKING)
        for booking in old_visits:
            _delete_booking(booking)
            report.visits += 1
        report.conversations, _ = Conversation.objects.filter(
            updated_at__lt=now - dt.timedelta(days=settings.RETENTION_CONVERSATION_DAYS)
        ).delete()
        for export in DataExport.objects.filter(expires_at__lt=now):
            delete_export_file(export)
            export.delete()
            report.exports += 1
        report.registry_checks, report.issued_documents = _delete_unanchored(now)
        report.unverified_accounts = _delete_accounts(
            User.objects.filter(
                role=Role.APPLICANT,
                closure__isnull=True,
                date_joined__lt=now - dt.timedelta(days=settings.RETENTION_UNVERIFIED_DAYS),
            ).exclude(pk__in=EmailAddress.objects.filter(verified=True).values("user_id"))
        )
        report.closed_accounts = _delete_accounts(
            User.objects.filter(closure__completed_at__isnull=False)
        )
        if report.total:
            record_event(
                actor=None,
                system_actor="command:apply_retention",
                action="privacy.retention_applied",
                after=asdict(report),
            )
    return report


def _delete_unanchored(now: dt.datetime) -> tuple[int, int]:
    """Registry checks and issued-document records are part of their application's record
    (they name it by number, not by a key): they go once the application has gone. A
    document record also waits until its signed code has expired: until then the record is
    what tells a verifier that a revoked code is revoked."""
    numbers = Application.objects.values("number")
    checks, _ = IdentityCheck.objects.exclude(reference__in=numbers).delete()
    documents, _ = (
        IssuedCredential.objects.exclude(reference__in=numbers).filter(expires_at__lt=now).delete()
    )
    return checks, documents


def _delete_accounts(accounts: object) -> int:
    """Those among ``accounts`` that no official record points to any more."""
    deleted = 0
    for account in accounts.exclude(  # type: ignore[attr-defined]
        Q(applications__isnull=False) | Q(bookings__isnull=False)
    ).distinct():
        Person.objects.filter(account=account).exclude(
            Q(applications__isnull=False) | Q(bookings__isnull=False)
        ).delete()
        if Person.objects.filter(account=account).exists():
            continue
        account.delete()
        deleted += 1
    return deleted
