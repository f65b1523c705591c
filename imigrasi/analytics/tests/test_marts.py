"""The decisions mart counts the SLA on the clock operations use: from payment."""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import pyarrow as pa

from imigrasi.analytics import engine, layout
from imigrasi.analytics.export import working_day_calendar
from imigrasi.analytics.marts import decisions

WIB = dt.timezone(dt.timedelta(hours=7))
# 2026-03-02 is a Monday; no holiday falls in the two weeks used here.
MONDAY = dt.date(2026, 3, 2)


def event(application: int, service: str, day: int, before: str, after: str) -> dict[str, Any]:
    moment = dt.datetime.combine(MONDAY + dt.timedelta(days=day), dt.time(10), tzinfo=WIB)
    return {
        "event_id": application * 100 + day,
        "application_id": application,
        "office": "kanim-jakarta-selatan",
        "service": service,
        "kind": "status",
        "from_status": before,
        "to_status": after,
        "at": moment,
        "day": moment.date(),
    }


def decided(rows: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    schema = layout.RAW_SCHEMAS["application_events"].append(pa.field("day", pa.date32()))
    events = ibis.memtable(pa.Table.from_pylist(rows, schema=schema))
    services = ibis.memtable(
        pa.table({"service": ["paspor", "bebas"], "sla_days": pa.array([4, 4], pa.int32())})
    )
    calendar = ibis.memtable(working_day_calendar(MONDAY, MONDAY + dt.timedelta(days=30)))
    con = engine.connect("duckdb")
    table = con.to_pyarrow(decisions(events, events, services, calendar))
    return {row["application_id"]: row for row in table.to_pylist()}


def test_the_sla_clock_starts_at_payment_not_at_sending() -> None:
    rows = decided(
        [
            event(1, "paspor", 0, "draft", "awaiting_payment"),  # sent Monday
            event(1, "paspor", 3, "awaiting_payment", "in_review"),  # paid Thursday
            event(1, "paspor", 9, "interviewed", "in_production"),  # decided next Wednesday
        ]
    )
    assert rows[1]["working_days"] == 4 and rows[1]["within_sla"]
    assert rows[1]["seconds"] == 9 * 86400  # the applicant's wait still counts from sending


def test_without_a_payment_the_clock_starts_at_sending() -> None:
    rows = decided(
        [
            event(2, "bebas", 0, "draft", "in_review"),
            event(2, "bebas", 9, "in_review", "approved"),
        ]
    )
    assert rows[2]["working_days"] == 7 and not rows[2]["within_sla"]


def test_an_expired_bill_paid_later_counts_from_the_payment() -> None:
    rows = decided(
        [
            event(3, "paspor", 0, "draft", "awaiting_payment"),
            event(3, "paspor", 1, "awaiting_payment", "payment_expired"),
            event(3, "paspor", 2, "payment_expired", "awaiting_payment"),
            event(3, "paspor", 7, "awaiting_payment", "in_review"),  # paid the next Tuesday
            event(3, "paspor", 14, "in_review", "rejected"),
        ]
    )
    assert rows[3]["working_days"] == 5 and not rows[3]["within_sla"] and rows[3]["rejected"]
