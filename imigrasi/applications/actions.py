"""Every write to an application. Web views, the API, tasks and callbacks all come here.

Each action is atomic, changes status only through the workflow table, records an event in
the application's history and an entry in the audit log (personal values redacted), and
defers side effects (billing requests, notifications) until the transaction commits.

Concurrency: a status change is a compare-and-set on (status, version). Two officers pressing
"approve" at the same moment, or a payment callback racing an expiry, cannot both win: the
loser gets ``Conflict`` and a clear message, and nothing is half-applied.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from imigrasi.accounts.models import OFFICE_BOUND_ROLES, Role, User
from imigrasi.applications import documents as document_store
from imigrasi.applications import tasks
from imigrasi.applications.agency_events import publish_decision
from imigrasi.applications.documents_issued import issue_documents
from imigrasi.applications.models import (
    MAX_PEOPLE_PER_ACCOUNT,
    Application,
    ApplicationEvent,
    BillingCode,
    BillingStatus,
    Document,
    EventKind,
    InformationRequest,
    PaymentNotification,
    Person,
    Relationship,
    ScanStatus,
)
from imigrasi.applications.numbers import new_application_number
from imigrasi.applications.questions import QUESTIONS_BY_KEY, validate_answer
from imigrasi.applications.signals import status_changed
from imigrasi.applications.wizard import context_for, readiness
from imigrasi.applications.workflow import (
    REASON_REQUIRED,
    Actor,
    IllegalTransition,
    RejectionReason,
    Status,
    transition_for,
)
from imigrasi.audit.recording import record_event
from imigrasi.catalog.models import Office, Service
from imigrasi.catalog.queries import quote
from imigrasi.lib.background import enqueue_on_commit
from imigrasi.lib.billing import PaymentNotice
from imigrasi.lib.http import DependencyRejected, DependencyUnavailable
from imigrasi.lib.uploads import UploadRejected
from imigrasi.lib.virus_scan import ScannerUnavailable
from imigrasi.lib.workdays import add_working_days
from imigrasi.registry.actions import request_nik_check

logger = logging.getLogger(__name__)


class ApplicationError(Exception):
    """A refusal the person can act on; ``code`` maps to a translated message in the views."""

    def __init__(self, code: str, **details: Any) -> None:
        super().__init__(code)
        self.code = code
        self.details = details


class Conflict(ApplicationError):
    """Someone else changed the application first."""


def _actor_label(user: User | None) -> str:
    if user is None:
        return "system"
    if user.role in OFFICE_BOUND_ROLES and user.office:
        return f"{user.get_role_display()} ({user.office.name})"
    return str(user.get_role_display())


def _event(
    application: Application,
    kind: str,
    actor: User | None,
    *,
    from_status: str = "",
    to_status: str = "",
    message: str = "",
    visible: bool = True,
) -> ApplicationEvent:
    event = ApplicationEvent.objects.create(
        application=application,
        kind=kind,
        actor_label=_actor_label(actor),
        actor_id=actor.pk if actor else None,
        from_status=from_status,
        to_status=to_status,
        message=message,
        visible_to_applicant=visible,
    )
    if visible:
        Application.objects.filter(pk=application.pk).update(last_event_id=event.pk)
        application.last_event_id = event.pk
    if kind == EventKind.STATUS and visible:
        enqueue_on_commit(tasks.notify_status_change, event.pk)
    return event


def _change_status(
    application: Application,
    action: str,
    actor_kind: str,
    actor: User | None,
    *,
    message: str = "",
    extra: dict[str, Any] | None = None,
    audit_reason: str | None = None,
) -> Application:
    """Compare-and-set the status; raises IllegalTransition or Conflict. The change, its
    event, its audit row and any decision event for other agencies commit together.
    ``audit_reason`` replaces ``message`` in the audit log when the message may be personal."""
    transition = transition_for(application.workflow, action, application.status, actor_kind)
    now = timezone.now()
    updates: dict[str, Any] = {
        "status": transition.target,
        "version": F("version") + 1,
        "updated_at": now,
        **(extra or {}),
    }
    with transaction.atomic():
        changed = Application.objects.filter(
            pk=application.pk, status=application.status, version=application.version
        ).update(**updates)
        if changed != 1:
            raise Conflict("changed_by_someone_else")
        previous = application.status
        application.refresh_from_db()
        _event(
            application,
            EventKind.STATUS,
            actor,
            from_status=previous,
            to_status=application.status,
            message=message,
        )
        publish_decision(application, action)
        issue_documents(application, action)
        record_event(
            actor=actor,
            system_actor="" if actor else "system",
            action=f"application.{action}",
            obj=application,
            subject_id=application.account_id,
            before={"status": previous},
            after={"status": application.status},
            reason=message if audit_reason is None else audit_reason,
        )
        status_changed.send(
            sender=Application, application=application, previous=previous, action=action
        )
    return application


# --- starting and answering -------------------------------------------------------------------


def do_start_application(
    account: User,
    service: Service,
    *,
    person: Person | None = None,
    relationship: str = Relationship.SELF,
) -> Application:
    if not service.is_active or service.is_addon or not service.online_application:
        raise ApplicationError("service_not_available")
    with transaction.atomic():
        if person is None:
            # Lock the account row: two tabs must not both create the sixth person.
            User.objects.select_for_update().filter(pk=account.pk).first()
            if account.people.count() >= MAX_PEOPLE_PER_ACCOUNT:
                raise ApplicationError("too_many_people", limit=MAX_PEOPLE_PER_ACCOUNT)
            if relationship not in Relationship.values:
                raise ApplicationError("bad_relationship")
            person = Person.objects.create(account=account, relationship=relationship)
        elif person.account_id != account.pk:
            raise ApplicationError("not_found")
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    application = Application.objects.create(
                        number=new_application_number(),
                        account=account,
                        person=person,
                        service=service,
                        workflow=service.workflow,
                    )
                break
            except IntegrityError:  # a number already taken: draw again
                continue
        else:  # pragma: no cover - 10^8 numbers
            raise ApplicationError("try_again")
        _event(application, EventKind.CREATED, account)
        record_event(
            actor=account,
            action="application.started",
            obj=application,
            subject_id=account.pk,
            after={"service": service.code},
        )
    return application


def _store_answer(locked: Application, question: Any, raw: Any, value: Any) -> None:
    """Put a validated answer where it lives: the person, the application or its answers."""
    key = question.key
    answers = dict(locked.answers or {})
    person = locked.person
    if question.store.startswith("person:"):
        setattr(person, question.store.split(":", 1)[1], value)
        person.save()
    elif key == "mrz":
        answers["mrz"] = {"raw": str(raw).strip(), **value}
        person.full_name = value["full_name"]
        person.date_of_birth = value["birth_date"]
        person.sex = value["sex"]
        person.passport_number = value["document_number"]
        person.nationality = value["nationality"]
        person.save()
    elif key == "variant":
        locked.variant_code = value
    elif key == "acceleration":
        answers["acceleration"] = bool(value)
        locked.addon_codes = (
            list(locked.service.addons.values_list("code", flat=True)) if value else []
        )
    elif key == "office":
        locked.office = Office.objects.get(code=value)
    else:
        answers[key] = value
    locked.answers = answers
    locked.save()


def _question_for(application: Application, key: str) -> tuple[Any, Any]:
    question = QUESTIONS_BY_KEY.get(key)
    ctx = context_for(application)
    if question is None or not question.applies(ctx):
        raise ApplicationError("unknown_question")
    return question, ctx


def do_answer_question(application: Application, key: str, raw: Any, actor: User) -> Application:
    """Validate and store one answer (raises ValidationError with a translated message)."""
    if application.status != Status.DRAFT:
        raise ApplicationError("not_editable")
    question, ctx = _question_for(application, key)
    value = validate_answer(question, raw, ctx)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != Status.DRAFT:
            raise ApplicationError("not_editable")
        _store_answer(locked, question, raw, value)
        record_event(
            actor=actor,
            action="application.answered",
            obj=locked,
            subject_id=locked.account_id,
            # Which answer changed, never its value: every answer is about a person.
            after={"fields": [key]},
        )
    application.refresh_from_db()
    application.person.refresh_from_db()
    return application


def check_correction(application: Application, key: str, raw: Any) -> Any:
    """The same validation as the answer had, for a correction of a sent application
    (raises ValidationError with a translated message, ApplicationError for a bad key)."""
    question, ctx = _question_for(application, key)
    return validate_answer(question, raw, ctx)


def do_correct_answer(application: Application, key: str, raw: Any, officer: User) -> None:
    """An officer applies a correction the applicant asked for (privacy app): same
    validation and storage as the original answer, recorded in the history."""
    value = check_correction(application, key, raw)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        _store_answer(locked, QUESTIONS_BY_KEY[key], raw, value)
        with translation.override(locked.account.preferred_language):
            message = _("Corrected at your request: %(what)s") % {
                "what": QUESTIONS_BY_KEY[key].label
            }
        _event(locked, EventKind.MESSAGE, officer, message=message)
        record_event(
            actor=officer,
            action="application.corrected",
            obj=locked,
            subject_id=locked.account_id,
            after={"fields": [key]},
        )


# --- documents --------------------------------------------------------------------------------


def do_upload_document(
    application: Application, requirement_code: str, data: bytes, actor: User
) -> Document:
    """Check, scan, encrypt and store a scan; the previous version stays in the history."""
    editable = {Status.DRAFT, Status.DOCUMENTS_REQUESTED, Status.INFORMATION_REQUESTED}
    if application.status not in editable:
        raise ApplicationError("not_editable")
    if not application.service.requirements.filter(code=requirement_code, upload=True).exists():
        raise ApplicationError("unknown_requirement")
    if not data:
        raise ApplicationError("upload_empty")
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise ApplicationError("upload_too_large")
    try:
        # The scanner sees the bytes as uploaded: cleaning (re-encoding, dropping metadata)
        # could hide what was sent, and malware sent is worth recording even if defused.
        result = document_store.scan(data)
        scan_status = ScanStatus.CLEAN if result.clean else ScanStatus.INFECTED
        signature = result.signature or ""
    except ScannerUnavailable:
        scan_status, signature = ScanStatus.PENDING, ""
    if scan_status == ScanStatus.INFECTED:
        record_event(
            actor=actor,
            action="document.malware_refused",
            obj=application,
            subject_id=application.account_id,
            after={"signature": signature},
        )
        raise ApplicationError("upload_infected")
    try:
        clean = document_store.inspect(data)
    except UploadRejected as exc:
        raise ApplicationError(f"upload_{exc.code}") from exc
    storage_name = document_store.save_encrypted(application, clean)
    with transaction.atomic():
        Application.objects.select_for_update().filter(pk=application.pk).first()
        previous = application.documents.filter(
            requirement_code=requirement_code, is_current=True
        ).first()
        version = 1
        if previous is not None:
            previous.is_current = False
            previous.save(update_fields=["is_current"])
            version = previous.version + 1
        document = Document.objects.create(
            application=application,
            requirement_code=requirement_code,
            version=version,
            storage_name=storage_name,
            media_type=clean.media_type,
            size=len(clean.content),
            sha256=clean.sha256,
            width=clean.width,
            height=clean.height,
            pages=clean.pages,
            scan_status=scan_status,
            scan_signature=signature,
            uploaded_by=actor,
        )
        _event(application, EventKind.DOCUMENT, actor, message=requirement_code)
        record_event(
            actor=actor,
            action="document.uploaded",
            obj=application,
            subject_id=application.account_id,
            after={"requirement": requirement_code, "version": version, "scan": scan_status},
        )
        if scan_status == ScanStatus.PENDING:
            enqueue_on_commit(tasks.rescan_document, document.pk)
    return document


def do_rescan_document(document: Document) -> str:
    if document.scan_status != ScanStatus.PENDING:
        return document.scan_status
    result = document_store.scan(document_store.read_decrypted(document))
    status = ScanStatus.CLEAN if result.clean else ScanStatus.INFECTED
    Document.objects.filter(pk=document.pk).update(
        scan_status=status, scan_signature=result.signature or ""
    )
    if status == ScanStatus.INFECTED:
        record_event(
            actor=None,
            system_actor="task:rescan",
            action="document.malware_found",
            obj=document.application,
            after={"signature": result.signature},
        )
    return status


# --- submission and payment -------------------------------------------------------------------


def _fee_snapshot(application: Application) -> tuple[list[dict[str, Any]], int]:
    from imigrasi.applications.questions import facts_for

    ctx = context_for(application)
    variant = application.service.variants.filter(code=application.variant_code).first()
    addons = Service.objects.filter(code__in=application.addon_codes or [])
    fee_quote = quote(application.service, variant, facts_for(ctx), addons)
    lines = [
        {
            "label_id": (f"{line.variant.label_id}: " if line.variant else "") + line.label_id,
            "label_en": (f"{line.variant.label_en}: " if line.variant else "") + line.label_en,
            "amount": line.amount,
            "legal_basis": line.legal_basis,
            "kind": line.kind,
        }
        for line in fee_quote.lines
    ]
    return lines, fee_quote.total


def do_submit_application(
    application: Application, actor: User, *, declaration: bool
) -> Application:
    if not declaration:
        raise ApplicationError("declaration_required")
    if application.status != Status.DRAFT:
        # A double click or a replayed request: the first submission stands.
        raise ApplicationError("already_submitted")
    state = readiness(application)
    if not state.ready:
        raise ApplicationError(
            "not_ready",
            questions=[q.key for q in state.unanswered],
            documents=[r.code for r in state.missing_documents],
        )
    lines, total = _fee_snapshot(application)
    now = timezone.now()
    extra: dict[str, Any] = {
        "fee_lines": lines,
        "fee_total": total,
        "submitted_at": now,
        "declaration_accepted_at": now,
    }
    if application.office_id is None:
        # Services without an office visit are processed by the online-processing office.
        extra["office"] = Office.objects.filter(code=settings.ONLINE_PROCESSING_OFFICE).first()
    with transaction.atomic():
        application = _change_status(application, "submit", Actor.APPLICANT, actor, extra=extra)
        _request_nik_check(application)
        if total > 0:
            _open_billing_code(application)
        else:
            application = _change_status(
                application, "pay", Actor.SYSTEM, None, extra=_paid_fields(application, now)
            )
    return application


def _request_nik_check(application: Application) -> None:
    """Queue the population-registry check of the applicant's NIK, if there is one. The
    registry is asked later, by a task (imigrasi/registry); nothing here may fail a submission,
    so a failure to even queue the check is logged (without personal data) and an officer
    sees no check on the application's page."""
    person = application.person
    if not person.nik:
        return
    try:
        birth_date = dt.date.fromisoformat(str(person.date_of_birth))
        with transaction.atomic():  # a savepoint: a failure here must not break the submission
            request_nik_check(
                application.number, application.account_id, person.nik, person.full_name, birth_date
            )
    except Exception as exc:  # a submission never waits on the registry
        logger.warning("no NIK check queued for %s: %s", application.number, type(exc).__name__)


def _open_billing_code(application: Application) -> BillingCode:
    count = application.billing_codes.count()
    billing = BillingCode.objects.create(
        application=application,
        reference=f"{application.number}-{count + 1}",
        amount=application.fee_total,
        status=BillingStatus.PENDING,
        expires_at=timezone.now() + dt.timedelta(minutes=settings.BILLING_CODE_TTL_MINUTES),
    )
    enqueue_on_commit(tasks.issue_billing_code, billing.pk, 0)
    return billing


def do_issue_billing_code(billing: BillingCode, attempt: int = 0) -> BillingCode:
    """Ask the billing system for the code; if it is down the bill stays pending and the next
    attempt is scheduled. Runs in the task worker only. ``attempt`` is how many attempts the
    caller knows of: it is claimed atomically, so one bill has one retry chain however many
    copies of a job exist (a duplicate finds its attempt taken and stops)."""
    if billing.status != BillingStatus.PENDING:
        return billing
    from imigrasi.applications.payments import billing_client, callback_url

    claimed = BillingCode.objects.filter(
        pk=billing.pk, status=BillingStatus.PENDING, attempts=attempt
    ).update(attempts=F("attempts") + 1)
    if not claimed:
        return billing
    expires_at = timezone.now() + dt.timedelta(minutes=settings.BILLING_CODE_TTL_MINUTES)
    try:
        bill = billing_client().create_bill(
            reference=billing.reference,
            amount=billing.amount,
            expires_at=expires_at,
            description=f"PNBP {billing.application.service.code} {billing.application.number}",
            callback_url=callback_url(),
        )
    except DependencyUnavailable:
        billing.refresh_from_db()
        logger.warning(
            "billing system unavailable for %s (attempt %s)", billing.reference, billing.attempts
        )
        enqueue_on_commit(
            tasks.issue_billing_code,
            billing.pk,
            billing.attempts,
            run_after=timezone.now() + retry_delay(billing.attempts),
        )
        return billing
    except DependencyRejected:
        logger.exception("billing system refused %s", billing.reference)
        raise
    with transaction.atomic():
        updated = BillingCode.objects.filter(pk=billing.pk, status=BillingStatus.PENDING).update(
            code=bill.billing_code,
            status=BillingStatus.ACTIVE,
            issued_at=timezone.now(),
            expires_at=bill.expires_at,
        )
        billing.refresh_from_db()
        if updated:
            _event(billing.application, EventKind.BILLING, None, message=billing.code or "")
            enqueue_on_commit(
                tasks.remind_unpaid_billing,
                billing.pk,
                run_after=billing.expires_at - dt.timedelta(minutes=30),
            )
            enqueue_on_commit(tasks.expire_billing_code, billing.pk, run_after=billing.expires_at)
    return billing


def retry_delay(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(300, 5 * 2 ** max(0, attempts - 1)))


def do_expire_billing(billing: BillingCode) -> bool:
    """Mark an unpaid, past-expiry code expired (timer task or lazily when someone looks)."""
    if billing.status != BillingStatus.ACTIVE or billing.expires_at > timezone.now():
        return False
    with transaction.atomic():
        changed = BillingCode.objects.filter(pk=billing.pk, status=BillingStatus.ACTIVE).update(
            status=BillingStatus.EXPIRED
        )
        if not changed:
            return False
        application = Application.objects.get(pk=billing.application_id)
        if application.status == Status.AWAITING_PAYMENT:
            try:
                _change_status(application, "expire_billing", Actor.SYSTEM, None)
            except Conflict:
                return False
    return True


def do_reissue_billing(application: Application, actor: User) -> Application:
    # A code past its expiry whose timer has not run yet is closed first: the person asking
    # for a new code saw it as expired (imigrasi.applications.status.billing_lapsed).
    for lapsed in application.billing_codes.filter(
        status=BillingStatus.ACTIVE, expires_at__lte=timezone.now()
    ):
        do_expire_billing(lapsed)
    application.refresh_from_db()
    if application.status != Status.PAYMENT_EXPIRED:
        raise ApplicationError("billing_not_expired")
    with transaction.atomic():
        BillingCode.objects.filter(application=application, status=BillingStatus.EXPIRED).update(
            status=BillingStatus.SUPERSEDED
        )
        application = _change_status(application, "reissue_billing", Actor.APPLICANT, actor)
        _open_billing_code(application)
    return application


def _paid_fields(application: Application, paid_at: dt.datetime) -> dict[str, Any]:
    days = application.service.completion_value or 1
    due_day = add_working_days(timezone.localdate(paid_at), days)
    due_at = timezone.make_aware(
        dt.datetime.combine(due_day, dt.time(16, 0)), timezone.get_default_timezone()
    )
    return {"paid_at": paid_at, "due_at": due_at}


@dataclass(frozen=True)
class PaymentOutcome:
    outcome: str
    application: Application | None = None


def do_record_payment(notice: PaymentNotice) -> PaymentOutcome:
    """Apply a verified payment notice exactly once, whatever the number of deliveries."""
    try:
        return _record_payment(notice)
    except IntegrityError:
        # The same notice delivered twice at the same instant: the other delivery recorded it.
        return PaymentOutcome("duplicate")


def _record_payment(notice: PaymentNotice) -> PaymentOutcome:
    with transaction.atomic():
        # Lock the bill first, then look for the notice: concurrent deliveries of one payment
        # queue on this row and the later ones find the first one's record.
        billing = (
            BillingCode.objects.select_for_update()
            .select_related("application")
            .filter(code=notice.billing_code)
            .first()
        )
        if PaymentNotification.objects.filter(transaction_id=notice.transaction_id).exists():
            return PaymentOutcome("duplicate")
        outcome = "applied"
        application = billing.application if billing else None
        if billing is None:
            outcome = "unknown_code"
        elif notice.amount != billing.amount:
            outcome = "amount_mismatch"
        elif billing.status == BillingStatus.PAID:
            outcome = "already_paid"
        PaymentNotification.objects.create(
            transaction_id=notice.transaction_id,
            billing_code=notice.billing_code,
            amount=notice.amount,
            channel=notice.channel[:60],
            paid_at=notice.paid_at,
            outcome=outcome,
        )
        if outcome != "applied" or billing is None or application is None:
            record_event(
                actor=None,
                system_actor="billing-callback",
                action=f"payment.{outcome}",
                object_type="applications.BillingCode",
                object_id=notice.billing_code,
                after={"transaction": notice.transaction_id, "amount": notice.amount},
            )
            return PaymentOutcome(outcome, application)
        billing.status = BillingStatus.PAID
        billing.paid_at = notice.paid_at
        billing.channel = notice.channel[:60]
        billing.save(update_fields=["status", "paid_at", "channel"])
        # Money arrived for this application (even on an older code): other open codes end.
        BillingCode.objects.filter(
            application=application, status__in=[BillingStatus.PENDING, BillingStatus.ACTIVE]
        ).exclude(pk=billing.pk).update(status=BillingStatus.SUPERSEDED)
        _event(application, EventKind.PAYMENT, None, message=notice.channel)
        try:
            application = _change_status(
                application,
                "pay",
                Actor.SYSTEM,
                None,
                extra=_paid_fields(application, notice.paid_at),
            )
        except IllegalTransition:
            # Paid after withdrawal: keep the money record for a refund decision by staff.
            record_event(
                actor=None,
                system_actor="billing-callback",
                action="payment.late",
                obj=application,
                after={"status": application.status},
            )
            return PaymentOutcome("late", application)
    return PaymentOutcome("applied", application)


def do_withdraw(application: Application, actor: User) -> Application:
    with transaction.atomic():
        application = _change_status(application, "withdraw", Actor.APPLICANT, actor)
        BillingCode.objects.filter(
            application=application, status__in=[BillingStatus.PENDING, BillingStatus.ACTIVE]
        ).update(status=BillingStatus.SUPERSEDED)
    return application


def do_answer_request(application: Application, actor: User, note: str = "") -> Application:
    """The applicant sends back the requested documents/information."""
    request = application.information_requests.filter(answered_at__isnull=True).first()
    if request is None:
        raise ApplicationError("nothing_requested")
    missing = [
        code
        for code in request.requirement_codes
        if not application.documents.filter(
            requirement_code=code, is_current=True, uploaded_at__gt=request.created_at
        ).exists()
    ]
    if missing:
        raise ApplicationError("requested_documents_missing", documents=missing)
    with transaction.atomic():
        InformationRequest.objects.filter(pk=request.pk, answered_at__isnull=True).update(
            answered_at=timezone.now(), answer_note=note[:2000]
        )
        # Back to where the officer asked from: the review, or after the interview.
        resume = {Status.IN_REVIEW, Status.INTERVIEWED, Status.IN_VERIFICATION}
        extra = {"status": request.return_status} if request.return_status in resume else {}
        application = _change_status(
            application, "answer_request", Actor.APPLICANT, actor, message=note[:2000], extra=extra
        )
    return application


# --- back office ------------------------------------------------------------------------------


def _require_office_staff(application: Application, user: User) -> None:
    if user.role not in OFFICE_BOUND_ROLES or user.office_id != application.office_id:
        raise ApplicationError("not_found")


def do_claim(application: Application, officer: User) -> Application:
    _require_office_staff(application, officer)
    with transaction.atomic():
        claimed = Application.objects.filter(pk=application.pk, assigned_to__isnull=True).update(
            assigned_to=officer
        )
        if not claimed:
            raise Conflict("already_claimed")
        application.refresh_from_db()
        _event(
            application, EventKind.ASSIGNED, officer, visible=False, message=officer.get_full_name()
        )
        record_event(actor=officer, action="application.claimed", obj=application)
    return application


def do_assign(application: Application, supervisor: User, officer: User) -> Application:
    _require_office_staff(application, supervisor)
    if supervisor.role != Role.SUPERVISOR:
        raise ApplicationError("supervisors_only")
    if officer.role not in OFFICE_BOUND_ROLES or officer.office_id != application.office_id:
        raise ApplicationError("officer_not_in_office")
    with transaction.atomic():
        Application.objects.filter(pk=application.pk).update(assigned_to=officer)
        application.refresh_from_db()
        _event(
            application,
            EventKind.ASSIGNED,
            supervisor,
            visible=False,
            message=officer.get_full_name(),
        )
        record_event(
            actor=supervisor,
            action="application.assigned",
            obj=application,
            after={"officer": officer.pk},
        )
    return application


def do_officer_action(
    application: Application,
    officer: User,
    action: str,
    *,
    expected_version: int,
    message: str = "",
    rejection_reason: str = "",
    requirement_codes: list[str] | None = None,
) -> Application:
    """Any back-office transition; the version the officer saw guards against double action."""
    _require_office_staff(application, officer)
    if application.version != expected_version:
        raise Conflict("changed_by_someone_else")
    if action in REASON_REQUIRED and not message.strip():
        raise ApplicationError("reason_required")
    extra: dict[str, Any] = {}
    if action == "reject":
        if rejection_reason not in RejectionReason.values:
            raise ApplicationError("rejection_reason_required")
        extra = {"rejection_reason": rejection_reason, "decided_at": timezone.now()}
    if action == "approve":
        extra = {"decided_at": timezone.now()}
    if application.assigned_to_id is None:
        extra["assigned_to"] = officer
    with transaction.atomic():
        previous_status = application.status
        application = _change_status(
            application, action, Actor.OFFICER, officer, message=message.strip(), extra=extra
        )
        if action in {"request_documents", "request_information"}:
            valid = set(application.service.requirements.values_list("code", flat=True))
            codes = [code for code in (requirement_codes or []) if code in valid]
            InformationRequest.objects.create(
                application=application,
                requested_by=officer,
                requirement_codes=codes,
                message=message.strip(),
                return_status=previous_status,
            )
    return application


def reason_for(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)
