"""The marts: every figure the dashboard shows, written once as Ibis expressions.

The same expressions run on DuckDB and on Spark (tests/test_parity.py compares every figure).
To keep them engine-neutral they use only portable operations: timestamps become whole epoch
seconds before any arithmetic, office-local hours come from the fixed UTC offsets of WIB,
WITA and WIT (Indonesia has no daylight saving), working days come from a calendar
dimension rather than a date function.

Day-keyed marts are refreshed **incrementally**: the export names the days it touched, those
days are recomputed from their partitions alone and replace the same days in the mart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from ibis.backends import BaseBackend
from ibis.expr.types import Table

from imigrasi.analytics import engine, layout
from imigrasi.analytics.export import write_table_atomically

UTC_OFFSET_HOURS = {"Asia/Jakarta": 7, "Asia/Makassar": 8, "Asia/Jayapura": 9}
SUBMITTED_FROM = "draft"
DECIDED = ("in_production", "approved", "rejected")
AWAITING_PAYMENT = "awaiting_payment"
PAID_TO = ("in_review", "in_verification")  # a recorded payment hands the file to the office


def _seconds(column: ibis.Value) -> ibis.Value:
    return column.truncate("s").epoch_seconds().cast("int64")


def _count(condition: ibis.Value) -> ibis.Value:
    return condition.cast("int64").sum()


# --- queue -------------------------------------------------------------------------------


def tickets(events: Table) -> Table:
    """One row per ticket: when it was issued, first called, started and finished."""
    at = _seconds(events.at)
    kind = events.kind
    return events.group_by(["ticket_id", "office", "service", "lane", "origin", "day"]).agg(
        issued=at.min(where=kind == "issued"),
        called=at.min(where=kind == "called"),
        started=at.min(where=kind == "started"),
        finished=at.max(where=kind == "finished"),
        no_show=_count(kind == "no_show"),
    )


def queue_hourly(events: Table, offices: Table, target_wait_seconds: int) -> Table:
    """Arrivals, waits (share called within the target) and service times per office ×
    service × local day × local hour."""
    per_ticket = tickets(events).filter(lambda t: t.issued.notnull())
    offset = offices.timezone.cases(*UTC_OFFSET_HOURS.items(), else_=7).name("offset")
    zones = offices.select(offices.office, offset_hours=offset)
    joined = per_ticket.left_join(zones, "office")
    local = joined.issued + joined.offset_hours.fill_null(7) * 3600
    wait = joined.called - joined.issued
    service = joined.finished - joined.started
    shaped = joined.mutate(
        hour=((local % 86400) // 3600).cast("int8"),
        wait=wait,
        service_time=service,
    )
    return shaped.group_by(["office", "service", "day", "hour"]).agg(
        arrivals=shaped.count(),
        priority=_count(shaped.lane == "priority"),
        walk_ins=_count(shaped.origin == "walk_in"),
        called=_count(shaped.called.notnull()),
        within_target=_count(shaped.wait.notnull() & (shaped.wait <= target_wait_seconds)),
        wait_seconds=shaped.wait.sum().fill_null(0).cast("int64"),
        served=_count(shaped.service_time.notnull()),
        service_seconds=shaped.service_time.sum().fill_null(0).cast("int64"),
        no_shows=_count(shaped.no_show > 0),
    )


# --- bookings ----------------------------------------------------------------------------


def bookings_daily(events: Table) -> Table:
    """Booked, cancelled, checked in and marked no-show per office × service × slot day. A
    booked visit neither cancelled nor checked in by the end of its day is a no-show too; the
    dashboard derives that for past days."""
    kind = events.kind
    per_booking = events.group_by(["booking_id", "office", "service", "day"]).agg(
        confirmed=_count(kind == "confirmed"),
        cancelled=_count(kind == "cancelled"),
        checked_in=_count(kind == "checked_in"),
        no_show=_count(kind == "no_show"),
    )
    booked = per_booking.confirmed > 0
    return per_booking.group_by(["office", "service", "day"]).agg(
        booked=_count(booked),
        cancelled=_count(booked & (per_booking.cancelled > 0)),
        checked_in=_count(booked & (per_booking.checked_in > 0)),
        marked_no_show=_count(booked & (per_booking.no_show > 0)),
    )


# --- applications ------------------------------------------------------------------------


def application_flow_daily(events: Table) -> Table:
    """Applications sent, decided and refused per office × service × day."""
    return events.group_by(["office", "service", "day"]).agg(
        submitted=_count(events.from_status == SUBMITTED_FROM),
        decided=_count(events.to_status.isin(DECIDED)),
        rejected=_count(events.to_status == "rejected"),
        status_changes=events.count(),
    )


def decisions(decided_events: Table, all_events: Table, services: Table, calendar: Table) -> Table:
    """One row per decided application: seconds from sending to the first decision (what the
    applicant waits), and the working days the SLA counts — from payment, the clock the
    operational due date starts (applications.actions._paid_fields), or from sending for a
    service without a fee — and whether they met the service's published time."""
    sent = all_events.filter(all_events.from_status == SUBMITTED_FROM)
    sent = sent.group_by("application_id").agg(
        sent_at=_seconds(sent.at).min(), sent_day=sent.day.min()
    )
    paid = all_events.filter(
        (all_events.from_status == AWAITING_PAYMENT) & all_events.to_status.isin(PAID_TO)
    )
    paid = paid.group_by(paid_id=paid.application_id).agg(paid_day=paid.day.min())
    decided = decided_events.filter(decided_events.to_status.isin(DECIDED))
    decided = decided.group_by(["application_id", "office", "service"]).agg(
        decided_at=_seconds(decided.at).min(),
        day=decided.day.min(),
        rejected=_count(decided.to_status == "rejected"),
    )
    joined = decided.inner_join(sent, "application_id")
    joined = joined.left_join(paid, joined.application_id == paid.paid_id)
    joined = joined.mutate(clock_day=ibis.coalesce(joined.paid_day, joined.sent_day))
    start = calendar.select(clock_day=calendar.date, start_number=calendar.workday_number)
    end = calendar.select(day=calendar.date, end_number=calendar.workday_number)
    sla = services.select(services.service, services.sla_days)
    joined = joined.left_join(start, "clock_day")
    joined = joined.left_join(end, "day")
    joined = joined.left_join(sla, "service")
    working_days = (joined.end_number - joined.start_number).fill_null(0)
    return joined.select(
        "application_id",
        "office",
        "service",
        "day",
        seconds=(joined.decided_at - joined.sent_at).cast("int64"),
        working_days=working_days.cast("int32"),
        within_sla=(joined.sla_days.fill_null(0) == 0) | (working_days <= joined.sla_days),
        rejected=joined.rejected > 0,
    )


def backlog_daily(flow: Table) -> Table:
    """Applications sent but not yet decided at the end of each day (running totals)."""
    window = ibis.window(
        group_by=["office", "service"], order_by="day", preceding=None, following=0
    )
    return flow.select(
        "office",
        "service",
        "day",
        open=(flow.submitted.sum().over(window) - flow.decided.sum().over(window)).cast("int64"),
    )


# --- refresh -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MartSpec:
    name: str
    keys: tuple[str, ...]
    build: Callable[[BaseBackend, Path, Iterable[dt.date] | None, int], Table]
    by_day: bool = True


def _queue(con: BaseBackend, base: Path, days: Iterable[dt.date] | None, target: int) -> Table:
    events = engine.raw_table(con, "ticket_events", base, days)
    return queue_hourly(events, engine.dimension(con, "offices", base), target)


def _bookings(con: BaseBackend, base: Path, days: Iterable[dt.date] | None, target: int) -> Table:
    return bookings_daily(engine.raw_table(con, "booking_events", base, days))


def _flow(con: BaseBackend, base: Path, days: Iterable[dt.date] | None, target: int) -> Table:
    return application_flow_daily(engine.raw_table(con, "application_events", base, days))


def _decisions(con: BaseBackend, base: Path, days: Iterable[dt.date] | None, target: int) -> Table:
    return decisions(
        engine.raw_table(con, "application_events", base, days),
        engine.raw_table(con, "application_events", base).select(
            "application_id", "from_status", "to_status", "at", "day"
        ),
        engine.dimension(con, "services", base),
        engine.dimension(con, "calendar", base),
    )


MARTS: tuple[MartSpec, ...] = (
    MartSpec("queue_hourly", ("office", "service", "day", "hour"), _queue),
    MartSpec("bookings_daily", ("office", "service", "day"), _bookings),
    MartSpec("application_flow_daily", ("office", "service", "day"), _flow),
    MartSpec("decisions", ("day", "office", "service", "application_id"), _decisions),
)
RAW_FOR_MART = {
    "queue_hourly": "ticket_events",
    "bookings_daily": "booking_events",
    "application_flow_daily": "application_events",
    "decisions": "application_events",
}


def _sorted(table: pa.Table, keys: tuple[str, ...]) -> pa.Table:
    return table.sort_by([(key, "ascending") for key in keys])


def mart_path(name: str, base: Path) -> Path:
    return layout.marts_dir(base) / f"{name}.parquet"


def compute(
    con: BaseBackend, spec: MartSpec, base: Path, days: Iterable[dt.date] | None, target: int
) -> pa.Table:
    return _sorted(con.to_pyarrow(spec.build(con, base, days, target)), spec.keys)


def refresh_mart(
    con: BaseBackend, spec: MartSpec, base: Path, days: list[dt.date] | None, target: int
) -> int:
    """Recompute ``days`` (None: everything) and write the mart; returns its row count."""
    path = mart_path(spec.name, base)
    fresh = compute(con, spec, base, days, target)
    if days is not None and path.exists():
        old = pq.read_table(path)
        keep = pc.invert(pc.is_in(old["day"], value_set=pa.array(days, pa.date32())))
        fresh = _sorted(pa.concat_tables([old.filter(keep), fresh.cast(old.schema)]), spec.keys)
    write_table_atomically(fresh, path)
    return fresh.num_rows


def refresh_backlog(con: BaseBackend, base: Path) -> int:
    flow = engine.mart_table(con, "application_flow_daily", base)
    table = _sorted(con.to_pyarrow(backlog_daily(flow)), ("office", "service", "day"))
    write_table_atomically(table, mart_path("backlog_daily", base))
    return table.num_rows
