"""One refresh: export what is new, recompute the marts it touched, remember what was done.

Run by ``manage.py refresh_analytics`` (cron or the task worker every few minutes; see
docs/operations.md). A refresh that dies leaves the previous marts readable (every file is
replaced atomically) and the dirty days in place, so the next one finishes the job.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from imigrasi.analytics import engine, layout
from imigrasi.analytics.export import export_events, read_state, write_state
from imigrasi.analytics.marts import MARTS, RAW_FOR_MART, mart_path, refresh_backlog, refresh_mart


@dataclass
class RefreshResult:
    engine: str
    full: bool
    exported: dict[str, int] = field(default_factory=dict)
    mart_rows: dict[str, int] = field(default_factory=dict)
    recomputed_days: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _settings_signature() -> dict[str, int]:
    """Mart contents that depend on settings: a change forces a full refresh."""
    return {"target_wait_seconds": settings.QUEUE_TARGET_WAIT_MINUTES * 60}


def refresh(
    base: Path | None = None,
    *,
    engine_name: str | None = None,
    full: bool = False,
    export: bool = True,
    now: dt.datetime | None = None,
) -> RefreshResult:
    started = time.perf_counter()
    base = base or layout.root()
    engine_name = engine_name or settings.ANALYTICS_ENGINE
    result = RefreshResult(engine=engine_name, full=full)
    if export:
        result.exported = export_events(base, now=now).rows
    state = read_state(base)
    signature = _settings_signature()
    full = full or state.get("signature") != signature or state.get("history_changed", False)
    result.full = full
    target = signature["target_wait_seconds"]
    con = engine.connect(engine_name)
    try:
        for spec in MARTS:
            raw = RAW_FOR_MART[spec.name]
            dirty = [dt.date.fromisoformat(day) for day in state["dirty_days"].get(raw, [])]
            days: list[dt.date] | None = dirty
            if full or not mart_path(spec.name, base).exists():
                days = None
            elif not dirty:
                continue
            result.mart_rows[spec.name] = refresh_mart(con, spec, base, days, target)
            result.recomputed_days[spec.name] = -1 if days is None else len(days)
        refresh_backlog(con, base)
    finally:
        if engine_name == "duckdb":
            con.disconnect()
    state["dirty_days"] = {}
    state["signature"] = signature
    state["history_changed"] = False
    state["refreshed_at"] = (now or timezone.now()).isoformat()
    write_state(state, base)
    result.seconds = time.perf_counter() - started
    return result


def mark_history_changed(base: Path | None = None) -> None:
    """History files were (re)written outside the export: the next refresh is a full one."""
    state = read_state(base)
    state["history_changed"] = True
    write_state(state, base)
