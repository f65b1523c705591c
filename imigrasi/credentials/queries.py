"""Reads for the holder's own pages (the application page links to each printable document)."""

from __future__ import annotations

from typing import Any

from imigrasi.credentials.models import IssuedCredential


def credentials_of(user: Any, reference: str) -> list[IssuedCredential]:
    """The unrevoked documents of one application that belong to ``user`` (none for others)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        IssuedCredential.objects.filter(
            subject_id=user.pk, reference=reference, revoked_at__isnull=True
        ).order_by("issued_at")
    )
