"""manage.py refresh_analytics [--full] [--engine duckdb|spark] [--no-export] [--no-forecast]

Export new events, refresh the marts they touched, then the demand forecast. Safe to run
every few minutes and safe to interrupt (see imigrasi/analytics/refresh.py).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from imigrasi.analytics.forecast_job import refresh_forecasts
from imigrasi.analytics.refresh import refresh


class Command(BaseCommand):
    help = "Export new events and refresh the analytics marts and forecasts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--full", action="store_true", help="recompute every mart")
        parser.add_argument("--engine", choices=["duckdb", "spark"], default=None)
        parser.add_argument("--no-export", action="store_true", help="marts from the files only")
        parser.add_argument("--no-forecast", action="store_true", help="skip the forecast")

    def handle(self, *args: Any, **options: Any) -> None:
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
        if not options["no_forecast"]:
            forecast = refresh_forecasts()
            summary["forecast_series"] = forecast.series
            summary["forecast_seconds"] = round(forecast.seconds, 2)
        self.stdout.write(json.dumps(summary))
