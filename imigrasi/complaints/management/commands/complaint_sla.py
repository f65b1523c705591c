"""manage.py complaint_sla [--every SECONDS]: escalate overdue complaints to the office's
supervisors and (re)send the status updates LAPOR! has not acknowledged yet."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from imigrasi.complaints.actions import deliver_due_updates, escalate_overdue


class Command(BaseCommand):
    help = "Escalate overdue complaints and deliver pending LAPOR! updates; run every few minutes."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--limit", type=int, default=500, help="complaints/updates per run")
        parser.add_argument("--every", type=int, default=0, help="keep running, every N seconds")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            escalated = escalate_overdue(options["limit"])
            outcomes = deliver_due_updates(options["limit"])
            summary = ", ".join(f"{name} {count}" for name, count in sorted(outcomes.items()))
            self.stdout.write(
                f"complaints escalated: {escalated}; LAPOR! updates: {summary or 'none due'}"
            )
            if not options["every"]:
                return
            time.sleep(options["every"])
