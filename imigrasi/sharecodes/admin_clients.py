"""The admin of verifier clients (django-oauth-toolkit applications), with audited changes.

DOT registers its Application model with the class named by ``APPLICATION_ADMIN_CLASS``; this
module must not import ``oauth2_provider.admin`` (which imports this class while it loads).
"""

from __future__ import annotations

from django.contrib import admin

from imigrasi.audit.admin_mixins import AuditedModelAdmin


class VerifierClientAdmin(AuditedModelAdmin):
    """DOT's ApplicationAdmin, audited: the secret is redacted in the audit entry."""

    personal_fields = frozenset({"client_secret"})
    list_display = ("name", "client_id", "client_type", "authorization_grant_type", "created")
    list_filter = ("client_type", "authorization_grant_type")
    radio_fields = {
        "client_type": admin.HORIZONTAL,
        "authorization_grant_type": admin.VERTICAL,
    }
    search_fields = ("name", "client_id")
    raw_id_fields = ("user",)
