"""Incremental, resumable Parquet export of the operational events (no personal data).

Each raw table has a **watermark**: the highest event id already exported. A run reads the
events above it in id order, in batches, writes each batch as ``part-<first>-<last>.parquet``
into its day partitions, and only then moves the watermark (one atomic file replace). So:

* a rerun with nothing new changes nothing;
* a run that dies after writing a batch but before moving the watermark left files whose
  first id is above the watermark; the next run deletes exactly those and writes them again,
  so nothing is exported twice;
* events younger than ``ANALYTICS_EXPORT_LAG_SECONDS`` wait for the next run: a transaction
  still open now may commit a lower id than one already visible (PostgreSQL sequences are
  not commit-ordered), and the lag gives it time to land before the watermark passes it.

The days each run touched are remembered (``dirty_days``) so the mart refresh recomputes
only those. Dimensions (offices, services, the working-day calendar) are small and written
whole every run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
from django.conf import settings
from django.db.models import F, QuerySet
from django.utils import timezone

from imigrasi.analytics import layout
from imigrasi.applications.models import ApplicationEvent, EventKind
from imigrasi.appointments.models import BookingEvent, TicketEvent
from imigrasi.catalog.models import CompletionUnit, Office, Service
from imigrasi.lib.workdays import is_working_day

BATCH_SIZE = 100_000
PART_PREFIX = "part-"


@dataclass
class ExportResult:
    rows: dict[str, int] = field(default_factory=dict)
    days: dict[str, list[dt.date]] = field(default_factory=dict)
    removed_orphans: int = 0


# --- state -------------------------------------------------------------------------------


def read_state(base: Path | None = None) -> dict[str, Any]:
    path = layout.state_path(base)
    if not path.exists():
        return {"watermarks": {}, "dirty_days": {}}
    state: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    state.setdefault("watermarks", {})
    state.setdefault("dirty_days", {})
    return state


def write_state(state: dict[str, Any], base: Path | None = None) -> None:
    path = layout.state_path(base)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", dir=path.parent, prefix=".state-", suffix=".json", delete=False, encoding="utf-8"
    ) as handle:
        json.dump(state, handle, indent=1, sort_keys=True)
    os.replace(handle.name, path)


def write_table_atomically(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".parquet")
    os.close(fd)
    pq.write_table(table, temp, coerce_timestamps="us")
    os.replace(temp, path)


# --- row sources: one per raw table -------------------------------------------------------


def _zones() -> dict[int, tuple[str, ZoneInfo | None]]:
    return {
        pk: (code, ZoneInfo(zone))
        for pk, code, zone in Office.objects.values_list("pk", "code", "timezone")
    }


def _local_day(moment: dt.datetime | None, zone: ZoneInfo | None) -> dt.date | None:
    if moment is None:
        return None
    return moment.astimezone(zone or ZoneInfo(settings.TIME_ZONE)).date()


def _ticket_rows(after: int, until: dt.datetime) -> Iterator[list[dict[str, Any]]]:
    query = TicketEvent.objects.filter(at__lte=until).values(
        "id",
        "ticket_id",
        "kind",
        "at",
        day=F("ticket__date"),
        office_code=F("office__code"),
        service_code=F("ticket__service__code"),
        lane=F("ticket__lane"),
        origin=F("ticket__origin"),
    )
    for batch in _batches(query, after):
        yield [
            {
                "event_id": row["id"],
                "ticket_id": row["ticket_id"],
                "office": row["office_code"],
                "service": row["service_code"],
                "lane": row["lane"],
                "origin": row["origin"],
                "kind": row["kind"],
                "at": row["at"],
                "day": row["day"],
            }
            for row in batch
        ]


def _booking_rows(after: int, until: dt.datetime) -> Iterator[list[dict[str, Any]]]:
    zones = _zones()
    query = BookingEvent.objects.filter(at__lte=until).values(
        "id",
        "booking_id",
        "kind",
        "at",
        office_id=F("booking__office_id"),
        service_code=F("booking__service__code"),
        slot_starts_at=F("booking__slot__starts_at"),
    )
    for batch in _batches(query, after):
        rows = []
        for row in batch:
            code, zone = zones.get(row["office_id"], ("", None))
            rows.append(
                {
                    "event_id": row["id"],
                    "booking_id": row["booking_id"],
                    "office": code,
                    "service": row["service_code"],
                    "kind": row["kind"],
                    "at": row["at"],
                    "slot_starts_at": row["slot_starts_at"],
                    "day": _local_day(row["slot_starts_at"], zone),
                }
            )
        yield rows


def _application_rows(after: int, until: dt.datetime) -> Iterator[list[dict[str, Any]]]:
    """Status changes only: the message, actor and anything personal stay behind."""
    zones = _zones()
    query = ApplicationEvent.objects.filter(kind=EventKind.STATUS, created_at__lte=until).values(
        "id",
        "application_id",
        "kind",
        "from_status",
        "to_status",
        "created_at",
        office_id=F("application__office_id"),
        service_code=F("application__service__code"),
    )
    for batch in _batches(query, after):
        rows = []
        for row in batch:
            code, zone = zones.get(row["office_id"] or 0, ("", None))
            rows.append(
                {
                    "event_id": row["id"],
                    "application_id": row["application_id"],
                    "office": code,
                    "service": row["service_code"],
                    "kind": row["kind"],
                    "from_status": row["from_status"],
                    "to_status": row["to_status"],
                    "at": row["created_at"],
                    "day": _local_day(row["created_at"], zone),
                }
            )
        yield rows


def _batches(query: QuerySet[Any, Any], after: int) -> Iterator[list[dict[str, Any]]]:
    while True:
        batch = list(query.filter(id__gt=after).order_by("id")[:BATCH_SIZE])
        if not batch:
            return
        yield batch
        after = batch[-1]["id"]


SOURCES: dict[str, Callable[[int, dt.datetime], Iterator[list[dict[str, Any]]]]] = {
    "ticket_events": _ticket_rows,
    "booking_events": _booking_rows,
    "application_events": _application_rows,
}


# --- writing ------------------------------------------------------------------------------


def _part_first_id(path: Path) -> int | None:
    """``part-000000000042-000000000097-0.parquet`` → 42; anything else → None."""
    if not path.name.startswith(PART_PREFIX):
        return None
    try:
        return int(path.name[len(PART_PREFIX) :].split("-", 1)[0])
    except ValueError:
        return None


def remove_orphans(table: str, watermark: int, base: Path | None = None) -> int:
    """Delete parts a failed run wrote above the watermark (they will be written again)."""
    removed = 0
    for path in layout.raw_dir(table, base).glob(f"day=*/{PART_PREFIX}*.parquet"):
        first = _part_first_id(path)
        if first is not None and first > watermark:
            path.unlink()
            removed += 1
    return removed


def write_batch(table: str, rows: list[dict[str, Any]], base: Path | None = None) -> list[dt.date]:
    schema = layout.RAW_SCHEMAS[table].append(pa.field("day", pa.date32()))
    data = pa.Table.from_pylist(rows, schema=schema)
    first, last = rows[0]["event_id"], rows[-1]["event_id"]
    ds.write_dataset(
        data,
        layout.raw_dir(table, base),
        format="parquet",
        partitioning=layout.PARTITIONING,
        basename_template=f"{PART_PREFIX}{first:012d}-{last:012d}-{{i}}.parquet",
        existing_data_behavior="overwrite_or_ignore",
        file_options=ds.ParquetFileFormat().make_write_options(coerce_timestamps="us"),
    )
    return sorted({row["day"] for row in rows if row["day"] is not None})


def export_dimensions(base: Path | None = None) -> None:
    offices = [
        {
            "office": o.code,
            "name": o.name,
            "province": o.province,
            "timezone": o.timezone,
            "kind": o.kind,
        }
        for o in Office.objects.order_by("code")
    ]
    write_table_atomically(
        pa.Table.from_pylist(offices, schema=layout.DIMENSION_SCHEMAS["offices"]),
        layout.dimension_path("offices", base),
    )
    services = [
        {
            "service": s.code,
            "name_id": s.name_id,
            "name_en": s.name_en,
            "sla_days": s.completion_value
            if s.completion_unit == CompletionUnit.WORKING_DAYS
            else 0,
        }
        for s in Service.objects.order_by("code")
    ]
    write_table_atomically(
        pa.Table.from_pylist(services, schema=layout.DIMENSION_SCHEMAS["services"]),
        layout.dimension_path("services", base),
    )
    write_table_atomically(working_day_calendar(), layout.dimension_path("calendar", base))


def working_day_calendar(first: dt.date | None = None, last: dt.date | None = None) -> pa.Table:
    """date → working-day number: the difference of two numbers is working days elapsed,
    which every engine can compute with a join (SLA compliance)."""
    today = timezone.localdate()
    first = first or dt.date(today.year - 10, 1, 1)
    last = last or dt.date(today.year + 2, 12, 31)
    dates, numbers, working = [], [], []
    number = 0
    day = first
    while day <= last:
        is_working = is_working_day(day)
        number += int(is_working)
        dates.append(day)
        numbers.append(number)
        working.append(is_working)
        day += dt.timedelta(days=1)
    return pa.table(
        {
            "date": pa.array(dates, pa.date32()),
            "workday_number": pa.array(numbers, pa.int32()),
            "is_working_day": pa.array(working, pa.bool_()),
        }
    )


def export_events(base: Path | None = None, now: dt.datetime | None = None) -> ExportResult:
    """Export everything new since the last run; see the module docstring for the guarantees."""
    until = (now or timezone.now()) - dt.timedelta(seconds=settings.ANALYTICS_EXPORT_LAG_SECONDS)
    state = read_state(base)
    result = ExportResult()
    export_dimensions(base)
    for table, source in SOURCES.items():
        watermark = int(state["watermarks"].get(table, 0))
        result.removed_orphans += remove_orphans(table, watermark, base)
        touched: set[str] = set(state["dirty_days"].get(table, []))
        count = 0
        for rows in source(watermark, until):
            days = write_batch(table, rows, base)
            touched.update(day.isoformat() for day in days)
            count += len(rows)
            state["watermarks"][table] = rows[-1]["event_id"]
            state["dirty_days"][table] = sorted(touched)
            write_state(state, base)
        result.rows[table] = count
        result.days[table] = sorted(dt.date.fromisoformat(day) for day in touched)
    return result
