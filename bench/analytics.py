"""Analytics at national scale: mart refresh, incremental refresh, dashboard, Spark, forecast.

One command, a fresh installation (own VAR_DIR and SQLite database):

1. ``generate_history --offices 150 --years 3``: about 10 million queue-ticket events plus
   bookings and applications, as Parquet (the same layout the export writes);
2. a full mart refresh on DuckDB (targets: under 60 s, under 4 GB), each step in its own
   process so ``peak_rss_mb`` is that step's own maximum resident memory;
3. one new day of events added as exported parts, then an incremental refresh (target < 5 s);
4. the dashboard page for the whole nation and for single offices (Django test client through
   the full middleware stack): the refresh job's warm-up of every reader's landing view, then
   p95 of the first view of each landing view (target < 300 ms), of filters nobody has viewed
   since the refresh (drawn on demand), and of both from the cache, beside the staff home page
   as the same-run baseline;
5. the same full refresh on Spark local mode (time reported, not targeted);
6. the forecast for every office x service series (target under 2 minutes).

The same-run baselines: a DuckDB scan that only counts the raw events (the floor for any
refresh) and the staff home page (the floor for any staff page). Prints one JSON line.

    .venv/bin/python bench/analytics.py [--offices 150] [--years 3] [--scale 1.0] [--skip-spark]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import ROOT, bench_environment, emit, run_manage

STEPS = ("scan", "refresh", "add_day", "incremental", "spark", "forecast", "dashboard")


def _step(name: str) -> dict[str, Any]:
    """Runs one step inside its own process (Django set up, bench environment)."""
    import django

    django.setup()
    import duckdb
    from django.conf import settings

    from imigrasi.analytics import layout

    base = layout.root()
    started = time.perf_counter()
    figures: dict[str, Any] = {}
    if name == "scan":
        with duckdb.connect() as con:
            count = con.execute(
                "SELECT count(*) FROM read_parquet($glob, hive_partitioning = true)",
                {"glob": str(layout.raw_dir("ticket_events", base) / "day=*" / "*.parquet")},
            ).fetchone()
        figures["events"] = int(count[0]) if count else 0
    elif name in {"refresh", "incremental", "spark"}:
        from imigrasi.analytics.refresh import refresh

        result = refresh(
            base,
            engine_name="spark" if name == "spark" else "duckdb",
            full=name != "incremental",
            export=False,
        )
        figures["recomputed_days"] = result.recomputed_days
    elif name == "add_day":
        figures["added_events"] = _add_one_day(base)
    elif name == "forecast":
        from imigrasi.analytics.forecast_job import refresh_forecasts

        run = refresh_forecasts(base, holdout=False)
        figures["series"] = run.series
    elif name == "dashboard":
        figures.update(_dashboard(settings))
    figures["seconds"] = time.perf_counter() - started
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def _add_one_day(base: Path) -> int:
    """The last generated day again as tomorrow's export: new ids, one new partition."""
    import datetime as dt

    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    from imigrasi.analytics import layout
    from imigrasi.analytics.export import read_state, write_batch, write_state

    dataset = ds.dataset(
        layout.raw_dir("ticket_events", base), format="parquet", partitioning=layout.PARTITIONING
    )
    last = max(dataset.to_table(columns=["day"]).column("day").to_pylist())
    table = dataset.to_table(filter=pc.field("day") == last)
    new_day = last + dt.timedelta(days=1)
    shift = dt.timedelta(days=1)
    rows = table.to_pylist()
    for number, row in enumerate(rows, start=1):
        row["event_id"] = 10_000_000_000 + number
        row["ticket_id"] = 10_000_000_000 + abs(row["ticket_id"])
        row["at"] = row["at"] + shift
        row["day"] = new_day
    write_batch("ticket_events", rows, base)
    state = read_state(base)
    state["dirty_days"]["ticket_events"] = [new_day.isoformat()]
    write_state(state, base)
    return len(rows)


def _dashboard(settings: Any) -> dict[str, Any]:
    import gzip
    import statistics

    from django.test import Client, override_settings

    from conftest import STAFF_TOTP, make_user, mark_second_factor
    from imigrasi.analytics.warmup import warm
    from imigrasi.catalog.models import Office

    office = Office.objects.order_by("code").first()
    user = make_user(
        "hq.bench@imigrasi.example", "supervisor", office, "Kepala Pusat", totp_secret=STAFF_TOTP
    )
    user.oversight = "nation"
    user.save(update_fields=["oversight"])
    client = Client()
    client.force_login(user)
    mark_second_factor(client, user)
    codes = list(Office.objects.order_by("code").values_list("code", flat=True)[:20])
    for code in codes:  # each office has a head, whose landing view the refresh job draws
        make_user(f"head.{code}@imigrasi.example", "supervisor", Office.objects.get(code=code))
    landing = [{"period": "91"}] + [{"period": "91", "office": code} for code in codes]
    uncached = [{"period": period} for period in ("28", "365")] + [
        {"period": "28", "office": code} for code in codes
    ]

    def timings(path: str, params: list[dict[str, str]]) -> list[float]:
        spent = []
        for query in params:
            started = time.perf_counter()
            response = client.get(path, query)
            spent.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        return spent

    # The bench installation has no collected static files (no manifest to look names up in).
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}):
        timings("/staff/", [{}] * 2)  # warm-up: templates, connections
        # What the refresh job does last (refresh_analytics): draw every reader's landing view.
        warmed = warm()
        # The first viewer of each landing view after a refresh (drawn by the job), then a
        # filter nobody has viewed since the refresh (drawn on demand), then both again.
        first = timings("/staff/analitik/", landing)
        cold = timings("/staff/analitik/", uncached)
        warm_again = timings("/staff/analitik/", landing + uncached)
        page = first + cold + warm_again
        home = timings("/staff/", [{}] * len(page))
        size = len(gzip.compress(client.get("/staff/analitik/", {"period": "365"}).content))
    return {
        "dashboard_p95_ms": round(statistics.quantiles(first, n=20)[-1], 1),
        "dashboard_uncached_p95_ms": round(statistics.quantiles(cold, n=20)[-1], 1),
        "dashboard_uncached_median_ms": round(statistics.median(cold), 1),
        "dashboard_cached_p95_ms": round(statistics.quantiles(warm_again, n=20)[-1], 1),
        "warmed_views": warmed.views,
        "warm_seconds": round(warmed.seconds, 1),
        "staff_home_p95_ms": round(statistics.quantiles(home, n=20)[-1], 1),
        "dashboard_gzip_kb": round(size / 1024, 1),
        "dashboard_requests": len(page),
    }


def _run(env: dict[str, str], step: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, __file__, "--step", step],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"step {step} failed with exit code {result.returncode}")
    figures = dict(json.loads(result.stdout.strip().splitlines()[-1]))
    print(f"{step}: {json.dumps(figures)}", file=sys.stderr, flush=True)  # progress
    return figures


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--offices", type=int, default=150)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--skip-spark", action="store_true")
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(_step(args.step)))
        return 0
    with bench_environment("sqlite") as env:
        run_manage(env, "load_demo_data")
        started = time.perf_counter()
        run_manage(
            env, "generate_history", "--offices", str(args.offices), "--years", str(args.years),
            "--scale", str(args.scale),
        )  # fmt: skip
        generate_seconds = time.perf_counter() - started
        scan = _run(env, "scan")
        full = _run(env, "refresh")
        _run(env, "add_day")
        incremental = _run(env, "incremental")
        forecast = _run(env, "forecast")
        dashboard = _run(env, "dashboard")
        spark = None if args.skip_spark else _run(env, "spark")
    emit(
        {
            "benchmark": "analytics",
            "offices": args.offices,
            "years": args.years,
            "events": scan["events"],
            "generate_seconds": round(generate_seconds, 1),
            "scan_seconds": round(scan["seconds"], 2),
            "refresh_seconds": round(full["seconds"], 1),
            "incremental_refresh_seconds": round(incremental["seconds"], 2),
            "dashboard_p95_ms": dashboard["dashboard_p95_ms"],
            "dashboard_uncached_p95_ms": dashboard["dashboard_uncached_p95_ms"],
            "dashboard_uncached_median_ms": dashboard["dashboard_uncached_median_ms"],
            "warmed_views": dashboard["warmed_views"],
            "warm_seconds": dashboard["warm_seconds"],
            "dashboard_cached_p95_ms": dashboard["dashboard_cached_p95_ms"],
            "staff_home_p95_ms": dashboard["staff_home_p95_ms"],
            "dashboard_gzip_kb": dashboard["dashboard_gzip_kb"],
            "spark_refresh_seconds": None if spark is None else round(spark["seconds"], 1),
            "forecast_seconds": round(forecast["seconds"], 1),
            "forecast_series": forecast["series"],
            "peak_rss_mb": round(full["peak_rss_mb"]),
            "forecast_peak_rss_mb": round(forecast["peak_rss_mb"]),
            "spark_driver_peak_rss_mb": None if spark is None else round(spark["peak_rss_mb"]),
        }
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
