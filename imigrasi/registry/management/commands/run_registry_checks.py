"""manage.py run_registry_checks [--every SECONDS]: one attempt for every registry check due."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from imigrasi.registry.actions import run_due_checks


class Command(BaseCommand):
    help = (
        "Run the registry checks whose next attempt is due (for task backends that cannot "
        "delay a job, or jobs that were lost): run every few minutes."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--limit", type=int, default=500, help="checks per run")
        parser.add_argument("--every", type=int, default=0, help="keep running, every N seconds")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            outcomes = run_due_checks(options["limit"])
            summary = ", ".join(f"{name} {count}" for name, count in sorted(outcomes.items()))
            self.stdout.write(f"registry checks run: {summary or 'none due'}")
            if not options["every"]:
                return
            time.sleep(options["every"])
