"""Writes for the data-subject rights: copies of one's data, corrections, closing an account.

Each action is atomic, audited (no personal values in the entry) and defers slow or outside
work to a background task.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from imigrasi.accounts.models import User
from imigrasi.applications.models import Application
from imigrasi.applications.queries import office_may_open
from imigrasi.applications.workflow import Status
from imigrasi.audit.recording import record_event
from imigrasi.lib import crypto
from imigrasi.lib.background import enqueue_on_commit
from imigrasi.lib.ratelimit import allow
from imigrasi.privacy import tasks
from imigrasi.privacy.corrections import CORRECTABLE, apply_correction
from imigrasi.privacy.models import (
    CorrectionRequest,
    CorrectionStatus,
    DataExport,
    ExportStatus,
)


class PrivacyError(Exception):
    """A refusal the person can act on; ``code`` maps to a translated message."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def password_confirmed(account: User, password: str) -> bool:
    """The password re-entered before closing the account (web and API) or taking a copy
    through the API; attempts are limited per account, so a stolen session cannot guess it."""
    allowed, _retry = allow(f"reenter-password:{account.pk}", "5/900s")
    if not allowed:
        raise PrivacyError("too_many_attempts")
    return account.check_password(password)


# --- copies of one's data ----------------------------------------------------------------------


def _export_context(export: DataExport) -> str:
    return f"privacy-export:{export.public_id}"


def do_request_export(account: User) -> DataExport:
    """At most one copy in preparation at a time; each request is audited."""
    with transaction.atomic():
        pending = DataExport.objects.filter(account=account, status=ExportStatus.PENDING).first()
        if pending is not None:
            return pending
        export = DataExport.objects.create(account=account)
        record_event(
            actor=account,
            action="privacy.export_requested",
            obj=export,
            subject_id=account.pk,
        )
        enqueue_on_commit(tasks.build_export, export.pk)
    return export


def do_build_export(export: DataExport) -> DataExport:
    """The background half: build, encrypt, store, tell the person by email."""
    from imigrasi.privacy.export import build_archive

    if export.status != ExportStatus.PENDING:
        return export
    blob = crypto.key_ring().encrypt_bytes(build_archive(export.account), _export_context(export))
    name = storages["documents"].save(f"exports/{export.public_id}.zip.enc", ContentFile(blob))
    now = timezone.now()
    with transaction.atomic():
        updated = DataExport.objects.filter(pk=export.pk, status=ExportStatus.PENDING).update(
            status=ExportStatus.READY,
            storage_name=name,
            size=len(blob),
            ready_at=now,
            expires_at=now + dt.timedelta(days=settings.PRIVACY_EXPORT_DAYS),
        )
        if not updated:  # built twice: keep the first
            storages["documents"].delete(name)
            export.refresh_from_db()
            return export
        record_event(
            actor=None,
            system_actor="task:privacy.build_export",
            action="privacy.export_ready",
            obj=export,
            subject_id=export.account_id,
            after={"size": len(blob)},
        )
        enqueue_on_commit(tasks.tell_export_ready, export.pk)
    export.refresh_from_db()
    return export


def read_export(export: DataExport, account: User) -> bytes:
    """The archive for its holder; each download is audited."""
    if export.account_id != account.pk or export.status != ExportStatus.READY:
        raise PrivacyError("export_unavailable")
    if export.expires_at is not None and export.expires_at <= timezone.now():
        raise PrivacyError("export_unavailable")
    with storages["documents"].open(export.storage_name, "rb") as handle:
        blob = handle.read()
    with transaction.atomic():
        DataExport.objects.filter(pk=export.pk).update(downloads=export.downloads + 1)
        record_event(
            actor=account, action="privacy.export_downloaded", obj=export, subject_id=account.pk
        )
    return crypto.key_ring().decrypt_bytes(blob, _export_context(export))


def delete_export_file(export: DataExport) -> None:
    if export.storage_name:
        storages["documents"].delete(export.storage_name)
    DataExport.objects.filter(pk=export.pk).update(status=ExportStatus.EXPIRED, storage_name="")


# --- corrections ---------------------------------------------------------------------------


def do_request_correction(
    application: Application, account: User, *, field: str, new_value: str, reason: str
) -> CorrectionRequest:
    """A correction of a sent application's identity data, for the office to review. Drafts
    are corrected by editing the answer; account details on the profile page."""
    if application.account_id != account.pk:
        raise PrivacyError("not_found")
    if application.status == Status.DRAFT:
        raise PrivacyError("edit_the_draft")
    if field not in CORRECTABLE:
        raise PrivacyError("field_not_correctable")
    with transaction.atomic():
        if CorrectionRequest.objects.filter(
            application=application, field=field, status=CorrectionStatus.SUBMITTED
        ).exists():
            raise PrivacyError("already_requested")
        correction = CorrectionRequest.objects.create(
            account=account,
            application=application,
            field=field,
            new_value=new_value,
            reason=reason,
        )
        record_event(
            actor=account,
            action="privacy.correction_requested",
            obj=application,
            subject_id=account.pk,
            after={"fields": [field]},
        )
    return correction


def may_review(officer: Any, correction: CorrectionRequest) -> bool:
    """The office that may open the application reviews its corrections."""
    return office_may_open(officer, correction.application)


def do_review_correction(
    correction: CorrectionRequest, officer: User, *, approve: bool, note: str
) -> CorrectionRequest:
    if not may_review(officer, correction):
        raise PrivacyError("not_found")
    with transaction.atomic():
        locked = CorrectionRequest.objects.select_for_update().get(pk=correction.pk)
        if locked.status != CorrectionStatus.SUBMITTED:
            raise PrivacyError("already_reviewed")
        if approve:
            apply_correction(locked.application, locked.field, locked.new_value, officer)
        locked.status = CorrectionStatus.APPROVED if approve else CorrectionStatus.REJECTED
        locked.reviewed_by = officer
        locked.reviewed_at = timezone.now()
        locked.review_note = note
        locked.save()
        record_event(
            actor=officer,
            action="privacy.correction_" + ("approved" if approve else "rejected"),
            obj=locked.application,
            subject_id=locked.account_id,
            after={"fields": [locked.field]},
        )
        enqueue_on_commit(tasks.tell_correction_reviewed, locked.pk)
    return locked
