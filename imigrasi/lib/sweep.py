"""The shape every background sweep command shares: one round now, or a round every N seconds.

Sweeps (``deliver_events``, ``run_registry_checks``, ``complaint_sla``,
``send_survey_reminders``) catch up on work whose time has come. Once (cron, a test) a round
prints its summary; with ``--every`` (``make run``'s supervised children) it logs rounds that
did something, and a round that fails is logged and retried at the next one: the rows stay
due, nothing is lost, and the process is not restarted for a passing database hiccup.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

logger = logging.getLogger(__name__)


class SweepCommand(BaseCommand):
    limit_help = "rows per round"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=int, default=0, help="keep running, every N seconds")
        parser.add_argument("--limit", type=int, default=500, help=self.limit_help)

    def sweep(self, limit: int) -> tuple[str, bool]:
        """One round: its summary, and whether it did anything worth a log line."""
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        every, limit = int(options["every"]), int(options["limit"])
        if every <= 0:
            self.stdout.write(self.sweep(limit)[0])
            return
        while True:
            try:
                summary, worked = self.sweep(limit)
                if worked:
                    logger.info("%s: %s", self.__module__.rsplit(".", 1)[-1], summary)
            except Exception:  # the rows stay due; the next round tries again
                logger.exception("sweep round failed; retrying in %s s", every)
            time.sleep(every)
