"""Fixtures shared by the analytics tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from imigrasi.analytics import engine
from imigrasi.analytics.marts import MARTS, refresh_backlog, refresh_mart
from imigrasi.analytics.tests.sample_data import write_random_history


@pytest.fixture
def marts(tmp_path: Path, catalog: None) -> Any:
    """Four weeks of seeded history ending last week, refreshed on DuckDB."""
    write_random_history(tmp_path, first_day=timezone.localdate() - dt.timedelta(days=35))
    con = engine.connect("duckdb")
    for spec in MARTS:
        refresh_mart(con, spec, tmp_path, None, 20 * 60)
    refresh_backlog(con, tmp_path)
    with override_settings(ANALYTICS_DIR=tmp_path):
        yield tmp_path
