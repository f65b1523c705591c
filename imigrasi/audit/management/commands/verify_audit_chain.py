"""manage.py verify_audit_chain [--expect-head HASH]: exit 1 when the chain was tampered with."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from imigrasi.audit.verification import verify_chain


class Command(BaseCommand):
    help = "Recompute the audit log's hash chain and report the first tampered entry."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--expect-head",
            default=None,
            help="A head hash published earlier; fails if that entry is no longer in the chain.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain(options["expect_head"])
        if not report.ok:
            where = f" at entry #{report.broken_at}" if report.broken_at else ""
            raise CommandError(
                f"audit chain BROKEN{where}: {report.problem} "
                f"({report.checked} entries verified before it)"
            )
        self.stdout.write(f"audit chain OK: {report.checked} entries, head {report.head_hash}")
