"""manage.py refresh_analytics [--full] [--engine duckdb|spark] [--no-export] [--no-forecast]
[--every SECONDS]

Export new events, refresh the marts they touched, then the demand forecast, then draw each
reader's landing view into the cache. Safe to run
every few minutes and safe to interrupt (see imigrasi/analytics/refresh.py). With --every it
keeps running (make run starts it so): marts every SECONDS, the forecast once a day.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from imigrasi.analytics import layout
from imigrasi.analytics.forecast_job import refresh_forecasts
from imigrasi.analytics.refresh import refresh
from imigrasi.analytics.warmup import warm

logger = logging.getLogger(__name__)


def forecast_due() -> bool:
    """The forecast is made once a day: models are refitted on the new day's data."""
    path = layout.marts_dir() / "forecast_models.parquet"
    if not path.exists():
        return True
    made = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
    return timezone.localdate(made) < timezone.localdate()


class Command(BaseCommand):
    help = "Export new events and refresh the analytics marts and forecasts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--full", action="store_true", help="recompute every mart")
        parser.add_argument("--engine", choices=["duckdb", "spark"], default=None)
        parser.add_argument("--no-export", action="store_true", help="marts from the files only")
        parser.add_argument("--no-forecast", action="store_true", help="skip the forecast")
        parser.add_argument("--every", type=int, default=0, help="repeat every SECONDS")

    def handle(self, *args: Any, **options: Any) -> None:
        every = int(options["every"])
        if every <= 0:
            self.stdout.write(json.dumps(self.once(options, forecast=not options["no_forecast"])))
            return
        while True:
            try:
                summary = self.once(options, forecast=not options["no_forecast"] and forecast_due())
                logger.info("analytics refreshed: %s", json.dumps(summary))
            except Exception:  # a failed round is retried at the next one; files stay whole
                logger.exception("analytics refresh failed; retrying in %s s", every)
            options["full"] = False
            time.sleep(every)

    def once(self, options: dict[str, Any], *, forecast: bool) -> dict[str, Any]:
        result = refresh(
            engine_name=options["engine"], full=options["full"], export=not options["no_export"]
        )
        summary: dict[str, Any] = {
            "engine": result.engine,
            "full": result.full,
            "exported": result.exported,
            "mart_rows": result.mart_rows,
            "seconds": round(result.seconds, 2),
        }
        if forecast:
            run = refresh_forecasts()
            summary["forecast_series"] = run.series
            summary["forecast_seconds"] = round(run.seconds, 2)
        # Last, once every mart is final: each reader's landing view is drawn here, not by
        # the first person to open the dashboard (imigrasi/analytics/warmup.py).
        warmed = warm()
        summary["warmed_views"] = warmed.views
        summary["warm_seconds"] = round(warmed.seconds, 2)
        return summary
