"""PostgreSQL, with Django's per-request health check skipped for a connection in busy use.

With persistent connections and ``CONN_HEALTH_CHECKS``, Django runs ``SELECT 1`` on the first
query of every request, to catch a connection that died while it sat idle. Under load a
connection opened a cursor a moment ago, and that extra round trip was a tenth of the cost of
a short API request (the booking rush answers most requests with one query). So the check
runs only when the connection has been idle for longer than ``HEALTH_CHECK_AFTER_IDLE``
seconds; a connection broken within that second fails its next request once, is closed by
Django's error handling, and is replaced on the following request, as with no checks at all.
"""

from __future__ import annotations

import time
from typing import Any

from django.db.backends.postgresql import base

HEALTH_CHECK_AFTER_IDLE = 1.0


class DatabaseWrapper(base.DatabaseWrapper):
    _used_at = float("-inf")
    health_check_done: bool

    def create_cursor(self, name: Any = None) -> Any:
        cursor = super().create_cursor(name)
        self._used_at = time.monotonic()
        return cursor

    def close_if_health_check_failed(self) -> None:
        if (
            self.connection is not None
            and not self.health_check_done
            and time.monotonic() - self._used_at < HEALTH_CHECK_AFTER_IDLE
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
