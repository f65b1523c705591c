"""Reads: the complainant's own complaints, tracking by number and secret, the office's list.

"Not yours" and "not found" look the same everywhere (a 404, or "no complaint matches").
"""

from __future__ import annotations

import hmac
from typing import Any

from django.db.models import F, QuerySet
from django.http import Http404

from imigrasi.accounts.models import OFFICE_BOUND_ROLES, Role
from imigrasi.audit.recording import record_personal_data_access
from imigrasi.complaints import rules
from imigrasi.complaints.actions import secret_digest
from imigrasi.complaints.models import Complaint, Status


def find_for_tracking(number: str, secret_or_email: str) -> Complaint | None:
    """The complaint when the secret shown at filing (or the contact email) matches."""
    normalised = rules.normalise_tracking_number(number)
    if normalised is None:
        return None
    complaint = Complaint.objects.select_related("office").filter(number=normalised).first()
    if complaint is None:
        return None
    given = (secret_or_email or "").strip()
    if complaint.secret_digest and hmac.compare_digest(
        complaint.secret_digest, secret_digest(normalised, given)
    ):
        return complaint
    email = complaint.contact_email
    if "@" in given and email and hmac.compare_digest(email.lower(), given.lower()):
        return complaint
    return None


def own_complaints(user: Any) -> QuerySet[Complaint]:
    if not getattr(user, "is_authenticated", False):
        return Complaint.objects.none()
    return Complaint.objects.filter(account_id=user.pk).select_related("office")


def get_own_complaint(user: Any, number: str) -> Complaint:
    normalised = rules.normalise_tracking_number(number)
    complaint = own_complaints(user).filter(number=normalised or "").first()
    if complaint is None:
        raise Http404
    return complaint


def office_complaints(officer: Any, *, status: str = "") -> QuerySet[Complaint]:
    """The officer's office's complaints, open ones first by deadline."""
    if getattr(officer, "role", None) not in OFFICE_BOUND_ROLES or officer.office_id is None:
        return Complaint.objects.none()
    queryset = Complaint.objects.filter(office_id=officer.office_id).select_related("office")
    if status:
        return queryset.filter(status=status).order_by("due_on", "created_at")
    return queryset.exclude(status=Status.CLOSED).order_by("due_on", "created_at")


def escalations(supervisor: Any) -> QuerySet[Complaint]:
    if getattr(supervisor, "role", None) != Role.SUPERVISOR:
        return Complaint.objects.none()
    # Escalated in the status it is still in: moving it on answers the escalation.
    return office_complaints(supervisor).filter(escalated_status=F("status"))


def get_complaint_for_user(user: Any, number: str) -> Complaint:
    """For office staff: their office's complaint, else 404. Opening a complaint whose
    complainant is known is a read of personal data and is recorded for them."""
    normalised = rules.normalise_tracking_number(number)
    complaint = None
    if normalised is not None and getattr(user, "office_id", None) is not None:
        complaint = (
            Complaint.objects.select_related("office", "account", "assigned_to")
            .filter(number=normalised, office_id=user.office_id)
            .first()
        )
    if complaint is None or getattr(user, "role", None) not in OFFICE_BOUND_ROLES:
        raise Http404
    if complaint.account is not None and not complaint.identity_hidden_from_office:
        record_personal_data_access(
            actor=user,
            subject=complaint.account,
            fields=["complaint"],
            purpose="complaint handling",
            obj=complaint,
        )
    return complaint
