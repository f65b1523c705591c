"""After a refresh, every reader's landing view is already drawn: nobody waits for charts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from conftest import make_user
from imigrasi.analytics import dashboard, warmup
from imigrasi.analytics.forms import FilterForm
from imigrasi.analytics.tests.test_dashboard import supervisor_of
from imigrasi.catalog.models import Office

pytestmark = pytest.mark.django_db


def cached(scope: tuple[str, ...] | None, language: str, today: dt.date) -> bool:
    filters = FilterForm(None, scope=scope).filters(today)
    with translation.override(language):
        key = dashboard._cache_key(filters, today, dashboard.MART_ONLY, None)
    return cache.get(key) is not None


def test_each_readers_default_view_is_cached_in_every_language(marts: Path, auditor: Any) -> None:
    cache.clear()
    supervisor_of("kanim-denpasar")
    supervisor_of("kanim-jakarta-selatan", oversight="region")
    today = timezone.localdate()

    result = warmup.warm()

    region = next(s for s in warmup.reader_scopes() if s and "kanim-jakarta-pusat" in s)
    assert result.views == 3 * 2  # nation, one office, one province; Indonesian and English
    for scope in (None, ("kanim-denpasar",), region):
        assert cached(scope, "id", today) and cached(scope, "en", today)
    assert not cached(("kanim-jayapura",), "id", today)  # nobody reads it: not drawn


def test_the_nation_comes_first_and_offices_without_readers_are_skipped(
    marts: Path, auditor: Any
) -> None:
    supervisor_of("kanim-denpasar")
    deputy = make_user(
        "deputy@imigrasi.example", "supervisor", Office.objects.get(code="kanim-denpasar")
    )
    assert deputy.oversight == "office"  # a second head of the same office: drawn once
    assert warmup.reader_scopes() == [None, ("kanim-denpasar",)]


def test_before_the_first_refresh_there_is_nothing_to_warm(
    tmp_path: Path, catalog: None, auditor: Any
) -> None:
    assert warmup.warm(tmp_path).views == 0
