"""Where the analytics files live and what the raw tables look like.

Raw tables are Hive-partitioned Parquet (``<root>/raw/<table>/day=YYYY-MM-DD/<part>.parquet``),
``day`` being the **office-local** date of the subject (a ticket's day, a booking's slot day,
an event's day for applications), so every event of a ticket or a booking lands in one
partition and a one-day refresh reads one directory. Timestamps are UTC at microsecond
precision (Spark reads nothing finer). Part names carry the first and last event id
(``part-<first>-<last>.parquet``) so an export that dies half-way can find and remove what it
left behind. History written by ``generate_history`` uses ``history-<...>.parquet`` names and
negative ids, so it never collides with exported rows.

Marts are single Parquet files under ``<root>/marts/``; the dashboard reads only those.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
from django.conf import settings

TIMESTAMP = pa.timestamp("us", tz="UTC")

RAW_SCHEMAS: dict[str, pa.Schema] = {
    # One row per queue-ticket event: issued, checked_in, called, recalled, started, finished,
    # no_show, transferred, cancelled.
    "ticket_events": pa.schema(
        [
            ("event_id", pa.int64()),
            ("ticket_id", pa.int64()),
            ("office", pa.string()),
            ("service", pa.string()),
            ("lane", pa.string()),  # regular | priority
            ("origin", pa.string()),  # booked | walk_in
            ("kind", pa.string()),
            ("at", TIMESTAMP),
        ]
    ),
    # One row per booking event: held, confirmed, rescheduled, cancelled, expired,
    # checked_in, no_show, completed. ``slot_starts_at`` is the slot at the time of export.
    "booking_events": pa.schema(
        [
            ("event_id", pa.int64()),
            ("booking_id", pa.int64()),
            ("office", pa.string()),
            ("service", pa.string()),
            ("kind", pa.string()),
            ("at", TIMESTAMP),
            ("slot_starts_at", TIMESTAMP),
        ]
    ),
    # One row per application status change (submitted, decided, …): no personal data.
    "application_events": pa.schema(
        [
            ("event_id", pa.int64()),
            ("application_id", pa.int64()),
            ("office", pa.string()),
            ("service", pa.string()),
            ("kind", pa.string()),
            ("from_status", pa.string()),
            ("to_status", pa.string()),
            ("at", TIMESTAMP),
        ]
    ),
}

# Dimensions: small, exported whole on every run.
DIMENSION_SCHEMAS: dict[str, pa.Schema] = {
    "offices": pa.schema(
        [
            ("office", pa.string()),
            ("name", pa.string()),
            ("province", pa.string()),
            ("timezone", pa.string()),
            ("kind", pa.string()),
        ]
    ),
    "services": pa.schema(
        [
            ("service", pa.string()),
            ("name_id", pa.string()),
            ("name_en", pa.string()),
            ("sla_days", pa.int32()),  # working days promised; 0 when none is published
        ]
    ),
}

PARTITIONING = ds.partitioning(pa.schema([("day", pa.date32())]), flavor="hive")


def root() -> Path:
    return Path(settings.ANALYTICS_DIR)


def raw_dir(table: str, base: Path | None = None) -> Path:
    return (base or root()) / "raw" / table


def dimension_path(name: str, base: Path | None = None) -> Path:
    return (base or root()) / "raw" / f"{name}.parquet"


def marts_dir(base: Path | None = None) -> Path:
    return (base or root()) / "marts"


def state_path(base: Path | None = None) -> Path:
    return (base or root()) / "state.json"
