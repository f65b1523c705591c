"""manage.py run_registry_checks [--every SECONDS]: one attempt for every registry check due."""

from __future__ import annotations

from imigrasi.lib.sweep import SweepCommand
from imigrasi.registry.actions import run_due_checks


class Command(SweepCommand):
    help = "Run every population-registry and tax-office check that is due."
    limit_help = "checks per round"

    def sweep(self, limit: int) -> tuple[str, bool]:
        outcomes = run_due_checks(limit)
        summary = ", ".join(f"{name} {count}" for name, count in sorted(outcomes.items()))
        return f"registry checks run: {summary or 'none due'}", bool(outcomes)
