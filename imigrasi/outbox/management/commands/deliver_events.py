"""manage.py deliver_events [--every SECONDS] [--limit N]

Sends the decision events whose next attempt is due. The task worker normally does this by
itself (each delivery schedules its own retry); this sweep catches deliveries whose job was
lost or that a task backend could not defer. Safe to run beside the worker: every attempt is
claimed atomically, so a delivery is never sent twice for the same attempt.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from imigrasi.outbox.actions import deliver_due

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Send the decision events to agencies whose next attempt is due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=int, default=0, help="keep running, every N seconds")
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        every, limit = int(options["every"]), int(options["limit"])
        while True:
            outcomes = deliver_due(limit)
            if every <= 0:
                self.stdout.write(json.dumps(outcomes))
                return
            if outcomes:
                logger.info("deliveries: %s", json.dumps(outcomes))
            time.sleep(every)
