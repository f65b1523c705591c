"""What the applicant (or anyone with the number and date of birth) is told about progress."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from imigrasi.applications.models import Application, BillingCode, BillingStatus
from imigrasi.applications.numbers import display_number
from imigrasi.applications.workflow import STATUS_TEXT, Status


def billing_lapsed(billing: BillingCode | None) -> bool:
    """An active code past its expiry that the timer task has not closed yet. Reads derive
    this instead of writing: a GET never writes and never calls the billing system (retries
    of a pending bill run in the task worker only, one chain per bill)."""
    return (
        billing is not None
        and billing.status == BillingStatus.ACTIVE
        and billing.expires_at <= timezone.now()
    )


def _billing_payload(billing: BillingCode | None) -> dict[str, Any] | None:
    if billing is None:
        return None
    return {
        "status": BillingStatus.EXPIRED if billing_lapsed(billing) else billing.status,
        "code": billing.code,
        "amount": billing.amount,
        "expires_at": billing.expires_at.isoformat() if billing.code else None,
    }


def _status_text(application: Application) -> dict[str, str]:
    """What a status means for the applicant: shared by their page, the API and the public check."""
    text = STATUS_TEXT[application.status]
    return {
        "number": display_number(application.number),
        "status": application.status,
        "status_label": str(Status(application.status).label),
        "meaning": str(text.meaning),
        "next_step": str(text.next_step),
        "expected": str(text.expected),
    }


def status_payload(application: Application) -> dict[str, Any]:
    billing = (
        application.billing_codes.filter(
            status__in=[BillingStatus.PENDING, BillingStatus.ACTIVE]
        ).first()
        if application.status == Status.AWAITING_PAYMENT
        else None
    )
    return {
        **_status_text(application),
        "version": application.version,
        "last_event_id": application.last_event_id or 0,
        "billing": _billing_payload(billing),
    }


def public_status(number: str, date_of_birth: str) -> dict[str, str] | None:
    """Status only: no name, no service details, no office (they are personal or revealing)."""
    application = Application.objects.select_related("person").filter(number=number).first()
    if application is None or application.status == Status.DRAFT:
        return None
    if application.person.date_of_birth != date_of_birth:
        return None
    return {**_status_text(application), "updated_at": application.updated_at.isoformat()}
