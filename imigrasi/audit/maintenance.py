"""The only door through the audit table's append-only triggers.

The triggers (migration 0001) refuse UPDATE, DELETE and TRUNCATE unless this connection has
opened a maintenance window:

* PostgreSQL: the session setting ``imigrasi.audit_maintenance = 'on'``;
* SQLite: the SQL function ``imigrasi_audit_maintenance()`` that we register on every
  connection returns 1. A tool that does not register it (the sqlite3 shell) gets
  "no such function" and is refused as well: the default is deny.

Opening a window is for wiping a test database or a documented retention purge. Anyone with
raw database rights could do the same, which is why the hash chain, not the triggers, is the
tamper evidence.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.backends.signals import connection_created
from django.dispatch import receiver

_open = False


def window_is_open() -> int:
    return 1 if _open else 0


@receiver(connection_created)
def register_sqlite_function(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "imigrasi_audit_maintenance", 0, window_is_open, deterministic=False
        )


def _set_postgres_flag(value: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('imigrasi.audit_maintenance', %s, false)", [value])


@contextmanager
def maintenance_window() -> Iterator[None]:
    global _open
    _open = True
    _set_postgres_flag("on")
    try:
        yield
    finally:
        _open = False
        _set_postgres_flag("off")
