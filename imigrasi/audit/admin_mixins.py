"""Admin changes are important writes too: record them in the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from imigrasi.audit.recording import record_event


class AuditedModelAdmin(admin.ModelAdmin):
    personal_fields: frozenset[str] = frozenset()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        changed = list(form.changed_data)
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record_event(
                actor=request.user,
                action=f"admin.{'changed' if change else 'created'}",
                obj=obj,
                after={
                    name: ("[redacted]" if name in self.personal_fields else _plain(form, name))
                    for name in changed
                },
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            record_event(actor=request.user, action="admin.deleted", obj=obj)
            super().delete_model(request, obj)


def _plain(form: Any, name: str) -> Any:
    value = form.cleaned_data.get(name)
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Rows only actions write (the audit log, share codes and their checks): administrators
    may look, never add, change or delete."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
