"""Reads of applications, always through the caller's rights.

``get_application_for_user`` is the only way views and API handlers load an application:
applicants see their own account's applications (their family members' included), officers
and supervisors those of their own office that have been sent. Anything else looks exactly
like a missing application (404), so probing numbers reveals nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from imigrasi.accounts.models import OFFICE_BOUND_ROLES, Role, User
from imigrasi.applications.models import Application, BillingCode, BillingStatus, Document
from imigrasi.applications.numbers import normalise_application_number
from imigrasi.applications.workflow import OFFICE_WORK, TERMINAL, Status
from imigrasi.audit.recording import record_personal_data_access


def _base() -> QuerySet[Application]:
    return Application.objects.select_related(
        "service", "person", "office", "account", "assigned_to"
    )


def applications_of(account: User) -> QuerySet[Application]:
    return _base().filter(account=account).order_by("-created_at")


def _find(user: Any, number: str) -> Application:
    normalised = normalise_application_number(number)
    if normalised is None or not getattr(user, "is_authenticated", False):
        raise Http404
    application = _base().filter(number=normalised).first()
    if application is None:
        raise Http404
    return application


def office_may_open(user: Any, application: Application) -> bool:
    """Officers and supervisors open their own office's sent applications."""
    return (
        user.role in OFFICE_BOUND_ROLES
        and user.office_id is not None
        and application.office_id == user.office_id
        and application.status != Status.DRAFT
    )


def record_office_read(user: Any, application: Application, purpose: str) -> None:
    """Call only once ``office_may_open`` said yes: refused reads are never recorded."""
    record_personal_data_access(
        actor=user,
        subject=application.account,
        fields=["application", "person", "documents"],
        purpose=purpose or "back office: application opened",
        obj=application,
    )


def get_application_for_user(user: Any, number: str, *, purpose: str = "") -> Application:
    """The owner's, or (audited) an office member's; anything else is a 404. The read is
    recorded only once access is decided, so a refused attempt never shows up in the
    person's "who has seen my data" list."""
    application = _find(user, number)
    if application.account_id == user.pk:
        return application
    if office_may_open(user, application):
        record_office_read(user, application, purpose)
        return application
    raise Http404


STATUS_FIELDS = ("id", "number", "status", "version", "account_id", "workflow", "last_event_id")


def get_own_application_status(user: Any, number: str) -> Application:
    """The owner's application with only what the status needs: the endpoint that mobile apps
    poll, so one lean query instead of the full object graph (and no decryption)."""
    normalised = normalise_application_number(number)
    if normalised is None or not getattr(user, "is_authenticated", False):
        raise Http404
    application = (
        Application.objects.only(*STATUS_FIELDS)
        .filter(number=normalised, account_id=user.pk)
        .first()
    )
    if application is None:
        raise Http404
    return application


def get_own_application(user: Any, number: str) -> Application:
    """For the applicant's own pages and actions: office staff are not owners."""
    application = _find(user, number)
    if application.account_id != user.pk:
        raise Http404
    return application


def get_document_for_user(user: Any, number: str, document_id: str) -> Document:
    application = _find(user, number)
    owner = application.account_id == user.pk
    if not owner and not office_may_open(user, application):
        raise Http404
    document = application.documents.filter(public_id=document_id).first()
    if document is None:
        raise Http404
    if not owner:
        record_office_read(user, application, "back office: document viewed")
    return document


def open_billing_code(application: Application) -> BillingCode | None:
    return application.billing_codes.filter(
        status__in=[BillingStatus.PENDING, BillingStatus.ACTIVE]
    ).first()


def work_queue(officer: User, filters: dict[str, Any]) -> QuerySet[Application]:
    """The office's sent applications; by default those on which the office owes work."""
    if officer.office_id is None:
        return Application.objects.none()
    queryset = _base().filter(office_id=officer.office_id).exclude(status=Status.DRAFT)
    status = filters.get("status")
    if status:
        queryset = queryset.filter(status=status)
    else:
        queryset = queryset.filter(
            status__in=[*OFFICE_WORK, Status.AWAITING_VISIT, Status.READY_FOR_PICKUP]
        )
    if filters.get("service"):
        queryset = queryset.filter(service__code=filters["service"])
    if filters.get("due_before"):
        queryset = queryset.filter(due_at__date__lte=filters["due_before"])
    if filters.get("mine"):
        queryset = queryset.filter(assigned_to=officer)
    return queryset.order_by("due_at", "submitted_at")


def sla_breaches(supervisor: User) -> QuerySet[Application]:
    """Past their completion date and not finished: the supervisor's list."""
    if supervisor.role != Role.SUPERVISOR or supervisor.office_id is None:
        return Application.objects.none()
    return (
        _base()
        .filter(office_id=supervisor.office_id, due_at__lt=timezone.now())
        .exclude(status__in=[*TERMINAL, Status.DRAFT])
        .exclude(Q(status=Status.READY_FOR_PICKUP))
        .order_by("due_at")
    )
