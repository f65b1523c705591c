"""django_tasks_db's database backend, with the job row written by a compiled INSERT.

Each confirmed booking enqueues its confirmation message inside the booking's transaction
(lib.background). The library builds that row with ``objects.create``, whose per-call SQL
compilation cost more CPU than the rest of the enqueue; the row and its values are exactly
the library's (same fields and defaults; the ``task_enqueued`` signal is still sent by
``enqueue``), only compiled once. The library's one ``pre_save`` handler (no ``run_after``
means "run now", stored as the maximum date) is applied here, since LeanInsert sends no
signals.
"""

from __future__ import annotations

from typing import Any

from django_tasks_db.backend import DatabaseBackend as LibraryDatabaseBackend
from django_tasks_db.compat import normalize_json

from imigrasi.lib.lean_query import LeanInsert

_insert: LeanInsert | None = None


class DatabaseBackend(LibraryDatabaseBackend):
    def _task_to_db_task(self, task: Any, args: Any, kwargs: Any) -> Any:
        global _insert
        from django_tasks_db.models import DBTaskResult, get_date_max

        if _insert is None:
            _insert = LeanInsert(DBTaskResult)
        return _insert.create(
            id=self._get_id(),
            args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=get_date_max() if task.run_after is None else task.run_after,
            backend_name=self.alias,
        )
