"""generate_history: synthetic history in the raw layout, shaped like Indonesian offices' year
(weekdays, holidays, Lebaran), internally consistent, reproducible, and safe for real exports."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command

from imigrasi.analytics import layout
from imigrasi.analytics.history import generate
from imigrasi.analytics.history_offices import EXTRA_OFFICES, PROVINCE_TIMEZONES, OfficeProfile
from imigrasi.catalog.demo import OFFICES_FILE, load_offices
from imigrasi.catalog.models import Office
from imigrasi.lib.workdays import is_working_day

FIRST, LAST = dt.date(2025, 9, 1), dt.date(2026, 8, 31)
IDULFITRI = dt.date(2026, 3, 21)  # 1 Syawal 1447 H; cuti bersama 20, 23 and 24 March
OFFICES = [  # the three time zones, large and small offices
    OfficeProfile("kanim-jakarta-selatan", "kanim_i_khusus", "Asia/Jakarta", "DKI Jakarta"),
    OfficeProfile("ulp-bg-junction", "ulp", "Asia/Jakarta", "Jawa Timur"),
    OfficeProfile("kanim-denpasar", "kanim_i", "Asia/Makassar", "Bali"),
    OfficeProfile("kanim-makassar", "kanim_i_khusus", "Asia/Makassar", "Sulawesi Selatan"),
    OfficeProfile("kanim-jayapura", "kanim_i", "Asia/Jayapura", "Papua"),
    OfficeProfile("kanim-merauke", "kanim_ii", "Asia/Jayapura", "Papua Selatan"),
]
DEMO_CODES = {row["code"] for row in json.loads(OFFICES_FILE.read_text(encoding="utf-8"))}
UTC_OFFSET = {"Asia/Jakarta": 7, "Asia/Makassar": 8, "Asia/Jayapura": 9}
OFFSET_HOURS = {office.code: UTC_OFFSET[office.timezone] for office in OFFICES}


def read(base: Path, table: str) -> pd.DataFrame:
    """The history files of one raw table (exported part-* files left out), with ``day``."""
    directory = layout.raw_dir(table, base)
    files = sorted(directory.glob("day=*/history-*.parquet"))
    partitioning = layout.PARTITIONING
    dataset = ds.dataset(
        files, format="parquet", partitioning=partitioning, partition_base_dir=str(directory)
    )
    return dataset.to_table().to_pandas(date_as_object=False)


def local(frame: pd.DataFrame, column: str = "at") -> pd.Series:
    hours = frame["office"].map(OFFSET_HOURS)
    return frame[column].dt.tz_localize(None) + pd.to_timedelta(hours, unit="h")


@pytest.fixture(scope="module")
def history_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A year of history for six offices (written once for the whole module)."""
    base = tmp_path_factory.mktemp("history")
    generate(OFFICES, FIRST, LAST, base, seed=3)
    return base


@pytest.fixture(scope="module")
def year(history_dir: Path) -> dict[str, pd.DataFrame]:
    return {table: read(history_dir, table) for table in layout.RAW_SCHEMAS}


@pytest.fixture(scope="module")
def tickets(year: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per ticket: the time of each kind of event, office, day, partitions seen."""
    events = year["ticket_events"]
    wide = events.groupby(["ticket_id", "kind"])["at"].min().unstack()
    first = events.groupby("ticket_id").agg(
        office=("office", "first"), day=("day", "first"), days=("day", "nunique")
    )
    issued = events[events.kind == "issued"]
    first["issued_local"] = pd.Series(local(issued).to_numpy(), index=issued.ticket_id)
    return wide.join(first)


def test_every_file_has_exactly_the_raw_schema(history_dir):
    base = history_dir
    for table, schema in layout.RAW_SCHEMAS.items():
        files = list(layout.raw_dir(table, base).glob("day=*/history-*.parquet"))
        assert files, table
        for path in files[:50] + files[-50:]:
            assert pq.read_schema(path).remove_metadata() == schema, path


def test_ids_are_negative_and_unique(year):
    for table, key in [
        ("ticket_events", "ticket_id"),
        ("booking_events", "booking_id"),
        ("application_events", "application_id"),
    ]:
        frame = year[table]
        assert (frame.event_id < 0).all() and frame.event_id.is_unique, table
        assert (frame[key] < 0).all(), table
    issued = year["ticket_events"].query("kind == 'issued'")
    assert issued.ticket_id.is_unique


def test_no_ticket_or_booked_slot_falls_on_a_weekend_or_a_holiday(year):
    events = year["ticket_events"]
    days = set(events.day.dt.date)
    assert all(is_working_day(day) for day in days)
    assert dt.date(2026, 8, 17) not in days  # Independence Day, a Monday
    assert not days & {dt.date(2026, 3, 20), dt.date(2026, 3, 23), dt.date(2026, 3, 24)}
    assert all(is_working_day(day) for day in set(year["booking_events"].day.dt.date))
    assert set(local(events).dt.date) <= days


def test_mondays_are_busier_than_fridays(tickets):
    per_day = tickets.groupby("day").size()
    by_weekday = per_day.groupby(per_day.index.weekday).mean()
    assert by_weekday[0] > 1.25 * by_weekday[4]
    assert by_weekday[0] == by_weekday.max()


def test_the_lebaran_week_is_far_below_an_ordinary_week(tickets):
    weeks = tickets.groupby(tickets.day.dt.to_period("W")).size()
    lebaran = pd.Timestamp(IDULFITRI).to_period("W")
    assert weeks[lebaran] < 0.4 * weeks.median()
    assert weeks[lebaran + 1] < 0.6 * weeks.median()  # the week after, still quiet


def test_every_ticket_lives_in_one_partition_its_local_day(tickets):
    assert (tickets.days == 1).all()
    assert (tickets.issued_local.dt.normalize() == tickets.day).all()
    hours = tickets.issued_local.dt.hour
    assert hours.between(8, 15).all()  # issued while the office is open
    assert hours.between(8, 9).mean() > 0.35  # most people come early


def test_waits_are_never_negative_and_events_keep_their_order(tickets):
    served = tickets[tickets.no_show.isna()]
    assert (served.called >= served.issued).all()
    assert (served.started >= served.called).all()
    assert (served.finished > served.started).all()
    missed = tickets[tickets.no_show.notna()]
    assert missed.started.isna().all() and (missed.no_show > missed.called).all()
    assert 0.02 < len(missed) / len(tickets) < 0.04
    minutes = (served.finished - served.started).dt.total_seconds() / 60
    assert 8 < minutes.median() < 15


def test_busy_days_wait_longer(tickets):
    wait = (tickets.called - tickets.issued).dt.total_seconds() / 60
    daily = pd.DataFrame({"office": tickets.office, "day": tickets.day, "wait": wait})
    daily = daily.groupby(["office", "day"]).agg(n=("wait", "size"), wait=("wait", "mean"))
    daily["busy"] = daily.n > daily.groupby("office").n.transform("quantile", 0.8)
    assert daily[daily.busy].wait.mean() > 1.5 * daily[~daily.busy].wait.mean()


def test_bookings_are_confirmed_ahead_and_either_kept_cancelled_or_missed(year, tickets):
    events = year["booking_events"]
    kinds = events.groupby("booking_id").kind.agg(lambda k: ",".join(sorted(k)))
    assert set(kinds) <= {
        "checked_in,completed,confirmed",
        "checked_in,confirmed,no_show",
        "cancelled,confirmed",
        "confirmed,no_show",
    }
    shares = kinds.value_counts(normalize=True)
    assert 0.06 < shares["cancelled,confirmed"] < 0.10
    assert 0.08 < shares["confirmed,no_show"] < 0.12
    confirmed = events[events.kind == "confirmed"]
    ahead = (confirmed.slot_starts_at - confirmed["at"]).dt.total_seconds() / 86400
    assert ahead.between(0.3, 15).all()
    slot_day = local(events, "slot_starts_at").dt.normalize()
    assert (slot_day == events.day).all()
    checked_in = (events.kind == "checked_in").sum()
    booked = (year["ticket_events"].query("kind == 'issued'").origin == "booked").sum()
    assert checked_in == booked


def test_application_statuses_follow_each_other_and_officers_work_on_working_days(year):
    events = year["application_events"].sort_values(["application_id", "at"])
    assert (events.kind == "status").all()
    previous = events.groupby("application_id").to_status.shift()
    chained = previous.isna() | (previous == events.from_status)
    assert chained.all()
    assert (events.groupby("application_id").from_status.first() == "draft").all()
    officer = events[~events.from_status.isin(["draft", "awaiting_payment"])]
    assert all(is_working_day(day) for day in set(officer.day.dt.date))
    assert (local(events).dt.normalize() == events.day).all()
    decided = events[events.to_status.isin(["in_production", "approved", "rejected"])]
    refused = (decided.to_status == "rejected").mean()
    assert 0.01 < refused < 0.04


def test_nothing_happens_after_the_last_day_yet_applications_stay_open_as_usual(year):
    for table, frame in year.items():
        assert frame.day.max() <= pd.Timestamp(LAST), table
    events = year["application_events"]
    sent = events[events.from_status == "draft"].day.dt.date
    decided = events[events.to_status.isin(["in_production", "approved", "rejected"])].day.dt.date

    def still_open(day: dt.date) -> int:
        return int((sent <= day).sum() - (decided <= day).sum())

    # Applications sent for visits after the end are in, so the backlog does not sag there.
    a_month_before = still_open(LAST - dt.timedelta(days=30))
    assert 0.8 * a_month_before < still_open(LAST) < 1.25 * a_month_before


def test_a_rerun_with_the_same_seed_writes_the_same_data_and_keeps_exported_parts(tmp_path):
    offices, first, last = OFFICES[:2], dt.date(2026, 6, 1), dt.date(2026, 7, 15)
    generate(offices, first, last, tmp_path, seed=5, scale=0.3)
    before = {table: read(tmp_path, table) for table in layout.RAW_SCHEMAS}
    part = layout.raw_dir("ticket_events", tmp_path) / "day=2026-06-02" / "part-1-2-0.parquet"
    part.write_bytes(b"exported, not ours")
    stale = layout.raw_dir("booking_events", tmp_path) / "day=2019-01-02" / "history-old.parquet"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"an older history")

    generate(offices, first, last, tmp_path, seed=5, scale=0.3)

    for table, frame in before.items():
        again = read(tmp_path, table)
        pd.testing.assert_frame_equal(
            frame.sort_values("event_id", ignore_index=True),
            again.sort_values("event_id", ignore_index=True),
        )
    assert part.read_bytes() == b"exported, not ours"
    assert not stale.parent.exists()
    other = read(tmp_path, "ticket_events")  # another seed, other data
    generate(offices, first, last, tmp_path, seed=6, scale=0.3)
    assert not read(tmp_path, "ticket_events").equals(other)


def test_the_offices_that_may_be_added_are_real_places_with_valid_fields():
    codes = [office.code for office in EXTRA_OFFICES]
    assert len(codes) == len(set(codes)) >= 150 and not DEMO_CODES & set(codes)
    for office in EXTRA_OFFICES:
        assert office.timezone == PROVINCE_TIMEZONES[office.province]
        assert -11 <= office.latitude <= 6 and 94 <= office.longitude <= 142, office.code


@pytest.mark.django_db
def test_the_command_creates_the_missing_offices_once(tmp_path):
    load_offices()  # the 22 demo offices
    args = ["--years", "0.05", "--end", "2026-08-31", "--scale", "0.05", "--output", str(tmp_path)]

    def run(*extra: str) -> str:
        out = io.StringIO()
        call_command("generate_history", *extra, *args, stdout=out)
        return out.getvalue()

    assert "25 offices (3 created)" in run("--offices", "25")
    assert Office.objects.filter(is_active=True).count() == 25
    created = list(Office.objects.exclude(code__in=DEMO_CODES).order_by("pk"))
    assert [o.code for o in created] == [o.code for o in EXTRA_OFFICES[:3]]
    for office in created:
        office.full_clean()
        assert office.zone == ZoneInfo(PROVINCE_TIMEZONES[office.province])
    assert "25 offices (0 created)" in run("--offices", "25")
    assert "25 offices (0 created)" in run("--offices", "0")
    assert Office.objects.count() == 25
    dimension = pq.read_table(layout.dimension_path("offices", tmp_path))
    assert dimension.num_rows == 25
    state = json.loads(layout.state_path(tmp_path).read_text(encoding="utf-8"))
    assert state["history_changed"] is True  # the next refresh recomputes every mart
    offices = set(read(tmp_path, "ticket_events").office)
    assert {o.code for o in EXTRA_OFFICES[:3]} <= offices
    before = sorted(p.stat().st_mtime_ns for p in tmp_path.glob("raw/*/day=*/*.parquet"))
    assert "kept" in run("--offices", "30", "--if-missing")  # make run: once, then kept
    assert Office.objects.count() == 25
    assert sorted(p.stat().st_mtime_ns for p in tmp_path.glob("raw/*/day=*/*.parquet")) == before
