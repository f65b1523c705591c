"""Enqueue background work after the current transaction commits.

Work is queued only once the data it needs is committed (a worker could otherwise start before
the row exists). Delayed work (``run_after``) needs a backend that supports it (the database
backend does); with one that does not, the delay-only job is skipped and the caller's lazy
check (e.g. "is this billing code past its expiry?" on every read) covers it.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.tasks import task_backends

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Any, *args: Any, run_after: dt.datetime | None = None) -> None:
    def _enqueue() -> None:
        backend = task_backends[task.backend]
        target = task
        if run_after is not None:
            if not backend.supports_defer:
                logger.info("skipping delayed %s: backend cannot defer", task.name)
                return
            target = task.using(run_after=run_after)
        target.enqueue(*args)

    transaction.on_commit(_enqueue)
