"""manage.py complaint_sla [--every SECONDS]: escalate overdue complaints to the office's
supervisors and (re)send the status updates LAPOR! has not acknowledged yet."""

from __future__ import annotations

from imigrasi.complaints.actions import deliver_due_updates, escalate_overdue
from imigrasi.lib.sweep import SweepCommand


class Command(SweepCommand):
    help = "Escalate overdue complaints and resend pending LAPOR! status updates."
    limit_help = "complaints/updates per round"

    def sweep(self, limit: int) -> tuple[str, bool]:
        escalated = escalate_overdue(limit)
        outcomes = deliver_due_updates(limit)
        summary = ", ".join(f"{name} {count}" for name, count in sorted(outcomes.items()))
        line = f"complaints escalated: {escalated}; LAPOR! updates: {summary or 'none due'}"
        return line, bool(escalated or outcomes)
