"""`manage.py forecast`: the exact input/output contract, bad input refused by line, any shape."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[3]
OUTPUT_COLUMNS = ["date", "office", "service", "forecast", "lo80", "hi80"]


def write(
    path: Path, rows: Sequence[tuple[object, ...]], header: str = "date,office,service,count"
):
    path.write_text(header + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows))
    return path


def weekly_rows(office: str, service: str, days: int, end: dt.date, seed: int = 1) -> list[tuple]:
    rng = np.random.default_rng(seed)
    rows = []
    for offset in range(days):
        day = end - dt.timedelta(days=days - 1 - offset)
        mean = 0 if day.weekday() >= 5 else (60 if day.weekday() == 0 else 35)
        rows.append((day.isoformat(), office, service, int(rng.poisson(mean))))
    return rows


def run(tmp_path: Path, rows, horizon=14, frequency="day", header="date,office,service,count"):
    source = write(tmp_path / "in.csv", rows, header)
    target = tmp_path / "out.csv"
    call_command(
        "forecast",
        input=str(source),
        output=str(target),
        horizon=horizon,
        frequency=frequency,
        stdout=(tmp_path / "stdout.txt").open("w"),
    )
    with target.open() as handle:
        reader = csv.DictReader(handle)
        return reader.fieldnames, list(reader), (tmp_path / "stdout.txt").read_text()


def test_every_series_gets_one_row_per_step_after_the_last_date(tmp_path):
    end = dt.date(2026, 11, 30)
    rows = weekly_rows("kanim-jakarta-selatan", "paspor-baru-dewasa", 200, end)
    rows += weekly_rows("kanim-denpasar", "visa-e33g", 150, end - dt.timedelta(days=3), seed=2)
    columns, out, printed = run(tmp_path, rows, horizon=14)
    assert columns == OUTPUT_COLUMNS
    assert len(out) == 2 * 14
    for series in ("paspor-baru-dewasa", "visa-e33g"):
        dates = [r["date"] for r in out if r["service"] == series]
        # Every series continues from the last date of the whole input.
        assert dates == [(end + dt.timedelta(days=n)).isoformat() for n in range(1, 15)]
    for row in out:
        low, point, high = float(row["lo80"]), float(row["forecast"]), float(row["hi80"])
        assert 0 <= low <= point <= high
    assert "kanim-jakarta-selatan/paspor-baru-dewasa:" in printed and "MASE" in printed


def test_the_weekly_pattern_and_a_better_than_naive_backtest(tmp_path):
    end = dt.date(2026, 11, 29)  # a Sunday
    rows = weekly_rows("kanim-jakarta-selatan", "paspor-baru-dewasa", 364, end)
    _, out, printed = run(tmp_path, rows, horizon=7)
    by_day = {dt.date.fromisoformat(r["date"]).weekday(): float(r["forecast"]) for r in out}
    assert by_day[0] > by_day[2] > by_day[6]  # Monday busiest, Sunday closed
    assert by_day[6] < 5
    model_mase = float(printed.split("backtest MASE ")[1].split(" ")[0])
    naive_mase = float(printed.split("seasonal naive ")[1].rstrip(")\n"))
    assert model_mase <= naive_mase


def test_hourly_series_are_forecast_hour_by_hour(tmp_path):
    rows = []
    start = dt.datetime(2026, 11, 2, 0)  # noqa: DTZ001 - office-local hours, as in the CSV
    for hour in range(24 * 21):
        moment = start + dt.timedelta(hours=hour)
        count = 12 if 8 <= moment.hour < 16 and moment.weekday() < 5 else 0
        rows.append((moment.isoformat(), "kanim-denpasar", "paspor-baru-dewasa", count))
    _, out, _ = run(tmp_path, rows, horizon=24, frequency="hour")
    assert len(out) == 24
    assert out[0]["date"] == "2026-11-23T00:00:00" and out[-1]["date"] == "2026-11-23T23:00:00"
    daytime = [float(r["forecast"]) for r in out if 9 <= int(r["date"][11:13]) < 15]
    night = [float(r["forecast"]) for r in out if int(r["date"][11:13]) < 6]
    assert min(daytime) > max(night)


@pytest.mark.parametrize(
    "shape",
    ["short", "sparse", "zeros", "gaps", "one_spike", "trend"],
)
def test_series_of_any_shape_get_a_finite_forecast(tmp_path, shape):
    end = dt.date(2026, 11, 30)
    days = {"short": 4, "sparse": 120, "zeros": 60, "gaps": 90, "one_spike": 45, "trend": 200}
    rng = np.random.default_rng(7)
    rows = []
    for offset in range(days[shape]):
        day = end - dt.timedelta(days=days[shape] - 1 - offset)
        count = {
            "short": 3,
            "sparse": int(rng.random() < 0.05),
            "zeros": 0,
            "gaps": 20,
            "one_spike": 400 if offset == 20 else 2,
            "trend": offset // 4,
        }[shape]
        if shape == "gaps" and offset % 5:
            continue  # only every fifth day recorded: the others are zeros
        rows.append((day.isoformat(), "ulp-bg-junction", "paspor-baru-dewasa", count))
    _, out, _ = run(tmp_path, rows, horizon=28)
    assert len(out) == 28
    values = [float(r[c]) for r in out for c in ("forecast", "lo80", "hi80")]
    assert all(np.isfinite(values)) and min(values) >= 0
    if shape == "zeros":
        assert max(float(r["forecast"]) for r in out) == 0


BAD_INPUTS = [
    ("missing column", "date,office,count", [("2026-11-01", "x", 3)], "line 1: missing column"),
    ("bad date", None, [("01/11/2026", "x", "y", 3)] * 1, "line 2: date '01/11/2026'"),
    ("negative count", None, [("2026-11-01", "x", "y", -3)], "line 2: count '-3'"),
    ("fraction", None, [("2026-11-01", "x", "y", 2.5)], "line 2: count '2.5'"),
    ("empty office", None, [("2026-11-01", "", "y", 3)], "line 2: office is empty"),
]


@pytest.mark.parametrize(("case", "header", "rows", "message"), BAD_INPUTS)
def test_bad_rows_are_named_and_nothing_is_written(tmp_path, case, header, rows, message):
    good = [(f"2026-10-{d:02d}", "x", "y", 1) for d in range(1, 11)]
    source = write(tmp_path / "in.csv", good + rows, header or "date,office,service,count")
    if header:
        source = write(tmp_path / "in.csv", rows, header)
    target = tmp_path / "out.csv"
    with pytest.raises(CommandError) as error:
        call_command("forecast", input=str(source), output=str(target), horizon=7)
    assert error.value.returncode == 2
    text = str(error.value)
    assert message.replace("line 2", f"line {len(good) + 2}") in text or message in text
    assert not target.exists()
    assert not list(tmp_path.glob(".forecast-*"))


def test_duplicates_and_too_short_series_name_their_lines(tmp_path):
    rows = [("2026-11-01", "x", "y", 1), ("2026-11-02", "x", "y", 2), ("2026-11-01", "x", "y", 5)]
    rows += [("2026-11-03", "x", "y", 1)]
    source = write(tmp_path / "in.csv", rows)
    with pytest.raises(CommandError) as error:
        call_command("forecast", input=str(source), output=str(tmp_path / "o.csv"), horizon=7)
    assert "line 4: duplicate of line 2" in str(error.value)
    source = write(tmp_path / "in.csv", [("2026-11-01", "x", "y", 1), ("2026-11-02", "x", "y", 1)])
    with pytest.raises(CommandError) as error:
        call_command("forecast", input=str(source), output=str(tmp_path / "o.csv"), horizon=7)
    assert "line 2: series x/y has 2 observation(s) (lines 2, 3)" in str(error.value)


def test_an_existing_output_is_left_untouched_when_the_input_is_bad(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("earlier result\n")
    source = write(tmp_path / "in.csv", [("2026-11-01", "x", "y", -1)] * 3)
    with pytest.raises(CommandError):
        call_command("forecast", input=str(source), output=str(target), horizon=7)
    assert target.read_text() == "earlier result\n"


def test_hourly_input_must_be_on_the_hour(tmp_path):
    rows = [(f"2026-11-01T0{h}:30:00", "x", "y", 1) for h in range(5)]
    source = write(tmp_path / "in.csv", rows)
    with pytest.raises(CommandError) as error:
        call_command(
            "forecast", input=str(source), output=str(tmp_path / "o"), horizon=5, frequency="hour"
        )
    assert "line 2: date '2026-11-01T00:30:00' is not an ISO date-time on the hour" in str(
        error.value
    )


def test_the_command_line_exits_2_with_the_reason_on_stderr(tmp_path):
    source = write(tmp_path / "in.csv", [("2026-11-01", "x", "y", "banyak")] * 3)
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "forecast",
            "--input",
            str(source),
            "--horizon",
            "7",
            "--output",
            str(tmp_path / "out.csv"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "line 2: count 'banyak' is not a whole number 0 or more" in result.stderr
    assert not (tmp_path / "out.csv").exists()
