"""Which decisions other agencies hear about, and what they are told (imigrasi/outbox).

Only what the receiving agency needs for its own register: the population registry learns
that a citizen (by NIK) has a new passport; the manpower ministry and the police learn that a
foreigner (by passport) holds, has extended, or has lost a visa or stay permit. Nothing about
documents, answers, addresses or contact details.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from imigrasi.applications.models import Application
from imigrasi.applications.validity import grant_validity
from imigrasi.catalog.models import ServiceFamily
from imigrasi.outbox.actions import publish
from imigrasi.outbox.models import EventType

# The status changes that grant a visa or stay permit, and the one that takes it away.
GRANT_ACTION = "approve"
CANCEL_ACTION = "cancel_grant"


def is_grant(application: Application, action: str) -> bool:
    """A visa or stay permit granted or extended by this status change."""
    return (
        action == GRANT_ACTION
        and application.workflow == "visa"
        and application.service.family in (ServiceFamily.VISA, ServiceFamily.STAY_PERMIT)
    )


def event_type_for(application: Application, action: str) -> str | None:
    service = application.service
    if service.family == ServiceFamily.PASSPORT and action == "mark_ready":
        return EventType.PASSPORT_ISSUED
    stay_permit = service.family == ServiceFamily.STAY_PERMIT
    if action == CANCEL_ACTION:
        return EventType.STAY_PERMIT_CANCELLED if stay_permit else EventType.VISA_CANCELLED
    if not is_grant(application, action):
        return None
    if stay_permit:
        if service.extends_permit:
            return EventType.STAY_PERMIT_EXTENDED
        return EventType.STAY_PERMIT_GRANTED
    return EventType.VISA_EXTENDED if service.extends_permit else EventType.VISA_GRANTED


def payload_for(application: Application, action: str = "") -> dict[str, Any]:
    person = application.person
    holder: dict[str, Any] = {"name": person.full_name, "date_of_birth": person.date_of_birth}
    if application.service.family == ServiceFamily.PASSPORT:
        holder["nik"] = person.nik or ""
    else:
        holder["nationality"] = person.nationality
        holder["passport_number"] = person.passport_number or ""
    payload: dict[str, Any] = {
        "application": application.number,
        "service": application.service.code,
        "office": application.office.code if application.office else "",
        "decided_on": timezone.localdate().isoformat(),
        "holder": holder,
    }
    if is_grant(application, action):
        validity = grant_validity(application, timezone.localdate())
        if validity is not None:
            payload["valid_from"] = validity.valid_from.isoformat()
            payload["valid_until"] = (
                validity.valid_until.isoformat() if validity.valid_until else None
            )
    if action == CANCEL_ACTION:
        # The category only: a free-text note to the holder is not the agency's business.
        payload["reason"] = application.cancellation_reason
    return payload


def publish_decision(application: Application, action: str) -> None:
    """Called by the status change, inside its transaction."""
    event_type = event_type_for(application, action)
    if event_type is None:
        return
    publish(
        event_type,
        payload_for(application, action),
        reference=application.number,
        subject_id=application.account_id,
    )
