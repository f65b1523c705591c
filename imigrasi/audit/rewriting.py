"""Rewriting history on purpose: removing values that should never have been logged.

The audit log is append-only and hash-chained, so changing one entry's content breaks its own
hash and the link of every later entry. When entries must lose content (personal values that
were logged by mistake), ``rewrite_history`` does it in the open:

1. it verifies the chain as it stands and refuses to touch a broken one (rewriting would
   launder the tampering the chain is there to reveal);
2. it applies the change and recomputes the hashes from the first changed entry on, inside
   one transaction and the audit maintenance window;
3. it appends an ``audit.history_rewritten`` entry naming the reason, how many entries
   changed, the first one, and the head hash before and after. A head published before the
   rewrite is thereby still accounted for: the chain itself says which old head it replaced.

Works with the live model and with a migration's historical model (hashing is a function of
the attributes, see imigrasi.audit.models.canonical_content).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from imigrasi.audit.maintenance import maintenance_window
from imigrasi.audit.models import GENESIS_HASH, canonical_content, hash_content

# (action, before, after) -> (before, after), or None to leave the entry unchanged.
Transform = Callable[[str, Any, Any], tuple[Any, Any] | None]


class BrokenChainError(Exception):
    """The chain does not verify as it stands; nothing was rewritten."""


@dataclass(frozen=True)
class RewriteReport:
    changed: int
    first_changed_id: int | None
    old_head: str
    new_head: str


def rewrite_history(
    model: Any, transform: Transform, *, reason: str, system_actor: str
) -> RewriteReport:
    with transaction.atomic(), maintenance_window():
        # The base manager: the live model's own manager refuses every update by design.
        rows = model._base_manager.order_by("id")
        previous = GENESIS_HASH
        for entry in rows.iterator(chunk_size=2000):
            if entry.prev_hash != previous or hash_content(canonical_content(entry)) != (
                entry.entry_hash
            ):
                raise BrokenChainError(f"audit chain broken at entry #{entry.pk}")
            previous = entry.entry_hash
        old_head = previous

        previous, changed, first_changed = GENESIS_HASH, 0, None
        for entry in rows.iterator(chunk_size=2000):
            result = transform(entry.action, entry.before, entry.after)
            if result is not None and result != (entry.before, entry.after):
                entry.before, entry.after = result
                changed += 1
                first_changed = first_changed or entry.pk
            if first_changed is not None:
                entry.prev_hash = previous
                entry.entry_hash = hash_content(canonical_content(entry))
                model._base_manager.filter(pk=entry.pk).update(
                    before=entry.before,
                    after=entry.after,
                    prev_hash=entry.prev_hash,
                    entry_hash=entry.entry_hash,
                )
            previous = entry.entry_hash
        if not changed:
            return RewriteReport(0, None, old_head, old_head)

        record = model(
            created_at=timezone.now(),
            actor_id=None,
            actor_label=system_actor,
            action="audit.history_rewritten",
            object_type="audit.AuditEntry",
            object_id="",
            subject_id=None,
            before={"head": old_head},
            after={"changed": changed, "first_changed": first_changed},
            reason=reason,
            ip_address=None,
            request_id="",
            prev_hash=previous,
        )
        record.entry_hash = hash_content(canonical_content(record))
        record.save()
        return RewriteReport(changed, first_changed, old_head, record.entry_hash)
