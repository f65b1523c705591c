from __future__ import annotations

from django.contrib import admin

from imigrasi.audit.admin_mixins import ReadOnlyModelAdmin
from imigrasi.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyModelAdmin):
    """Read-only: the log is append-only and changed by nobody."""

    list_display = ("id", "created_at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action",)
    search_fields = ("action", "object_id")
