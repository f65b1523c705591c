"""Share codes and checks, read-only for administrators; the verifier clients' admin.

Share codes belong to their holders: the admin can see that a code exists, its document,
purpose, dates and checks, never the code itself. Verifier clients (DOT applications) are
registered by django-oauth-toolkit with ``admin_clients.VerifierClientAdmin`` (its
``APPLICATION_ADMIN_CLASS`` setting), so every change to a client is audited and the secret
is redacted in the audit log.
"""

from __future__ import annotations

from django.contrib import admin

from imigrasi.audit.admin_mixins import ReadOnlyModelAdmin
from imigrasi.sharecodes.models import ShareCode, StatusCheck


@admin.register(ShareCode)
class ShareCodeAdmin(ReadOnlyModelAdmin):
    list_display = ("public_id", "purpose", "created_at", "expires_at", "revoked_at")
    list_filter = ("purpose", ("revoked_at", admin.EmptyFieldListFilter))
    fields = ("public_id", "credential", "purpose", "created_at", "expires_at", "revoked_at")
    readonly_fields = fields


@admin.register(StatusCheck)
class StatusCheckAdmin(ReadOnlyModelAdmin):
    list_display = ("checked_at", "organisation", "channel", "client", "outcome")
    list_filter = ("channel", "outcome")
    search_fields = ("organisation",)
    fields = (
        "public_id",
        "share_code",
        "checked_at",
        "channel",
        "organisation",
        "client",
        "outcome",
    )
    readonly_fields = fields
