"""Reads: the holder's share codes and the checks made with them, the documents they may share,
and how a check reads in the holder's "who has seen your data" list.

Share codes are fetched only through ``get_share_code_for_user``: another person's code is a
404, like a code that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from imigrasi.applications.models import Application
from imigrasi.audit.models import AuditEntry
from imigrasi.credentials.models import IssuedCredential
from imigrasi.credentials.presentation import document_type_label
from imigrasi.sharecodes.models import ShareCode, SharePurpose, StatusCheck

# How checks are recorded in the audit log: "sharecode:api:<client id>" or "sharecode:web".
ACTOR_PREFIX = "sharecode:"


@dataclass(frozen=True)
class Shareable:
    """A document the holder may create a share code for, with the words to choose it by."""

    credential: IssuedCredential
    application: Application

    @property
    def label(self) -> str:
        return _("%(document)s for %(service)s (%(number)s)") % {
            "document": document_type_label(self.credential.document_type),
            "service": self.application.service.name,
            "number": self.application.display_number,
        }


def shareable_documents(user: Any) -> list[Shareable]:
    """The holder's unrevoked, unexpired signed documents of granted visas and stay permits."""
    if not getattr(user, "is_authenticated", False):
        return []
    credentials = list(
        IssuedCredential.objects.filter(
            subject_id=user.pk, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).order_by("-issued_at")
    )
    applications = {
        application.number: application
        for application in Application.objects.filter(
            account_id=user.pk, number__in=[c.reference for c in credentials]
        ).select_related("service")
    }
    return [
        Shareable(credential, applications[credential.reference])
        for credential in credentials
        if credential.reference in applications
    ]


def share_codes_of(user: Any) -> QuerySet[ShareCode]:
    """The holder's codes, newest first, with their number of checks (one query)."""
    return (
        ShareCode.objects.filter(account_id=user.pk)
        .select_related("credential")
        .annotate(check_count=Count("checks"))
    )


def get_share_code_for_user(user: Any, public_id: UUID | str) -> ShareCode:
    """The holder's own code; anybody else's, or none, is the same 404."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    share = (
        ShareCode.objects.filter(public_id=public_id, account_id=user.pk)
        .select_related("credential")
        .first()
    )
    if share is None:
        raise Http404
    return share


def checks_of(share: ShareCode, limit: int = 200) -> list[StatusCheck]:
    return list(share.checks.order_by("-checked_at")[:limit])


def describe_read(entry: AuditEntry) -> tuple[str, str]:
    """(who, why) for the data tracker: the organisation by name, and the purpose the holder
    chose for the code. Recorded values only: the entry is immutable, like the list."""
    after = entry.after if isinstance(entry.after, dict) else {}
    purpose = str(after.get("purpose", ""))
    purpose_label = SharePurpose(purpose).label if purpose in SharePurpose.values else purpose
    who = str(after.get("organisation") or _("An organisation"))
    why = _("Checked your permission to stay with a share code you gave them (%(purpose)s)") % {
        "purpose": purpose_label
    }
    return who, why
