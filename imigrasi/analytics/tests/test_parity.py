"""The same marts on DuckDB and on Spark: every figure equal.

The data (sample_data.py) is random but seeded and crosses the three time zones, weekends
and the Lebaran holidays. Spark runs in local mode (Java 17).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from imigrasi.analytics import engine
from imigrasi.analytics.marts import MARTS, mart_path, refresh_backlog, refresh_mart
from imigrasi.analytics.tests.sample_data import write_random_history

pytestmark = pytest.mark.spark


def marts_on(name: str, base: Path) -> dict[str, pa.Table]:
    con = engine.connect(name)
    for spec in MARTS:
        refresh_mart(con, spec, base, None, 20 * 60)
    refresh_backlog(con, base)
    names = [spec.name for spec in MARTS] + ["backlog_daily"]
    return {mart: pq.read_table(mart_path(mart, base)) for mart in names}


def test_duckdb_and_spark_compute_identical_marts(tmp_path: Path) -> None:
    write_random_history(tmp_path / "duck")
    shutil.copytree(tmp_path / "duck", tmp_path / "spark")
    duck = marts_on("duckdb", tmp_path / "duck")
    spark = marts_on("spark", tmp_path / "spark")
    for name, table in duck.items():
        assert table.num_rows > 0, f"{name} is empty: the test data does not exercise it"
        other = spark[name].select(table.column_names).cast(table.schema)
        assert other.to_pylist() == table.to_pylist(), f"{name} differs between the engines"
    # The data crosses time zones and the holiday week, so the marts are not trivial.
    hours = {row["hour"] for row in duck["queue_hourly"].to_pylist()}
    assert len(hours) > 8
    assert any(not row["within_sla"] for row in duck["decisions"].to_pylist())
