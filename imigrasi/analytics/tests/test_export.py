"""The export of operational events to Parquet: incremental, resumable, and free of personal
data; then the marts it feeds, refreshed in full or for the touched days only."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from django.test import override_settings

from imigrasi.analytics import export, layout
from imigrasi.analytics.refresh import refresh
from imigrasi.applications.models import ApplicationEvent
from imigrasi.applications.tests.conftest import make
from imigrasi.appointments.models import Ticket, TicketEvent
from imigrasi.catalog.models import Office, Service

pytestmark = pytest.mark.django_db

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 3, 12, 0, tzinfo=UTC)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def ticket(
    office: Office, service: Service, day: int, number: int, **times: dt.datetime | None
) -> Ticket:
    """A ticket with its events at the given UTC times (issued, called, started, finished)."""
    issued = times["issued"]
    assert issued is not None
    made = Ticket.objects.create(
        office=office,
        date=dt.date(2026, 3, day),
        number=f"A-{number:03d}",
        route_prefix="A",
        service=service,
        origin="walk_in",
        lane="regular",
        status="done",
        due_at=issued,
        issued_at=issued,
    )
    for kind, moment in times.items():
        if moment is not None:
            TicketEvent.objects.create(ticket=made, office=office, kind=kind, at=moment)
    return made


@pytest.fixture
def jakarta(catalog: None) -> Office:
    return Office.objects.get(code="kanim-jakarta-selatan")


@pytest.fixture
def passport(catalog: None) -> Service:
    return Service.objects.get(code="paspor-baru-dewasa")


@pytest.fixture
def two_tickets(jakarta: Office, passport: Service) -> list[Ticket]:
    return [
        # 08:00 WIB: called after 10 minutes, served 20 minutes.
        ticket(
            jakarta,
            passport,
            2,
            1,
            issued=at(2, 1),
            called=at(2, 1, 10),
            started=at(2, 1, 10),
            finished=at(2, 1, 30),
        ),
        # 08:05 WIB: waited 35 minutes (over the 20-minute target), never finished.
        ticket(
            jakarta,
            passport,
            2,
            2,
            issued=at(2, 1, 5),
            called=at(2, 1, 40),
            started=None,
            finished=None,
        ),
    ]


def files(base: Path) -> dict[str, str]:
    return {
        str(path.relative_to(base)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted((base / "raw").rglob("*.parquet"))
        if "=" in str(path)
    }


def raw(base: Path, table: str) -> list[dict[str, Any]]:
    dataset = ds.dataset(layout.raw_dir(table, base), format="parquet", partitioning="hive")
    return sorted(dataset.to_table().to_pylist(), key=lambda row: row["event_id"])


def test_events_are_exported_once_into_the_tickets_local_day(
    tmp_path: Path, two_tickets: list[Ticket]
) -> None:
    result = export.export_events(tmp_path, now=NOW)
    assert result.rows["ticket_events"] == 6
    rows = raw(tmp_path, "ticket_events")
    assert {row["office"] for row in rows} == {"kanim-jakarta-selatan"}
    assert {str(row["day"]) for row in rows} == {"2026-03-02"}
    assert [row["kind"] for row in rows[:4]] == ["issued", "called", "started", "finished"]


def test_a_rerun_with_nothing_new_changes_no_file(
    tmp_path: Path, two_tickets: list[Ticket]
) -> None:
    export.export_events(tmp_path, now=NOW)
    before = files(tmp_path)
    again = export.export_events(tmp_path, now=NOW)
    assert again.rows == {"ticket_events": 0, "booking_events": 0, "application_events": 0}
    assert files(tmp_path) == before


def test_a_run_that_died_before_moving_the_watermark_is_redone_without_duplicates(
    tmp_path: Path, two_tickets: list[Ticket], jakarta: Office, passport: Service
) -> None:
    before = export.read_state(tmp_path)
    export.export_events(tmp_path, now=NOW)
    export.write_state(before, tmp_path)  # the batch was written, then the process died
    ticket(jakarta, passport, 2, 3, issued=at(2, 2))
    result = export.export_events(tmp_path, now=NOW)
    assert result.removed_orphans == 1
    ids = [row["event_id"] for row in raw(tmp_path, "ticket_events")]
    assert len(ids) == len(set(ids)) == 7


def test_events_younger_than_the_lag_wait_for_the_next_run(
    tmp_path: Path, jakarta: Office, passport: Service
) -> None:
    ticket(jakarta, passport, 3, 1, issued=NOW - dt.timedelta(seconds=10))
    assert export.export_events(tmp_path, now=NOW).rows["ticket_events"] == 0
    later = NOW + dt.timedelta(minutes=5)
    assert export.export_events(tmp_path, now=later).rows["ticket_events"] == 1


def test_only_status_changes_of_applications_leave_and_without_their_messages(
    tmp_path: Path, catalog: None
) -> None:
    application = make("in_review")
    ApplicationEvent.objects.filter(application=application).update(
        created_at=NOW - dt.timedelta(hours=1)
    )
    export.export_events(tmp_path, now=NOW)
    rows = raw(tmp_path, "application_events")
    assert rows, "the submitted application's status changes are exported"
    assert {row["kind"] for row in rows} == {"status"}
    assert "message" not in rows[0]
    assert rows[0]["from_status"] == "draft"


def test_the_marts_count_arrivals_waits_and_service_in_office_local_hours(
    tmp_path: Path, two_tickets: list[Ticket]
) -> None:
    with override_settings(QUEUE_TARGET_WAIT_MINUTES=20):
        refresh(tmp_path, now=NOW)
    (row,) = pq.read_table(tmp_path / "marts" / "queue_hourly.parquet").to_pylist()
    assert (row["day"], row["hour"]) == (dt.date(2026, 3, 2), 8)
    assert row["arrivals"] == 2 and row["called"] == 2 and row["within_target"] == 1
    assert row["wait_seconds"] == (10 + 35) * 60
    assert row["served"] == 1 and row["service_seconds"] == 20 * 60


def test_an_incremental_refresh_equals_a_full_one(
    tmp_path: Path, two_tickets: list[Ticket], jakarta: Office, passport: Service
) -> None:
    refresh(tmp_path, now=NOW)
    ticket(
        jakarta,
        passport,
        3,
        1,
        issued=at(3, 3),
        called=at(3, 3, 5),
        started=at(3, 3, 5),
        finished=at(3, 3, 15),
    )
    later = NOW + dt.timedelta(hours=2)
    incremental = refresh(tmp_path, now=later)
    assert incremental.full is False and incremental.recomputed_days["queue_hourly"] == 1
    partial = pq.read_table(tmp_path / "marts" / "queue_hourly.parquet")
    refresh(tmp_path, now=later, full=True, export=False)
    assert pq.read_table(tmp_path / "marts" / "queue_hourly.parquet").equals(partial)
    assert partial.num_rows == 2


def test_changing_the_wait_target_recomputes_everything(
    tmp_path: Path, two_tickets: list[Ticket]
) -> None:
    refresh(tmp_path, now=NOW)
    with override_settings(QUEUE_TARGET_WAIT_MINUTES=40):
        result = refresh(tmp_path, now=NOW)
    assert result.full is True
    (row,) = pq.read_table(tmp_path / "marts" / "queue_hourly.parquet").to_pylist()
    assert row["within_target"] == 2
