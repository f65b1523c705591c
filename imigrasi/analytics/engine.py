"""The analytics engine: DuckDB in-process by default, Apache Spark by configuration.

Both are reached through Ibis, so every mart is one expression that compiles to either
engine's SQL (ADR 0007). Only reading the raw Parquet differs: DuckDB needs a glob and the
Hive option, Spark discovers partitions from a directory.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
from django.conf import settings
from ibis.backends import BaseBackend
from ibis.expr.types import Table
from pyspark.sql import SparkSession

from imigrasi.analytics import layout

_spark_lock = threading.Lock()
_spark_session: Any = None


def spark_session() -> Any:
    """One Spark session per process (starting one costs seconds): UTC, no UI."""
    global _spark_session
    with _spark_lock:
        if _spark_session is None:
            _spark_session = (
                SparkSession.builder.master(settings.ANALYTICS_SPARK_MASTER)
                .appName("imigrasi-analytics")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.shuffle.partitions", "8")
                .config("spark.driver.memory", "2g")
                .getOrCreate()
            )
            _spark_session.sparkContext.setLogLevel("ERROR")
        return _spark_session


def connect(engine: str | None = None) -> BaseBackend:
    engine = engine or settings.ANALYTICS_ENGINE
    if engine == "spark":
        return ibis.pyspark.connect(spark_session())
    if engine == "duckdb":
        return ibis.duckdb.connect(threads=2)
    raise ValueError(f"unknown analytics engine {engine!r}")


def _has_files(directory: Path) -> bool:
    return directory.is_dir() and any(directory.glob("day=*/*.parquet"))


def raw_table(
    con: BaseBackend, table: str, base: Path | None = None, days: Iterable[dt.date] | None = None
) -> Table:
    """A raw table with its ``day`` partition column; only ``days`` if given (the engines
    prune the other partitions without opening them)."""
    directory = layout.raw_dir(table, base)
    schema = layout.RAW_SCHEMAS[table].append(pa.field("day", pa.date32()))
    if not _has_files(directory):
        return ibis.memtable(schema.empty_table())
    if con.name == "duckdb":
        expr = con.read_parquet(str(directory / "day=*" / "*.parquet"), hive_partitioning=True)
    else:
        expr = con.read_parquet(str(directory))
    if days is not None:
        expr = expr.filter(expr.day.isin(sorted(set(days))))
    return expr


def dimension(con: BaseBackend, name: str, base: Path | None = None) -> Table:
    path = layout.dimension_path(name, base)
    return con.read_parquet(str(path))


def mart_table(con: BaseBackend, name: str, base: Path | None = None) -> Table:
    return con.read_parquet(str(layout.marts_dir(base) / f"{name}.parquet"))
