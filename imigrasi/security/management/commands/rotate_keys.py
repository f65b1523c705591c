"""manage.py rotate_keys [--reindex]: re-encrypt personal data under the newest key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from imigrasi.audit.recording import record_event
from imigrasi.lib import crypto
from imigrasi.security.rotation import rotate_all, rows_on_old_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted column (and stored TOTP secrets) under the first key of "
        "FIELD_ENCRYPTION_KEYS; --reindex also recomputes blind indexes after BLIND_INDEX_KEY "
        "changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reindex", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        primary = crypto.key_ring().primary_id
        report = rotate_all(reindex=options["reindex"])
        for label, count in sorted(report.rewritten.items()):
            self.stdout.write(f"re-encrypted {count:>7} {label}")
        for label, count in sorted(report.reindexed.items()):
            self.stdout.write(f"re-indexed   {count:>7} {label}")
        remaining = rows_on_old_keys()
        record_event(
            actor=None,
            system_actor="command:rotate_keys",
            action="security.keys_rotated",
            after={
                "primary_key_id": primary,
                "rewritten": report.total,
                "reindexed": sum(report.reindexed.values()),
                "remaining_on_old_keys": remaining,
            },
        )
        self.stdout.write(
            f"done: {report.total} values now under key {primary!r}; {remaining} left on older keys"
        )
