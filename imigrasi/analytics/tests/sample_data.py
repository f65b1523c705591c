"""Seeded random raw data for the analytics tests: offices in the three time zones, tickets
with and without calls, finishes and no-shows, bookings cancelled and checked in,
applications sent, decided and refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from django.utils import timezone

from imigrasi.analytics import layout
from imigrasi.analytics.export import working_day_calendar, write_batch, write_table_atomically
from imigrasi.analytics.forecast_job import FORECAST_SCHEMA

OFFICES = [
    ("kanim-jakarta-selatan", "Asia/Jakarta"),
    ("kanim-jakarta-pusat", "Asia/Jakarta"),
    ("kanim-denpasar", "Asia/Makassar"),
    ("kanim-jayapura", "Asia/Jayapura"),
]
SERVICES = [("paspor-baru-dewasa", 4), ("itas-perpanjangan", 0)]
YEAR = dt.timedelta(days=400)
FIRST_DAY = dt.date(2026, 3, 16)  # Idulfitri 1447 H and cuti bersama fall in this window


def _moment(day: dt.date, seconds: float) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) + dt.timedelta(seconds=float(seconds))


def write_random_history(base: Path, seed: int = 11, first_day: dt.date = FIRST_DAY) -> None:
    rng = np.random.default_rng(seed)
    tickets: list[dict[str, Any]] = []
    bookings: list[dict[str, Any]] = []
    applications: list[dict[str, Any]] = []
    event = 0
    for n in range(600):
        event += 1
        office = OFFICES[n % len(OFFICES)][0]
        service = SERVICES[int(rng.integers(0, 2))][0]
        day = first_day + dt.timedelta(days=int(rng.integers(0, 28)))
        issued = float(rng.uniform(0, 9 * 3600)) + float(rng.uniform(0, 0.999))
        base_row = {"ticket_id": n + 1, "office": office, "service": service, "day": day}
        lane = "priority" if rng.random() < 0.1 else "regular"
        origin = "booked" if rng.random() < 0.7 else "walk_in"
        kinds = [("issued", issued)]
        if rng.random() < 0.9:
            called = issued + float(rng.exponential(900))
            kinds.append(("called", called))
            if rng.random() < 0.05:
                kinds.append(("no_show", called + 300))
            elif rng.random() < 0.95:
                kinds += [
                    ("started", called + 20),
                    ("finished", called + 20 + float(rng.lognormal(6.5, 0.3))),
                ]
        for kind, seconds in kinds:
            event += 1
            tickets.append(
                {
                    **base_row,
                    "event_id": event,
                    "lane": lane,
                    "origin": origin,
                    "kind": kind,
                    "at": _moment(day, seconds),
                }
            )
    for n in range(300):
        office, service = OFFICES[n % len(OFFICES)][0], SERVICES[n % 2][0]
        day = first_day + dt.timedelta(days=int(rng.integers(0, 28)))
        slot = _moment(day, 3600 * int(rng.integers(1, 8)))
        story = ["confirmed", str(rng.choice(["cancelled", "checked_in", "no_show", "none"]))]
        for kind in story:
            if kind != "none":
                event += 1
                bookings.append(
                    {
                        "event_id": event,
                        "booking_id": n + 1,
                        "office": office,
                        "service": service,
                        "kind": kind,
                        "at": slot - dt.timedelta(days=1),
                        "slot_starts_at": slot,
                        "day": day,
                    }
                )
    for n in range(250):
        office, service = OFFICES[n % len(OFFICES)][0], SERVICES[n % 2][0]
        sent = _moment(
            first_day + dt.timedelta(days=int(rng.integers(0, 20))), float(rng.uniform(0, 30000))
        )
        steps = [
            ("draft", "awaiting_payment", sent),
            ("awaiting_payment", "in_review", sent + dt.timedelta(hours=1)),
        ]
        if rng.random() < 0.8:
            decision = "rejected" if rng.random() < 0.1 else "in_production"
            steps.append(
                ("interviewed", decision, sent + dt.timedelta(hours=float(rng.uniform(20, 400))))
            )
        for before, after, moment in steps:
            event += 1
            applications.append(
                {
                    "event_id": event,
                    "application_id": n + 1,
                    "office": office,
                    "service": service,
                    "kind": "status",
                    "from_status": before,
                    "to_status": after,
                    "at": moment,
                    "day": moment.date(),
                }
            )
    write_batch("ticket_events", tickets, base)
    write_batch("booking_events", bookings, base)
    write_batch("application_events", applications, base)
    offices = [
        {"office": code, "name": code, "province": code, "timezone": zone, "kind": "kanim_i"}
        for code, zone in OFFICES
    ]
    services = [
        {"service": code, "name_id": code, "name_en": code, "sla_days": days}
        for code, days in SERVICES
    ]
    write_table_atomically(
        pa.Table.from_pylist(offices, schema=layout.DIMENSION_SCHEMAS["offices"]),
        layout.dimension_path("offices", base),
    )
    write_table_atomically(
        pa.Table.from_pylist(services, schema=layout.DIMENSION_SCHEMAS["services"]),
        layout.dimension_path("services", base),
    )
    write_table_atomically(
        working_day_calendar(first_day - YEAR, first_day + YEAR),
        layout.dimension_path("calendar", base),
    )


def write_forecast(base: Path, office: str, per_day: float) -> None:
    today = timezone.localdate()
    rows = [
        {"office": office, "service": "paspor-baru-dewasa", "date": today + dt.timedelta(days=d)}
        | {"forecast": per_day, "lo80": per_day * 0.8, "hi80": per_day * 1.2}
        for d in range(56)
    ]
    write_table_atomically(
        pa.Table.from_pylist(rows, schema=FORECAST_SCHEMA),
        base / "marts" / "forecast_daily.parquet",
    )
