"""Which decisions other agencies hear about, and what they are told (imigrasi/outbox).

Only what the receiving agency needs for its own register: the population registry learns
that a citizen (by NIK) has a new passport; the manpower ministry and the police learn that a
foreigner (by passport) holds a visa or stay permit. Nothing about documents, answers,
addresses or contact details.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from imigrasi.applications.models import Application
from imigrasi.catalog.models import ServiceFamily
from imigrasi.outbox.actions import publish
from imigrasi.outbox.models import EventType


def event_type_for(application: Application, action: str) -> str | None:
    family = application.service.family
    if family == ServiceFamily.PASSPORT and action == "mark_ready":
        return EventType.PASSPORT_ISSUED
    if action != "approve" or application.workflow != "visa":
        return None
    if family == ServiceFamily.STAY_PERMIT:
        extension = "perpanjangan" in application.service.code
        return EventType.STAY_PERMIT_EXTENDED if extension else EventType.STAY_PERMIT_GRANTED
    return EventType.VISA_GRANTED


def payload_for(application: Application) -> dict[str, Any]:
    person = application.person
    holder: dict[str, Any] = {"name": person.full_name, "date_of_birth": person.date_of_birth}
    if application.service.family == ServiceFamily.PASSPORT:
        holder["nik"] = person.nik or ""
    else:
        holder["nationality"] = person.nationality
        holder["passport_number"] = person.passport_number or ""
    return {
        "application": application.number,
        "service": application.service.code,
        "office": application.office.code if application.office else "",
        "decided_on": timezone.localdate().isoformat(),
        "holder": holder,
    }


def publish_decision(application: Application, action: str) -> None:
    """Called by the status change, inside its transaction."""
    event_type = event_type_for(application, action)
    if event_type is None:
        return
    publish(
        event_type,
        payload_for(application),
        reference=application.number,
        subject_id=application.account_id,
    )
