"""User administration: role and office assignment; personal fields are not editable here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from imigrasi.accounts.actions import do_assign_role
from imigrasi.accounts.models import Role, User
from imigrasi.audit.admin_mixins import AuditedModelAdmin
from imigrasi.audit.recording import record_personal_data_access


@admin.register(User)
class UserAdmin(AuditedModelAdmin):
    list_display = ("email", "role", "office", "is_active", "date_joined")
    list_filter = ("role", "is_active", "office")
    search_fields = ("email",)
    fields = (
        "email",
        "full_name",
        "role",
        "office",
        "oversight",
        "is_active",
        "date_joined",
        "last_login",
    )
    readonly_fields = ("email", "full_name", "date_joined", "last_login")
    ordering = ("email",)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        subject = self.get_object(request, object_id)
        if subject is not None and request.method == "GET":
            record_personal_data_access(
                actor=request.user,
                subject=subject,
                fields=["email", "full_name"],
                purpose="admin: user record opened",
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if change and {"role", "office"} & set(form.changed_data):
            do_assign_role(
                obj,
                role=Role(form.cleaned_data["role"]),
                office=form.cleaned_data.get("office"),
                actor=request.user,  # type: ignore[arg-type]
                reason="admin",
            )
            form.changed_data[:] = [n for n in form.changed_data if n not in {"role", "office"}]
            if not form.changed_data:
                return
        super().save_model(request, obj, form, change)
