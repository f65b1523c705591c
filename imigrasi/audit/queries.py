from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from imigrasi.audit.models import AuditEntry


def filtered_entries(filters: dict[str, Any]) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.order_by("-id")
    if filters.get("action"):
        entries = entries.filter(action__startswith=filters["action"])
    if filters.get("actor_id"):
        entries = entries.filter(actor_id=filters["actor_id"])
    if filters.get("subject_id"):
        entries = entries.filter(subject_id=filters["subject_id"])
    return entries
