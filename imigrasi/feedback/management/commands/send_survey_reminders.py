"""manage.py send_survey_reminders [--every SECONDS]

Sends the one reminder of survey links still unanswered FEEDBACK_REMINDER_DAYS after the
invitation (docs/feedback.md). Each invitation is reminded at most once, ever: it is claimed
before the message goes, so overlapping sweeps never send it twice. ``make run`` runs it
hourly.
"""

from __future__ import annotations

from imigrasi.feedback.actions import send_due_reminders
from imigrasi.lib.sweep import SweepCommand


class Command(SweepCommand):
    help = "Send the single reminder of unanswered satisfaction-survey links that are due."
    limit_help = "invitations per round"

    def sweep(self, limit: int) -> tuple[str, bool]:
        sent = send_due_reminders(limit=limit)
        return f"reminders sent: {sent}", bool(sent)
