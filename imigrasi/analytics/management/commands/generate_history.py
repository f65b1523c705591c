"""manage.py generate_history [--offices N] [--years Y] [--end YYYY-MM-DD] [--seed S]
[--scale F] [--output DIR] [--if-missing]

Realistic synthetic history (queue tickets, bookings, application status changes) in the raw
analytics layout, for the dashboard, the forecasts and the benchmarks (imigrasi/analytics/
history.py says how it is made). ``--offices 0`` uses the active offices in the database; a
larger N than there are creates the missing offices (the same ones for the same N). A rerun
replaces the previous history (``history-*.parquet``) and never touches exported files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from imigrasi.analytics import history, layout
from imigrasi.analytics.export import export_dimensions
from imigrasi.analytics.history_files import has_history
from imigrasi.analytics.history_offices import OfficeProfile, ensure_offices
from imigrasi.analytics.refresh import mark_history_changed


class Command(BaseCommand):
    help = "Write realistic synthetic history for the analytics pipeline (raw Parquet)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--offices",
            type=int,
            default=0,
            help="how many offices (0: the active offices; more than active: create the rest)",
        )
        parser.add_argument("--years", type=float, default=3.0, help="length of the history")
        parser.add_argument(
            "--end",
            type=dt.date.fromisoformat,
            default=None,
            help="last day, YYYY-MM-DD (default: yesterday)",
        )
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--scale", type=float, default=1.0, help="multiplies the volumes")
        parser.add_argument(
            "--output", type=Path, default=None, help="analytics directory (ANALYTICS_DIR)"
        )
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="do nothing when history was generated before (make run uses this)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count, years, scale = int(options["offices"]), float(options["years"]), options["scale"]
        if count < 0:
            raise CommandError("--offices must be 0 or more")
        if not 0 < years <= 20:
            raise CommandError("--years must be more than 0 and at most 20")
        if not 0 < scale <= 100:
            raise CommandError("--scale must be more than 0 and at most 100")
        base = Path(options["output"] or layout.root())
        if options["if_missing"] and has_history(base):
            self.stdout.write(f"History: kept what is in {base / 'raw'} (--if-missing).")
            return
        try:
            offices, created = ensure_offices(count)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not offices:
            raise CommandError(
                "No active offices: load them (manage.py load_catalog --offices) or pass "
                "--offices N to create N."
            )
        last_day = options["end"] or history.default_last_day()
        first_day = history.first_day_for(last_day, years)
        result = history.generate(
            [OfficeProfile.of(office) for office in offices],
            first_day,
            last_day,
            base,
            seed=int(options["seed"]),
            scale=scale,
        )
        export_dimensions(base)  # the marts need the offices created here
        mark_history_changed(base)  # the next refresh recomputes every mart
        rows = ", ".join(f"{table} {number:,}" for table, number in result.rows.items())
        self.stdout.write(
            f"History: {result.offices} offices ({created} created), {result.days} days "
            f"({first_day} to {last_day}), {rows}; {result.files:,} files in {base / 'raw'}; "
            f"{result.seconds:.1f} s"
        )
