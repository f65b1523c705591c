"""Demand forecasts as marts: daily arrivals per office × service, 8 weeks ahead.

Three files, all read by the dashboard and by staffing and quota advice:

* ``forecast_daily``: the forward forecast with its 80 % interval;
* ``forecast_models``: each series' chosen model and its backtest MASE beside seasonal
  naive's (the backtest is shown on the dashboard);
* ``forecast_holdout``: the same procedure run as if today were ``horizon`` days ago, so
  "forecast vs actual" compares a real out-of-sample forecast with what then happened.

Hourly demand comes top-down: the daily forecast spread over the hours by each office's
recent weekday × hour profile (``hourly_profile``), which is stable where hourly counts are
too sparse to model one by one.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from imigrasi.analytics import layout
from imigrasi.analytics.export import write_table_atomically
from imigrasi.analytics.forecasting import SeriesForecast, forecast_all

HORIZON_DAYS = 56
HISTORY_DAYS = 2 * 366 + 7  # what the daily models use (forecasting.FREQUENCIES)
WORKERS = 2

FORECAST_SCHEMA = pa.schema(
    [
        ("office", pa.string()),
        ("service", pa.string()),
        ("date", pa.date32()),
        ("forecast", pa.float64()),
        ("lo80", pa.float64()),
        ("hi80", pa.float64()),
    ]
)
MODEL_SCHEMA = pa.schema(
    [
        ("office", pa.string()),
        ("service", pa.string()),
        ("model", pa.string()),
        ("mase", pa.float64()),
        ("baseline_mase", pa.float64()),
        ("made_on", pa.date32()),
    ]
)


@dataclass(frozen=True)
class ForecastRun:
    series: int
    seconds: float


def _mart(name: str, base: Path) -> str:
    return str(layout.marts_dir(base) / f"{name}.parquet")


def daily_arrivals(base: Path, until: dt.date | None = None) -> pd.DataFrame:
    """date, office, service, count from the queue mart (most recent HISTORY_DAYS)."""
    path = layout.marts_dir(base) / "queue_hourly.parquet"
    if not path.exists():
        return pd.DataFrame(columns=["date", "office", "service", "count"])
    with duckdb.connect() as con:
        frame = con.execute(
            "SELECT day AS date, office, service, SUM(arrivals)::DOUBLE AS count"
            " FROM read_parquet($path) WHERE ($until IS NULL OR day <= $until)"
            " GROUP BY ALL",
            {"path": str(path), "until": until},
        ).df()
    if frame.empty:
        return frame
    frame["date"] = pd.to_datetime(frame["date"])
    last = frame["date"].max()
    return frame[frame["date"] > last - pd.Timedelta(days=HISTORY_DAYS)]


def _tables(results: list[SeriesForecast], made_on: dt.date) -> tuple[pa.Table, pa.Table]:
    rows = []
    models = []
    for result in results:
        for ds, point, lo, hi in result.forecast[["ds", "forecast", "lo80", "hi80"]].itertuples(
            index=False
        ):
            rows.append(
                {
                    "office": result.office,
                    "service": result.service,
                    "date": pd.Timestamp(ds).date(),
                    "forecast": float(point),
                    "lo80": float(lo),
                    "hi80": float(hi),
                }
            )
        models.append(
            {
                "office": result.office,
                "service": result.service,
                "model": result.model,
                "mase": result.mase,
                "baseline_mase": result.baseline_mase,
                "made_on": made_on,
            }
        )
    return (
        pa.Table.from_pylist(rows, schema=FORECAST_SCHEMA),
        pa.Table.from_pylist(models, schema=MODEL_SCHEMA),
    )


def refresh_forecasts(
    base: Path | None = None, *, horizon: int = HORIZON_DAYS, holdout: bool = True
) -> ForecastRun:
    started = time.perf_counter()
    base = base or layout.root()
    data = daily_arrivals(base)
    if data.empty:
        return ForecastRun(series=0, seconds=time.perf_counter() - started)
    made_on = data["date"].max().date()
    forward, models = _tables(forecast_all(data, horizon, "day", workers=WORKERS), made_on)
    write_table_atomically(forward, layout.marts_dir(base) / "forecast_daily.parquet")
    write_table_atomically(models, layout.marts_dir(base) / "forecast_models.parquet")
    if holdout:
        cutoff = pd.Timestamp(made_on) - pd.Timedelta(days=horizon)
        past = data[data["date"] <= cutoff]
        if not past.empty:
            back, _ = _tables(forecast_all(past, horizon, "day", workers=WORKERS), made_on)
            write_table_atomically(back, layout.marts_dir(base) / "forecast_holdout.parquet")
    return ForecastRun(series=models.num_rows, seconds=time.perf_counter() - started)
