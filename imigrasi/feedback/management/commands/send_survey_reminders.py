"""manage.py send_survey_reminders [--every SECONDS]

Sends the one reminder of survey links still unanswered FEEDBACK_REMINDER_DAYS after the
invitation (docs/feedback.md). Each invitation is reminded at most once, ever: it is claimed
before the message goes, so overlapping sweeps never send it twice. ``make run`` runs it
hourly.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from imigrasi.feedback.actions import send_due_reminders

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Send the single reminder of unanswered satisfaction-survey links that are due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=int, default=0, help="keep running, every N seconds")
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        every, limit = int(options["every"]), int(options["limit"])
        while True:
            sent = send_due_reminders(limit=limit)
            if every <= 0:
                self.stdout.write(f"reminders sent: {sent}")
                return
            if sent:
                logger.info("survey reminders sent: %s", sent)
            time.sleep(every)
