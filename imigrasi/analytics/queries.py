"""What the dashboard reads: the marts only, through DuckDB, always within the reader's scope.

A reader's scope is a set of office codes: an office head's own office, a regional head's
province, headquarters and auditors the nation (``None``: no filter). Every query takes the
scope, so no figure of an office outside it can be computed, whatever the filters say.
The marts hold counts and durations only: no personal data, so reads are not audited as
personal-data access (the page view itself is in the request log).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from imigrasi.accounts.models import Oversight, Role, User
from imigrasi.analytics import layout
from imigrasi.catalog.models import Office

WEEKDAYS = 7


def scope_of(user: User) -> tuple[str, ...] | None:
    """Office codes the user may see (``None``: all), or an empty tuple: nothing."""
    if user.role == Role.AUDITOR:
        return None
    if user.role != Role.SUPERVISOR or user.office_id is None:
        return ()
    oversight = user.oversight
    if oversight == Oversight.NATION:
        return None
    if oversight == Oversight.REGION:
        province = Office.objects.filter(pk=user.office_id).values_list("province", flat=True)
        return tuple(
            Office.objects.filter(province__in=province)
            .order_by("code")
            .values_list("code", flat=True)
        )
    return tuple(Office.objects.filter(pk=user.office_id).values_list("code", flat=True))


@dataclass(frozen=True)
class Filters:
    start: dt.date
    end: dt.date
    offices: tuple[str, ...] | None  # already intersected with the scope; None: the nation
    service: str | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def mart_file(name: str, base: Path | None = None) -> Path:
    return layout.marts_dir(base) / f"{name}.parquet"


def marts_ready(base: Path | None = None) -> bool:
    return mart_file("queue_hourly", base).exists()


_local = threading.local()


def _connection() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB per thread, kept for the thread's life: connecting costs 10-20 ms,
    a page's whole set of queries about 60 ms. The object cache keeps each Parquet file's
    metadata between pages (DuckDB checks the file's modification time, so a refreshed mart,
    which is a new file moved into place, is read afresh)."""
    con: duckdb.DuckDBPyConnection | None = getattr(_local, "con", None)
    if con is None:
        con = duckdb.connect()
        con.execute("SET threads = 1")
        con.execute("SET enable_object_cache = true")
        _local.con = con
    return con


class MartReader:
    """Reads the marts for one page through the thread's DuckDB connection."""

    def __init__(self, filters: Filters, base: Path | None = None) -> None:
        self.filters = filters
        self.base = base
        self.con = _connection().cursor()

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> MartReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def where(self, *, dated: bool = True, column: str = "day") -> tuple[str, dict[str, Any]]:
        clauses: list[str] = ["TRUE"]
        params: dict[str, Any] = {}
        if dated:
            clauses.append(f"{column} BETWEEN $start AND $end")
            params.update(start=self.filters.start, end=self.filters.end)
        if self.filters.offices is not None:
            clauses.append("list_contains($offices, office)")
            params["offices"] = list(self.filters.offices)
        if self.filters.service:
            clauses.append("service = $service")
            params["service"] = self.filters.service
        return " AND ".join(clauses), params

    def rows(
        self,
        mart: str,
        select: str,
        *,
        tail: str = "",
        dated: bool = True,
        column: str = "day",
        **extra: Any,
    ) -> list[tuple[Any, ...]]:
        path = mart_file(mart, self.base)
        if not path.exists():
            return []
        where, params = self.where(dated=dated, column=column)
        sql = f"SELECT {select} FROM read_parquet($path) WHERE {where} {tail}"  # noqa: S608 - fixed fragments
        return self.con.execute(sql, {"path": str(path), **params, **extra}).fetchall()


@dataclass(frozen=True)
class QueueSummary:
    arrivals: int
    within_target_share: float | None
    mean_wait_minutes: float | None
    mean_service_minutes: float | None
    busiest_weekday: int | None
    busiest_hour: int | None


def daily_arrivals(reader: MartReader) -> list[tuple[dt.date, int]]:
    return [
        (day, int(count))
        for day, count in reader.rows(
            "queue_hourly", "day, SUM(arrivals)", tail="GROUP BY day ORDER BY day"
        )
    ]


def queue_summary(reader: MartReader) -> QueueSummary:
    ((arrivals, within, waits, called, service, served),) = reader.rows(
        "queue_hourly",
        "COALESCE(SUM(arrivals), 0), SUM(within_target), SUM(wait_seconds), SUM(called),"
        " SUM(service_seconds), SUM(served)",
    )
    grid = weekday_hour_grid(reader)
    peak = max(
        ((w, h, v) for w, row in enumerate(grid) for h, v in enumerate(row) if v is not None),
        key=lambda cell: cell[2],
        default=None,
    )
    return QueueSummary(
        arrivals=int(arrivals),
        within_target_share=(within / arrivals) if arrivals else None,
        mean_wait_minutes=(waits / called / 60) if called else None,
        mean_service_minutes=(service / served / 60) if served else None,
        busiest_weekday=peak[0] if peak else None,
        busiest_hour=HOURS[peak[1]] if peak else None,
    )


HOURS = tuple(range(7, 18))


def weekday_hour_grid(reader: MartReader) -> list[list[float | None]]:
    """Average arrivals per open day, weekday (Monday first) × hour 07–17 (office time)."""
    counts = reader.rows(
        "queue_hourly",
        "isodow(day) - 1 AS weekday, hour, SUM(arrivals), COUNT(DISTINCT day)",
        tail="GROUP BY ALL",
    )
    grid: list[list[float | None]] = [[None] * len(HOURS) for _ in range(WEEKDAYS)]
    for weekday, hour, total, days in counts:
        if hour in HOURS and days:
            grid[int(weekday)][HOURS.index(int(hour))] = round(float(total) / float(days), 1)
    return grid


@dataclass(frozen=True)
class ServiceTimes:
    service: str
    decided: int
    median_days: float
    p90_days: float
    within_sla_share: float
    rejected: int


def processing_times(reader: MartReader) -> list[ServiceTimes]:
    rows = reader.rows(
        "decisions",
        "service, COUNT(*), quantile_cont(seconds, 0.5) / 86400,"
        " quantile_cont(seconds, 0.9) / 86400,"
        " AVG(within_sla::INT), SUM(rejected::INT)",
        tail="GROUP BY service ORDER BY COUNT(*) DESC",
    )
    return [
        ServiceTimes(service, int(n), round(median, 1), round(p90, 1), float(sla), int(rejected))
        for service, n, median, p90, sla, rejected in rows
    ]


def backlog(reader: MartReader) -> list[tuple[str, int]]:
    """Open applications per service at the end of the period (last known day per series)."""
    path = mart_file("backlog_daily", reader.base)
    if not path.exists():
        return []
    where, params = reader.where(dated=False)
    sql = (
        "SELECT service, SUM(open) FROM (SELECT office, service, open FROM read_parquet($path)"  # noqa: S608
        f" WHERE {where} AND day <= $end_day"
        " QUALIFY row_number() OVER (PARTITION BY office, service ORDER BY day DESC) = 1)"
        " GROUP BY service ORDER BY 2 DESC"
    )
    result = reader.con.execute(sql, {"path": str(path), "end_day": reader.filters.end, **params})
    return [(service, int(total)) for service, total in result.fetchall() if total]


@dataclass(frozen=True)
class BookingSummary:
    booked: int
    cancelled: int
    checked_in: int
    no_shows: int

    @property
    def no_show_rate(self) -> float | None:
        kept = self.booked - self.cancelled
        return self.no_shows / kept if kept > 0 else None


def bookings(reader: MartReader, today: dt.date) -> BookingSummary:
    """Past days only: a booked visit neither cancelled nor checked in is a no-show."""
    ((booked, cancelled, checked_in),) = reader.rows(
        "bookings_daily",
        "COALESCE(SUM(booked), 0), COALESCE(SUM(cancelled), 0), COALESCE(SUM(checked_in), 0)",
        tail="AND day < $today",
        today=today,
    ) or [(0, 0, 0)]
    return BookingSummary(
        int(booked),
        int(cancelled),
        int(checked_in),
        max(0, int(booked) - int(cancelled) - int(checked_in)),
    )


def forecast(
    reader: MartReader, mart: str = "forecast_daily"
) -> list[tuple[dt.date, float, float, float]]:
    """Sum over the series in scope: date, forecast, lo80, hi80 (intervals add up
    conservatively: the sum of bounds is wider than the bound of the sum)."""
    return [
        (day, float(point), float(lo), float(hi))
        for day, point, lo, hi in reader.rows(
            mart,
            "date, SUM(forecast), SUM(lo80), SUM(hi80)",
            dated=False,
            tail="GROUP BY date ORDER BY date",
        )
    ]


@dataclass(frozen=True)
class ModelChoice:
    office: str
    service: str
    model: str
    mase: float | None
    baseline_mase: float | None


def model_choices(reader: MartReader) -> list[ModelChoice]:
    return [
        ModelChoice(*row)
        for row in reader.rows(
            "forecast_models",
            "office, service, model, mase, baseline_mase",
            dated=False,
            tail="ORDER BY office, service",
        )
    ]


def offices_named(codes: Sequence[str] | None) -> dict[str, str]:
    query = Office.objects.all() if codes is None else Office.objects.filter(code__in=codes)
    return dict(query.values_list("code", "name"))
