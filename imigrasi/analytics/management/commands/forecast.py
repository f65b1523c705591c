"""manage.py forecast --input in.csv --horizon H [--frequency day|hour] --output out.csv

Input ``date,office,service,count``; output ``date,office,service,forecast,lo80,hi80``, one row
per series per step after the last input date. Bad input: every problem named by line on
stderr, exit code 2, and no output file at all. Prints each series' chosen model and its
backtest MASE beside the seasonal-naive baseline's.
"""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from imigrasi.analytics.forecasting import FREQUENCIES, SeriesForecast, forecast_all
from imigrasi.analytics.series_input import InputErrors, read_series

MAX_HORIZON = {"day": 366, "hour": 24 * 7 * 8}


def _mase(value: float | None) -> str:
    return "n/a (series too short to backtest)" if value is None else f"{value:.3f}"


class Command(BaseCommand):
    help = "Forecast counts per office and service from a CSV file (8 weeks: --horizon 56)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, type=Path)
        parser.add_argument("--output", required=True, type=Path)
        parser.add_argument("--horizon", required=True, type=int, help="steps to forecast")
        parser.add_argument("--frequency", choices=sorted(FREQUENCIES), default="day")

    def handle(self, *args: Any, **options: Any) -> None:
        frequency: str = options["frequency"]
        horizon = int(options["horizon"])
        source, target = Path(options["input"]), Path(options["output"])
        if not 1 <= horizon <= MAX_HORIZON[frequency]:
            raise CommandError(
                f"--horizon must be between 1 and {MAX_HORIZON[frequency]} for "
                f"--frequency {frequency}",
                returncode=2,
            )
        try:
            with source.open(newline="", encoding="utf-8-sig") as handle:
                data = read_series(handle, frequency)
        except OSError as exc:
            raise CommandError(f"cannot read {source}: {exc.strerror}", returncode=2) from None
        except UnicodeDecodeError:
            raise CommandError(f"{source} is not UTF-8 text", returncode=2) from None
        except InputErrors as exc:
            raise CommandError(f"{source}:\n{exc}", returncode=2) from None
        results = forecast_all(data, horizon, frequency)
        self._write(target, results, frequency)
        for result in results:
            self.stdout.write(
                f"{result.office}/{result.service}: {result.model}, backtest MASE "
                f"{_mase(result.mase)} (seasonal naive {_mase(result.baseline_mase)})"
            )

    @staticmethod
    def _write(path: Path, results: list[SeriesForecast], frequency: str) -> None:
        """Written beside the target and renamed into place: never a partial file."""
        stamp = "%Y-%m-%d" if frequency == "day" else "%Y-%m-%dT%H:%M:%S"
        directory = path.resolve().parent
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".forecast-", suffix=".csv")
        try:
            with os.fdopen(handle, "w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                writer.writerow(["date", "office", "service", "forecast", "lo80", "hi80"])
                for result in results:
                    for row in result.forecast.itertuples(index=False):
                        writer.writerow(
                            [
                                row.ds.strftime(stamp),
                                result.office,
                                result.service,
                                f"{row.forecast:.3f}",
                                f"{row.lo80:.3f}",
                                f"{row.hi80:.3f}",
                            ]
                        )
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
