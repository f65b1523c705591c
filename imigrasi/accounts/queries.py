"""Reads about accounts."""

from __future__ import annotations

from django.db.models import QuerySet

from imigrasi.accounts.models import User
from imigrasi.audit.models import AuditEntry


def personal_data_reads_about(user: User, limit: int = 10) -> QuerySet[AuditEntry]:
    """Who opened this person's data (UU PDP: the right to know how one's data is used)."""
    return AuditEntry.objects.filter(subject_id=user.pk, action="personal_data.read").order_by(
        "-id"
    )[:limit]
