"""Writing audit entries.

``record_event`` is called by every action that matters (sign-up, login, role change, key
rotation, approvals...) and ``record_personal_data_access`` by every read of another person's
personal data. Both append to the chain inside the caller's transaction, so an action and its
audit row commit or roll back together.

Ordering: on PostgreSQL a transaction-scoped advisory lock serialises appends, and is taken
as late as possible (callers write their audit row last) so it is held only for the insert and
the commit. On SQLite the IMMEDIATE transaction mode already serialises writers.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from imigrasi.audit.models import GENESIS_HASH, AuditEntry

# Arbitrary constant naming "the audit chain" for pg_advisory_xact_lock.
_CHAIN_LOCK_ID = 0x1A0D17

REDACTED = "[redacted]"


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    request_id: str = ""


_request_context: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "audit_request_context",
    default=RequestContext(),  # noqa: B039 - frozen dataclass, immutable
)


def set_request_context(context: RequestContext) -> contextvars.Token[RequestContext]:
    return _request_context.set(context)


def reset_request_context(token: contextvars.Token[RequestContext]) -> None:
    _request_context.reset(token)


def actor_label(actor: Any) -> str:
    """``user:<id>:<role>`` plus ``:<office id>`` for office staff: the role and office at the
    time of the event, which is what a person is shown ("an officer of Kanim Denpasar")."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "anonymous"
    role = getattr(actor, "role", "")
    office_id = getattr(actor, "office_id", None)
    if role and office_id:
        return f"user:{actor.pk}:{role}:{office_id}"
    return f"user:{actor.pk}:{role}" if role else f"user:{actor.pk}"


def parse_actor_label(label: str) -> tuple[str, int | None]:
    """The role and office id written by ``actor_label`` ("" and None where absent)."""
    parts = label.split(":")
    if parts[0] != "user" or len(parts) < 3:
        return "", None
    office = int(parts[3]) if len(parts) > 3 and parts[3].isdigit() else None
    return parts[2], office


def redact(values: dict[str, Any], personal_fields: set[str]) -> dict[str, Any]:
    """Keep non-personal values; personal ones become a marker (their change is still visible)."""
    return {
        key: (REDACTED if key in personal_fields and value not in (None, "") else value)
        for key, value in values.items()
    }


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])


def record_event(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    subject_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    system_actor: str = "",
) -> AuditEntry:
    """Append one entry. ``system_actor`` names a non-user actor ("command:rotate_keys")."""
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(getattr(obj, "public_id", None) or obj.pk)
    context = _request_context.get()
    with transaction.atomic():
        _lock_chain()
        last = AuditEntry.objects.order_by("-id").values_list("entry_hash", flat=True).first()
        is_user = actor is not None and getattr(actor, "is_authenticated", False)
        entry = AuditEntry(
            created_at=timezone.now(),
            actor_id=actor.pk if is_user else None,
            actor_label=system_actor or actor_label(actor),
            action=action,
            object_type=object_type,
            object_id=object_id,
            subject_id=subject_id,
            before=before,
            after=after,
            reason=reason,
            ip_address=context.ip_address,
            request_id=context.request_id,
            prev_hash=last or GENESIS_HASH,
        )
        entry.entry_hash = entry.compute_hash()
        entry.save()
    return entry


def record_personal_data_access(
    *, actor: Any, subject: Any, fields: list[str], purpose: str, obj: models.Model | None = None
) -> AuditEntry | None:
    """Log that ``actor`` saw ``fields`` of ``subject`` (a user); own-data reads are not logged."""
    if actor is not None and getattr(actor, "pk", None) == getattr(subject, "pk", None):
        return None
    return record_event(
        actor=actor,
        action="personal_data.read",
        obj=obj or subject,
        subject_id=subject.pk,
        after={"fields": sorted(fields)},
        reason=purpose,
    )
