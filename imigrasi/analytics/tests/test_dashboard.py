"""The supervisor dashboard at /staff/analitik/: each reader sees their scope and nothing
more, every figure has its table, summary and CSV, and the page stays light."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import re
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from django.test import Client, override_settings
from django.utils import timezone

from conftest import STAFF_TOTP, make_user
from imigrasi.analytics.tests.sample_data import write_forecast
from imigrasi.appointments.models import Slot, SlotQuota
from imigrasi.appointments.schedule import ensure_slots
from imigrasi.appointments.setup import configure_office
from imigrasi.audit.models import AuditEntry
from imigrasi.catalog.models import Office
from imigrasi.lib.workdays import holiday_name

pytestmark = pytest.mark.django_db

URL = "/staff/analitik/"


def supervisor_of(code: str, oversight: str = "office") -> Any:
    user = make_user(
        f"head-{code}-{oversight}@imigrasi.example",
        "supervisor",
        Office.objects.get(code=code),
        "Kepala Kantor",
        totp_secret=STAFF_TOTP,
    )
    user.oversight = oversight
    user.save(update_fields=["oversight"])
    return user


def office_options(page: str) -> set[str]:
    return {
        code
        for code in (
            "kanim-jakarta-selatan",
            "kanim-jakarta-pusat",
            "kanim-denpasar",
            "kanim-jayapura",
        )
        if f'value="{code}"' in page
    }


def parquet_offices(client: Client, mart: str) -> set[str]:
    response = client.get(f"{URL}parquet/{mart}.parquet")
    assert response.status_code == 200
    table = pq.read_table(io.BytesIO(response.content))
    return set(table.column("office").to_pylist())


def test_an_office_head_sees_only_the_office(marts: Path, staff_client: Any) -> None:
    client = staff_client(supervisor_of("kanim-denpasar"))
    page = client.get(URL, {"period": "91"}).content.decode()
    assert office_options(page) == {"kanim-denpasar"}
    assert parquet_offices(client, "queue_hourly") == {"kanim-denpasar"}
    # Asking for another office by hand is an invalid choice, not a peek.
    other = client.get(URL, {"office": "kanim-jayapura"}).content.decode()
    assert "govuk-error-message" in other
    assert parquet_offices(client, "decisions") == {"kanim-denpasar"}


def test_a_regional_head_sees_the_province(marts: Path, staff_client: Any) -> None:
    client = staff_client(supervisor_of("kanim-jakarta-selatan", "region"))
    page = client.get(URL).content.decode()
    assert office_options(page) == {"kanim-jakarta-selatan", "kanim-jakarta-pusat"}
    assert parquet_offices(client, "queue_hourly") == {
        "kanim-jakarta-selatan",
        "kanim-jakarta-pusat",
    }


def test_headquarters_and_auditors_see_the_nation(
    marts: Path, auditor: Any, staff_client: Any
) -> None:
    for user in (supervisor_of("kanim-jakarta-selatan", "nation"), auditor):
        client = staff_client(user)
        assert len(parquet_offices(client, "queue_hourly")) == 4


def test_officers_and_applicants_are_refused(
    marts: Path, officer: Any, applicant: Any, staff_client: Any
) -> None:
    assert staff_client(officer).get(URL).status_code == 403
    client = Client()
    client.force_login(applicant)
    assert client.get(URL).status_code == 403


def test_every_figure_has_a_summary_a_table_a_csv_and_accessible_charts(
    marts: Path, staff_client: Any
) -> None:
    client = staff_client(supervisor_of("kanim-jakarta-selatan", "nation"))
    response = client.get(URL, {"period": "91"})
    page = response.content.decode()
    for name in (
        "arrivals",
        "queue",
        "heatmap",
        "processing",
        "backlog",
        "forecast",
        "models",
        "staffing",
    ):
        assert f'id="{name}-summary"' in page
    assert page.count('role="img"') >= 3
    assert "<style" not in page.split("<main", 1)[1]
    assert len(gzip.compress(response.content)) < 150_000
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"{URL}csv/arrivals.csv", {"period": "91"}).content.decode())
        )
    )
    assert rows[0] == ["Tanggal", "Pengunjung"]
    assert sum(int(row[1]) for row in rows[1:]) == 600  # every ticket in the sample


def test_a_narrower_filter_gives_smaller_figures(marts: Path, staff_client: Any) -> None:
    client = staff_client(supervisor_of("kanim-jakarta-selatan", "nation"))
    everyone = list(csv.reader(io.StringIO(client.get(f"{URL}csv/arrivals.csv").content.decode())))
    one = list(
        csv.reader(
            io.StringIO(
                client.get(f"{URL}csv/arrivals.csv", {"office": "kanim-denpasar"}).content.decode()
            )
        )
    )
    assert 0 < sum(int(r[1]) for r in one[1:]) < sum(int(r[1]) for r in everyone[1:])


def test_before_the_first_refresh_the_page_says_so(
    tmp_path: Path, catalog: None, staff_client: Any
) -> None:
    with override_settings(ANALYTICS_DIR=tmp_path):
        client = staff_client(supervisor_of("kanim-jakarta-selatan"))
        page = client.get(URL).content.decode()
    assert 'id="not-ready"' in page


def test_a_supervisor_applies_the_quota_advice_in_one_audited_step(
    marts: Path, staff_client: Any
) -> None:
    office = Office.objects.get(code="kanim-jakarta-selatan")
    configure_office(office)
    write_forecast(marts, office.code, 400.0)
    head = supervisor_of(office.code)
    client = staff_client(head)
    page = client.get(URL, {"office": office.code}).content.decode()
    assert 'id="apply-quota"' in page
    day = next(
        d
        for d in (timezone.localdate() + dt.timedelta(days=n) for n in range(1, 14))
        if d.weekday() < 5 and not holiday_name(d)
    )
    ensure_slots(office, day)
    response = client.post(f"{URL}kuota/", {"office": office.code})
    assert response.status_code == 302
    quotas = SlotQuota.objects.filter(office=office)
    assert quotas.exists() and all(q.applied_by_id == head.pk for q in quotas)
    assert (
        AuditEntry.objects.filter(action="appointments.quota_applied", actor_id=head.pk).count()
        == 1
    )
    busiest = max(quotas, key=lambda q: q.online_per_slot)
    slot = (
        Slot.objects.filter(office=office, pool="online", starts_at__date__gte=day)
        .order_by("starts_at")
        .first()
    )
    assert slot is not None
    local = slot.starts_at.astimezone(office.zone)
    quota = quotas.filter(weekday=local.weekday(), starts=local.time()).first()
    if quota is not None:
        assert slot.capacity == max(slot.taken, quota.online_per_slot)
    assert busiest.online_per_slot > 0


def test_auditors_cannot_apply_quotas_and_heads_cannot_touch_other_offices(
    marts: Path, staff_client: Any, auditor: Any
) -> None:
    assert (
        staff_client(auditor).post(f"{URL}kuota/", {"office": "kanim-denpasar"}).status_code == 403
    )
    head = staff_client(supervisor_of("kanim-jakarta-selatan"))
    assert head.post(f"{URL}kuota/", {"office": "kanim-denpasar"}).status_code == 404
    assert not SlotQuota.objects.exists()


def test_figures_are_cached_until_a_refresh_replaces_a_mart(marts: Path, staff_client: Any) -> None:
    client = staff_client(supervisor_of("kanim-jakarta-selatan"))

    def page() -> str:  # without the per-response CSP nonce and CSRF token
        html = client.get(URL, {"period": "28"}).content.decode()
        return re.sub(r'(nonce|value)="[A-Za-z0-9+/=_-]{20,}"', "", html)

    first = page()
    assert page() == first  # served from the cache
    write_forecast(marts, "kanim-jakarta-selatan", 987654.0)  # what a refresh does: a new file
    after = page()
    assert after != first and "987" in after
