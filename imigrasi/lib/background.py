"""Enqueue background work so that it runs only with the data it needs committed.

With the database task backend on the same database, the job row is written inside the
current transaction (a transactional outbox): it commits with the data or vanishes with a
rollback, no job is lost if the process dies right after the commit, and the request commits
once instead of twice. With any other backend the job is queued after the commit (a worker
could otherwise start before the row exists). Delayed work (``run_after``) needs a backend
that supports it (the database and RQ backends do); with one that does not (the immediate
backend of the tests) the delayed job is skipped, and tests run it by calling the action.
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

    if transaction.get_connection().in_atomic_block and _commits_with_data(task.backend):
        _enqueue()
    else:
        transaction.on_commit(_enqueue)


def _commits_with_data(alias: str) -> bool:
    """Whether this backend stores jobs in the default database (django_tasks_db)."""
    from django.db import router
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task_backends[alias], DatabaseBackend):
        return False

    return router.db_for_write(DBTaskResult) == "default"
