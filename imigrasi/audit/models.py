"""The append-only, hash-chained audit log.

Each entry stores the SHA-256 of its own canonical content plus the previous entry's hash, so
changing, deleting or reordering any row breaks the chain from that row on, which
``manage.py verify_audit_chain`` reports. Rows are refused updates and deletes three times over:
by this model, by its queryset, and by database triggers (see imigrasi.audit.maintenance).

Entries never hold personal values: changed personal fields are recorded by name with the
value redacted (see imigrasi.audit.recording.redact), so the log itself needs no encryption
and can be kept longer than the data it describes.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, ClassVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit entry."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit entries cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries cannot be deleted")


class AuditEntry(models.Model):
    created_at = models.DateTimeField(_("time"), db_index=True)
    # Plain integer, not a foreign key: erasing a user (UU PDP) must not rewrite history.
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("actor"), max_length=200)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=100, blank=True, db_index=True)
    # The person whose data this entry concerns, when there is one (for "who saw my data?").
    subject_id = models.BigIntegerField(_("data subject id"), null=True, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), null=True, blank=True, encoder=DjangoJSONEncoder)
    reason = models.TextField(_("reason"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    entry_hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects: ClassVar[AuditEntryQuerySet] = AuditEntryQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} by {self.actor_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit entries cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries cannot be deleted")

    def canonical_content(self) -> dict[str, Any]:
        return canonical_content(self)

    def compute_hash(self) -> str:
        return hash_content(canonical_content(self))


def canonical_content(entry: Any) -> dict[str, Any]:
    """What an entry's hash covers. A function of the attributes, not of this class, so a
    migration's historical model hashes exactly as the live one does."""
    return {
        "created_at": entry.created_at.isoformat(),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "subject_id": entry.subject_id,
        "before": entry.before,
        "after": entry.after,
        "reason": entry.reason,
        "ip_address": entry.ip_address,
        "request_id": entry.request_id,
        "prev_hash": entry.prev_hash,
    }


def hash_content(content: dict[str, Any]) -> str:
    payload = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder
    )
    return hashlib.sha256(payload.encode()).hexdigest()
