"""/staff/analitik/: the supervisor dashboard, its CSV tables and the analysts' Parquet files.

Role-scoped (queries.scope_of): an office head sees the office, a regional head the province,
headquarters and auditors the nation. Every page is a GET that reads the marts only: it never
calls an outside system and never writes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import duckdb
import pyarrow.parquet as pq
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from imigrasi.accounts.access import role_required
from imigrasi.accounts.models import Role
from imigrasi.analytics import dashboard, queries
from imigrasi.analytics.advice import quota_advice
from imigrasi.analytics.forms import FilterForm
from imigrasi.appointments.quota import QuotaLine, do_apply_quota_plan
from imigrasi.catalog.models import Office

READERS = (Role.SUPERVISOR, Role.AUDITOR)
reader_required = role_required(READERS)
# Marts an analyst may download (rows of offices outside the reader's scope are left out).
DOWNLOADS = (
    "queue_hourly",
    "bookings_daily",
    "application_flow_daily",
    "decisions",
    "backlog_daily",
    "forecast_daily",
)


def _context(
    request: HttpRequest, only: str | None = None
) -> tuple[FilterForm, dashboard.Dashboard | None]:
    scope = queries.scope_of(request.user)  # type: ignore[arg-type]
    form = FilterForm(request.GET or None, scope=scope)
    if not queries.marts_ready():
        return form, None
    today = timezone.localdate()
    filters = form.filters(today)
    office = None
    if filters.offices is not None and len(filters.offices) == 1:
        office = Office.objects.filter(code=filters.offices[0]).first()
    return form, dashboard.build(filters, today, office, only=only)


@reader_required
def overview(request: HttpRequest) -> HttpResponse:
    form, board = _context(request)
    return render(
        request,
        "analytics/dashboard.html",
        {
            "form": form,
            "board": board,
            "query": form.query_string(),
            "downloads": DOWNLOADS,
            "can_apply": request.user.role == Role.SUPERVISOR,  # type: ignore[union-attr]
        },
    )


@reader_required
def table_csv(request: HttpRequest, name: str) -> HttpResponse:
    _form, board = _context(request, only=name)
    if board is None or name not in board.tables:
        raise Http404
    table = board.tables[name]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.writer(response)
    writer.writerow(table.headers)
    writer.writerows(table.rows)
    return response


@reader_required
def mart_parquet(request: HttpRequest, name: str) -> HttpResponse:
    if name not in DOWNLOADS:
        raise Http404
    source = queries.mart_file(name)
    if not source.exists():
        raise Http404
    scope = queries.scope_of(request.user)  # type: ignore[arg-type]
    with duckdb.connect() as con:
        table = con.sql(
            "SELECT * FROM read_parquet($source) WHERE $all OR list_contains($offices, office)",
            params={"source": str(source), "all": scope is None, "offices": list(scope or ())},
        ).to_arrow_table()
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    response = HttpResponse(buffer.getvalue(), content_type="application/vnd.apache.parquet")
    response["Content-Disposition"] = f'attachment; filename="{name}.parquet"'
    return response


@require_POST
@role_required((Role.SUPERVISOR,))
def apply_quota(request: HttpRequest) -> HttpResponse:
    """The advised quotas for the next weeks become the office's booking capacity (audited).
    The advice is recomputed here from the marts: the form carries only the office."""
    code = request.POST.get("office", "")
    scope = queries.scope_of(request.user)  # type: ignore[arg-type]
    office = Office.objects.filter(code=code).first()
    if office is None or (scope is not None and code not in scope):
        raise Http404
    today = timezone.localdate()
    prospect = dashboard.office_outlook(office, today)
    advice = quota_advice(prospect) if prospect else []
    if not advice:
        messages.error(
            request, _("There is no forecast for this office yet, so nothing was changed.")
        )
    else:
        lines = [QuotaLine(a.weekday, a.starts, a.online, a.priority) for a in advice]
        until = today + dt.timedelta(weeks=dashboard.QUOTA_WEEKS) - dt.timedelta(days=1)
        resized = do_apply_quota_plan(office, lines, today, until, request.user)  # type: ignore[arg-type]
        messages.success(
            request,
            _(
                "The advised quotas apply from %(start)s to %(end)s; %(count)s slots already "
                "on sale were resized."
            )
            % {"start": today.isoformat(), "end": until.isoformat(), "count": resized},
        )
    return redirect(f"{reverse('staff:analytics:overview')}?office={code}#quota")
