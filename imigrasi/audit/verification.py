"""Checking the audit chain end to end."""

from __future__ import annotations

from dataclasses import dataclass

from imigrasi.audit.models import GENESIS_HASH, AuditEntry


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    head_hash: str
    broken_at: int | None = None
    problem: str = ""


def verify_chain(expected_head: str | None = None) -> ChainReport:
    """Recompute every hash in id order; optionally compare the head with a published anchor.

    The anchor matters because removing the newest rows leaves a valid, shorter chain: only a
    head hash recorded elsewhere (a report, another system) reveals that.
    """
    previous = GENESIS_HASH
    checked = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != previous:
            return ChainReport(False, checked, previous, entry.pk, "link to previous entry broken")
        if entry.compute_hash() != entry.entry_hash:
            return ChainReport(False, checked, previous, entry.pk, "content does not match hash")
        previous = entry.entry_hash
        checked += 1
    if expected_head and expected_head != previous and not _chain_contains(expected_head):
        return ChainReport(False, checked, previous, None, "published head hash is missing")
    return ChainReport(True, checked, previous)


def _chain_contains(entry_hash: str) -> bool:
    return AuditEntry.objects.filter(entry_hash=entry_hash).exists()
