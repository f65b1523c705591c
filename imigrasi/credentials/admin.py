"""Issued document codes, read-only, with one action: revoke (audited through do_revoke).

Nothing here is edited by hand: the facts are signed into the code, so changing a row would
only make it disagree with the printed document. The code itself (personal data) is not shown.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from imigrasi.credentials.actions import do_revoke
from imigrasi.credentials.models import IssuedCredential


@admin.register(IssuedCredential)
class IssuedCredentialAdmin(admin.ModelAdmin):
    list_display = (
        "credential_id",
        "reference",
        "document_type",
        "valid_until",
        "issued_at",
        "revoked_at",
    )
    list_filter = ("document_type", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("credential_id", "reference")
    fields = (
        "credential_id",
        "reference",
        "subject_id",
        "document_type",
        "key_id",
        "valid_from",
        "valid_until",
        "issued_at",
        "expires_at",
        "revoked_at",
        "revoked_by",
        "revocation_reason",
    )
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # codes are issued by the decision that grants the document

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # a deleted row would make a revoked code look valid again

    @admin.action(description=_("Revoke the selected document codes"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[IssuedCredential]) -> None:
        revoked = sum(
            do_revoke(credential, request.user, "admin: revoked in the admin")
            for credential in queryset.filter(revoked_at__isnull=True)
        )
        self.message_user(
            request,
            ngettext("%(count)d code revoked.", "%(count)d codes revoked.", revoked)
            % {"count": revoked},
            messages.SUCCESS,
        )
