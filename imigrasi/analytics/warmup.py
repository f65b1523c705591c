"""Draw every reader's landing view once, right after a refresh, so nobody waits for it.

A refresh replaces mart files, which changes the marts' version and so empties the figure
cache (``dashboard.build``). Without this the first supervisor to open the dashboard after a
refresh pays for four or five matplotlib charts (about 50 ms each on one vCPU; the nation view
is the slowest, docs/performance.md). Here the refresh job pays instead: for each distinct
scope somebody reads (an office head's office, a regional head's province, the nation for
headquarters and auditors), the default view, in every language the site speaks. A filter
nobody has asked for since the refresh is still drawn on demand and then cached.

The cache is the shared one (the database table in embedded mode, Redis in production), so
what the refresh process draws is what the web process serves.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation

from imigrasi.accounts.models import Role, User
from imigrasi.analytics import dashboard, queries
from imigrasi.analytics.forms import FilterForm


@dataclass
class WarmResult:
    views: int = 0
    seconds: float = 0.0


def reader_scopes() -> list[tuple[str, ...] | None]:
    """The distinct scopes of active dashboard readers, the nation first (the slowest view)."""
    readers = User.objects.filter(is_active=True, role__in=(Role.SUPERVISOR, Role.AUDITOR))
    scopes: dict[tuple[str, ...] | None, None] = {}
    for reader in readers.order_by("pk"):
        scope = queries.scope_of(reader)
        if scope != ():  # a supervisor without an office sees nothing: nothing to draw
            scopes.setdefault(scope, None)
    return sorted(scopes, key=lambda scope: (scope is not None, scope or ()))


def warm(base: Path | None = None, today: dt.date | None = None) -> WarmResult:
    """Build (and so cache) each reader scope's default view in each language."""
    started = time.perf_counter()
    result = WarmResult()
    if not queries.marts_ready(base):
        return result
    today = today or timezone.localdate()
    for scope in reader_scopes():
        filters = FilterForm(None, scope=scope).filters(today)  # exactly what the page asks
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                dashboard.build(filters, today, None, base)
            result.views += 1
    result.seconds = time.perf_counter() - started
    return result
