"""Filing, importing, handling and escalating complaints, and telling LAPOR! about them.

Every write here is one transaction with one audit entry that names the complaint by its
public id and never carries what it says or who sent it. Side effects (the LAPOR! update job,
the supervisors' email) are queued with the data they need.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from imigrasi.accounts.models import Role
from imigrasi.audit.recording import record_event
from imigrasi.catalog.models import Office
from imigrasi.complaints import lapor, rules, tasks
from imigrasi.complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintEvent,
    ComplaintResponse,
    EventKind,
    LaporUpdate,
    Source,
    Status,
    UpdateState,
)
from imigrasi.lib import crypto
from imigrasi.lib.background import enqueue_on_commit
from imigrasi.lib.http import DependencyRejected, DependencyUnavailable
from imigrasi.lib.uploads import CleanFile, UploadLimits, UploadRejected, inspect_upload
from imigrasi.lib.virus_scan import ScannerUnavailable, scanner_from_config

logger = logging.getLogger(__name__)

MAX_ATTACHMENTS = 3
SWEEP_ACTOR = "command:complaint_sla"
LAPOR_ACTOR = "system:lapor"
FIRST_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 60 * 60


class ComplaintError(Exception):
    """A refusal with a code that ``messages.ERRORS`` turns into a translated sentence."""

    def __init__(self, code: str, field: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.field = field


@dataclass(frozen=True)
class Filing:
    category: str
    office: Office
    description: str
    title: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    confidential: bool = False
    anonymous: bool = False


def secret_digest(number: str, secret: str) -> str:
    return crypto.blind_index(f"{number}:{rules.normalise_secret(secret)}", "complaint-secret")


def _local_today(office: Office) -> dt.date:
    return timezone.now().astimezone(office.zone).date()


# --- attachments ------------------------------------------------------------------------------


def check_attachments(files: list[bytes]) -> list[CleanFile]:
    """Scan and inspect every file before anything is stored: one bad file refuses them all
    (the complainant fixes it and sends again; nothing half-stored)."""
    if len(files) > MAX_ATTACHMENTS:
        raise ComplaintError("too_many_attachments", "attachments")
    scanner = scanner_from_config(settings.CLAMD_ADDRESS or None)
    clean_files = []
    for data in files:
        if not data:
            raise ComplaintError("upload_empty", "attachments")
        if len(data) > settings.UPLOAD_MAX_BYTES:
            raise ComplaintError("upload_too_large", "attachments")
        try:
            result = scanner.scan(data)
        except ScannerUnavailable as exc:
            # Fail closed: an unscanned file never reaches an officer's screen.
            raise ComplaintError("upload_not_scanned", "attachments") from exc
        if not result.clean:
            raise ComplaintError("upload_infected", "attachments")
        try:
            clean_files.append(inspect_upload(data, UploadLimits(settings.UPLOAD_MAX_BYTES)))
        except UploadRejected as exc:
            raise ComplaintError(f"upload_{exc.code}", "attachments") from exc
    return clean_files


def _context(complaint: Complaint) -> str:
    return f"complaints:{complaint.public_id}"


def _store(complaint: Complaint, clean: CleanFile) -> ComplaintAttachment:
    name = f"complaints/{complaint.public_id}/{uuid.uuid4().hex}{clean.extension}.enc"
    blob = crypto.key_ring().encrypt_bytes(clean.content, _context(complaint))
    stored = storages["documents"].save(name, ContentFile(blob))
    return ComplaintAttachment(
        complaint=complaint,
        storage_name=stored,
        media_type=clean.media_type,
        size=len(clean.content),
        sha256=clean.sha256,
        pages=clean.pages,
    )


def read_attachment(attachment: ComplaintAttachment) -> bytes:
    with storages["documents"].open(attachment.storage_name, "rb") as handle:
        blob = handle.read()
    return crypto.key_ring().decrypt_bytes(blob, _context(attachment.complaint))


# --- filing -----------------------------------------------------------------------------------


def do_file_complaint(
    filing: Filing,
    *,
    account: Any = None,
    attachments: list[CleanFile] | None = None,
    client_token: uuid.UUID | None = None,
) -> tuple[Complaint, str | None]:
    """Store a complaint filed on the website; returns it and its secret (None when the same
    form was sent before: the first filing stands and nothing is stored twice)."""
    if client_token is not None:
        existing = Complaint.objects.filter(client_token=client_token).first()
        if existing is not None:
            return existing, None
    if rules.category(filing.category) is None:
        raise ComplaintError("unknown_category", "category")
    anonymous = filing.anonymous
    signed_in = account is not None and getattr(account, "is_authenticated", False)
    secret = rules.new_secret()
    stored_names: list[str] = []
    try:
        with transaction.atomic():
            complaint = Complaint(
                number=_unused_number(),
                category=filing.category,
                office=filing.office,
                title=filing.title[:150],
                description=filing.description,
                contact_name="" if anonymous else filing.contact_name,
                contact_email="" if anonymous else filing.contact_email.strip().lower(),
                contact_phone="" if anonymous else filing.contact_phone,
                account=account if signed_in and not anonymous else None,
                confidential=filing.confidential or anonymous,
                anonymous=anonymous,
                source=Source.WEB,
                client_token=client_token,
                due_on=rules.due_on(Status.RECEIVED, _local_today(filing.office)),
            )
            complaint.secret_digest = secret_digest(complaint.number, secret)
            complaint.save()
            rows = [_store(complaint, clean) for clean in attachments or []]
            stored_names = [row.storage_name for row in rows]
            ComplaintAttachment.objects.bulk_create(rows)
            ComplaintEvent.objects.create(
                complaint=complaint, kind=EventKind.FILED, status_to=Status.RECEIVED
            )
            _audit_filed(complaint, account if signed_in else None, len(rows))
    except IntegrityError:
        _delete_files(stored_names)
        if client_token is not None:
            existing = Complaint.objects.filter(client_token=client_token).first()
            if existing is not None:  # the double submit won the race
                return existing, None
        raise
    except Exception:
        _delete_files(stored_names)
        raise
    return complaint, secret


def _delete_files(names: list[str]) -> None:
    for name in names:
        storages["documents"].delete(name)


def _unused_number() -> str:
    for _attempt in range(10):
        number = rules.new_tracking_number()
        if not Complaint.objects.filter(number=number).exists():
            return number
    raise RuntimeError("no free tracking number after 10 tries")


def _audit_filed(complaint: Complaint, actor: Any, attachments: int) -> None:
    record_event(
        actor=actor,
        system_actor="" if actor is not None or complaint.source == Source.WEB else LAPOR_ACTOR,
        action="complaint.filed",
        obj=complaint,
        subject_id=complaint.account_id,
        after={
            "number": complaint.number,
            "category": complaint.category,
            "office": complaint.office.code,
            "source": complaint.source,
            "confidential": complaint.confidential,
            "anonymous": complaint.anonymous,
            "attachments": attachments,
        },
    )


def do_import_lapor(payload: dict[str, Any]) -> tuple[Complaint, bool]:
    """A complaint LAPOR! disposed to us (already in the exchange shape, signature checked).
    Returns (complaint, created); the same ``lapor_id`` posted again is the same complaint."""
    lapor_id = str(payload["lapor_id"])
    existing = Complaint.objects.filter(lapor_id=lapor_id).first()
    if existing is not None:
        return existing, False
    office = Office.objects.filter(code=payload.get("unit_code") or "", is_active=True).first()
    if office is None:
        # LAPOR! disposed to the agency as a whole: the online processing office triages.
        office = Office.objects.get(code=settings.ONLINE_PROCESSING_OFFICE)
    status = rules.FROM_LAPOR.get(str(payload.get("status")), Status.RECEIVED)
    reporter = payload.get("reporter") or {}
    anonymous = bool(payload.get("anonymous")) or not reporter
    try:
        with transaction.atomic():
            complaint = Complaint.objects.create(
                number=_unused_number(),
                category=payload["category"],
                office=office,
                title=str(payload.get("title") or "")[:150],
                description=str(payload["description"]),
                contact_name="" if anonymous else str(reporter.get("name", "")),
                contact_email="" if anonymous else str(reporter.get("email", "")).lower(),
                contact_phone="" if anonymous else str(reporter.get("phone", "")),
                confidential=bool(payload.get("confidential")) or anonymous,
                anonymous=anonymous,
                status=status,
                source=Source.LAPOR,
                lapor_id=lapor_id,
                due_on=rules.due_on(status, _local_today(office)),
            )
            ComplaintEvent.objects.create(
                complaint=complaint, kind=EventKind.FILED, status_to=status
            )
            _audit_filed(complaint, None, 0)
    except IntegrityError:
        existing = Complaint.objects.filter(lapor_id=lapor_id).first()
        if existing is None:
            raise
        return existing, False  # the same complaint posted twice at once
    return complaint, True


# --- handling by the office -------------------------------------------------------------------


def do_change_status(
    complaint: Complaint, actor: Any, target: str, *, message: str = "", version: int
) -> Complaint:
    """Move a complaint one step; ``message`` is a reply the complainant reads."""
    message = (message or "").strip()
    if not rules.can_move(complaint.status, target):
        raise ComplaintError("illegal_transition", "status")
    if rules.needs_response(complaint.status, target) and not message:
        raise ComplaintError("response_required", "message")
    now = timezone.now()
    before = complaint.status
    with transaction.atomic():
        changes: dict[str, Any] = {
            "status": target,
            "status_changed_at": now,
            "due_on": rules.due_on(target, _local_today(complaint.office)),
            "version": F("version") + 1,
        }
        if target == Status.ASSIGNED:
            changes["assigned_to"] = actor
        updated = Complaint.objects.filter(pk=complaint.pk, status=before, version=version).update(
            **changes
        )
        if not updated:
            raise ComplaintError("changed_by_someone_else")
        complaint.refresh_from_db()
        ComplaintEvent.objects.create(
            complaint=complaint,
            kind=EventKind.STATUS,
            status_from=before,
            status_to=target,
            actor=actor,
            at=now,
        )
        if message:
            ComplaintResponse.objects.create(
                complaint=complaint, author=actor, text=message, status_after=target
            )
        if complaint.source == Source.LAPOR:
            update = LaporUpdate.objects.create(
                complaint=complaint, status=target, response=message
            )
            enqueue_on_commit(tasks.deliver_lapor_update, update.pk, 0)
        record_event(
            actor=actor,
            action="complaint.status_changed",
            obj=complaint,
            subject_id=complaint.account_id,
            before={"status": before},
            after={"status": target, "response": bool(message)},
        )
    return complaint


def do_add_note(complaint: Complaint, actor: Any, text: str) -> ComplaintResponse:
    """An internal note: the office reads it, the complainant never does."""
    text = (text or "").strip()
    if not text:
        raise ComplaintError("note_required", "note")
    with transaction.atomic():
        note = ComplaintResponse.objects.create(
            complaint=complaint,
            author=actor,
            text=text,
            visible=False,
            status_after=complaint.status,
        )
        record_event(
            actor=actor,
            action="complaint.noted",
            obj=complaint,
            subject_id=complaint.account_id,
            after={"status": complaint.status},
        )
    return note


# --- the sweep: escalation and LAPOR! updates -------------------------------------------------


def escalate_overdue(limit: int = 500) -> int:
    """Mark complaints past their deadline as escalated (once per status) and tell the
    office's supervisors. The deadline is a working day in the office's own calendar."""
    escalated = 0
    candidates = (
        Complaint.objects.exclude(status=Status.CLOSED)
        .filter(due_on__isnull=False)
        .exclude(escalated_status=F("status"))
        .select_related("office")
        .order_by("due_on")[:limit]
    )
    for complaint in candidates:
        if complaint.due_on is None or not complaint.is_overdue():
            continue
        with transaction.atomic():
            marked = (
                Complaint.objects.filter(pk=complaint.pk, status=complaint.status)
                .exclude(escalated_status=complaint.status)
                .update(escalated_at=timezone.now(), escalated_status=complaint.status)
            )
            if not marked:
                continue
            ComplaintEvent.objects.create(
                complaint=complaint,
                kind=EventKind.ESCALATED,
                status_from=complaint.status,
                status_to=complaint.status,
            )
            record_event(
                actor=None,
                system_actor=SWEEP_ACTOR,
                action="complaint.escalated",
                obj=complaint,
                subject_id=complaint.account_id,
                after={"status": complaint.status, "due_on": complaint.due_on.isoformat()},
            )
            enqueue_on_commit(tasks.tell_supervisors, complaint.pk)
        escalated += 1
    return escalated


def supervisors_of(office: Office) -> list[Any]:
    return list(office.staff.filter(role=Role.SUPERVISOR, is_active=True))


def retry_delay(attempts: int) -> dt.timedelta:
    seconds = FIRST_DELAY_SECONDS * 4 ** max(0, attempts - 1)
    return dt.timedelta(seconds=min(MAX_DELAY_SECONDS, seconds))


def do_deliver_update(update_id: int, attempt: int = 0) -> str:
    """One attempt to tell LAPOR!. An update waits while an earlier one of the same complaint
    is still pending (LAPOR! must see the statuses in order). Never dropped for silence:
    LAPOR! being down only moves the next attempt (at most an hour apart)."""
    update = LaporUpdate.objects.select_related("complaint").filter(pk=update_id).first()
    if update is None or update.state != UpdateState.PENDING:
        return "skipped"
    earlier = LaporUpdate.objects.filter(
        complaint_id=update.complaint_id, state=UpdateState.PENDING, pk__lt=update.pk
    ).exists()
    if earlier:
        return "waiting"
    claimed = LaporUpdate.objects.filter(
        pk=update.pk, state=UpdateState.PENDING, attempts=attempt
    ).update(attempts=F("attempts") + 1)
    if not claimed:
        return "skipped"
    update.attempts = attempt + 1
    try:
        lapor.send_update(update)
    except DependencyUnavailable as exc:
        delay = retry_delay(update.attempts)
        if exc.retry_after:
            delay = max(delay, dt.timedelta(seconds=min(exc.retry_after, MAX_DELAY_SECONDS)))
        next_at = timezone.now() + delay
        why = f"{exc.reason}" + (f" {exc.status}" if exc.status else "")
        LaporUpdate.objects.filter(pk=update.pk).update(next_attempt_at=next_at, last_error=why)
        logger.warning("LAPOR! update %s: %s; next attempt in %ss", update.public_id, why, delay)
        enqueue_on_commit(tasks.deliver_lapor_update, update.pk, update.attempts, run_after=next_at)
        return UpdateState.PENDING
    except DependencyRejected as exc:
        LaporUpdate.objects.filter(pk=update.pk).update(
            state=UpdateState.REJECTED, next_attempt_at=None, last_error=f"refused {exc.status}"
        )
        logger.error("LAPOR! refused update %s (%s)", update.public_id, exc.status)
        return UpdateState.REJECTED
    LaporUpdate.objects.filter(pk=update.pk).update(
        state=UpdateState.DELIVERED, delivered_at=timezone.now(), next_attempt_at=None
    )
    return UpdateState.DELIVERED


def deliver_due_updates(limit: int = 500) -> dict[str, int]:
    outcomes: dict[str, int] = {}
    due = (
        LaporUpdate.objects.filter(state=UpdateState.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("pk")
        .values_list("pk", "attempts")[:limit]
    )
    for pk, attempts in list(due):
        outcome = do_deliver_update(pk, attempts)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes
