"""manage.py deliver_events [--every SECONDS] [--limit N]

Sends the decision events whose next attempt is due. The task worker normally does this by
itself (each delivery schedules its own retry); this sweep catches deliveries whose job was
lost or that a task backend could not defer. Safe to run beside the worker: every attempt is
claimed atomically, so a delivery is never sent twice for the same attempt.
"""

from __future__ import annotations

import json

from imigrasi.lib.sweep import SweepCommand
from imigrasi.outbox.actions import deliver_due


class Command(SweepCommand):
    help = "Send the decision events to agencies whose next attempt is due."
    limit_help = "deliveries per round"

    def sweep(self, limit: int) -> tuple[str, bool]:
        outcomes = deliver_due(limit)
        return json.dumps(outcomes), bool(outcomes)
