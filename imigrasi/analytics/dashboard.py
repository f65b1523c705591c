"""The supervisor dashboard's content: every figure as a table (which is also its CSV), a
plain-language summary, and a chart drawn from that same table.

Views only choose the filters and render; the CSV export asks this module for the same
table by name, so a figure can never differ between the page and the download.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from imigrasi.analytics import charts, layout, queries
from imigrasi.analytics.advice import Outlook, outlook, quota_advice, staffing_plan
from imigrasi.analytics.queries import Filters, MartReader
from imigrasi.catalog.models import Office, Service, bilingual


@dataclass
class Table:
    name: str
    caption: str
    headers: list[str]
    rows: list[list[Any]]
    summary: str = ""
    chart: charts.Chart | None = None


@dataclass
class Dashboard:
    filters: Filters
    tables: dict[str, Table] = field(default_factory=dict)


def _number(value: float | None, digits: int = 0) -> str:
    return (
        "–"
        if value is None
        else number_format(round(value, digits), digits, use_l10n=True, force_grouping=True)
    )


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{number_format(round(100 * value, 1), 1, use_l10n=True)} %"


def _service_names() -> dict[str, str]:
    return {service.code: bilingual(service, "name") for service in Service.objects.all()}


WEEKDAY_NAMES = (
    lambda: _("Monday"),
    lambda: _("Tuesday"),
    lambda: _("Wednesday"),
    lambda: _("Thursday"),
    lambda: _("Friday"),
    lambda: _("Saturday"),
    lambda: _("Sunday"),
)


def _chart(build: Callable[[], charts.Chart]) -> charts.Chart | None:
    try:
        return build()
    except ValueError:  # no data to draw: the table and summary say so
        return None


def volumes(reader: MartReader) -> Table:
    rows = queries.daily_arrivals(reader)
    total = sum(count for _day, count in rows)
    open_days = sum(1 for _day, count in rows if count)
    table = Table(
        "arrivals",
        _("Visitors per day"),
        [_("Date"), _("Visitors")],
        [[day.isoformat(), count] for day, count in rows],
    )
    if rows:
        busiest = max(rows, key=lambda row: row[1])
        table.summary = _(
            "%(total)s visitors on %(days)s open days, %(mean)s a day on average; the busiest "
            "day was %(day)s with %(most)s."
        ) % {
            "total": _number(total),
            "days": _number(open_days),
            "mean": _number(total / open_days if open_days else 0),
            "day": busiest[0].isoformat(),
            "most": _number(busiest[1]),
        }
        table.chart = _chart(
            lambda: charts.line_chart(
                chart_id="arrivals",
                title=table.caption,
                summary=table.summary,
                x_label=_("Date"),
                y_label=_("Visitors"),
                x=[day for day, _count in rows],
                series=[charts.Series(_("Visitors"), [float(count) for _day, count in rows])],
                number_format=lambda value: _number(value),
            )
        )
    else:
        table.summary = _("No visitors were recorded in this period.")
    return table


def forecast_table(reader: MartReader, today: dt.date) -> Table:
    """Actual arrivals of the last 8 weeks, then the forecast for the next 8 with its 80 %
    interval; and, where the hold-out exists, what was forecast for the last 8 weeks."""
    window = Filters(
        today - dt.timedelta(weeks=8),
        today - dt.timedelta(days=1),
        reader.filters.offices,
        reader.filters.service,
    )
    with MartReader(window, reader.base) as recent:
        actual = dict(queries.daily_arrivals(recent))
    held = {
        day: (point, lo, hi)
        for day, point, lo, hi in queries.forecast(reader, "forecast_holdout")
        if day in actual
    }
    ahead = [row for row in queries.forecast(reader) if row[0] >= today]
    days = sorted(set(actual) | {row[0] for row in ahead})
    future = {day: (point, lo, hi) for day, point, lo, hi in ahead}
    rows = []
    for day in days:
        point, lo, hi = future.get(day) or held.get(day) or (None, None, None)
        rows.append(
            [
                day.isoformat(),
                actual.get(day),
                _number(point, 1) if point is not None else "",
                _number(lo, 1) if lo is not None else "",
                _number(hi, 1) if hi is not None else "",
            ]
        )
    table = Table(
        "forecast",
        # xgettext:no-python-format
        _("Visitors: actual, and forecast with its 80 % range"),
        [_("Date"), _("Actual"), _("Forecast"), _("Low (80 %)"), _("High (80 %)")],
        rows,
    )
    next_week = sum(point for day, point, _lo, _hi in ahead if day < today + dt.timedelta(days=7))
    errors = [abs(held[day][0] - actual[day]) for day in held]
    if not ahead:
        table.summary = _("No forecast is available for these offices yet.")
    else:
        table.summary = _(
            "About %(next)s visitors are expected in the next 7 days. Over the last 8 weeks the "
            "forecast made beforehand was off by %(error)s visitors a day on average."
        ) % {
            "next": _number(next_week),
            "error": _number(sum(errors) / len(errors), 1) if errors else "–",
        }
    if days:
        table.chart = _chart(
            lambda: charts.line_chart(
                chart_id="forecast",
                title=table.caption,
                summary=table.summary,
                x_label=_("Date"),
                y_label=_("Visitors"),
                x=days,
                series=[
                    charts.Series(
                        _("Actual"),
                        [float(actual[d]) if d in actual else float("nan") for d in days],
                    ),
                    charts.Series(
                        _("Forecast"),
                        [float((future.get(d) or held.get(d) or (float("nan"),))[0]) for d in days],
                    ),
                ],
                band=charts.Band(
                    # xgettext:no-python-format
                    _("80 % range"),
                    [float((future.get(d) or held.get(d) or (0, float("nan")))[1]) for d in days],
                    [
                        float((future.get(d) or held.get(d) or (0, 0, float("nan")))[2])
                        for d in days
                    ],
                ),
                marker=today,
                marker_label=_("Today"),
                number_format=lambda value: _number(value),
            )
        )
    return table


def processing(reader: MartReader, names: dict[str, str]) -> Table:
    rows = queries.processing_times(reader)
    table = Table(
        "processing",
        _("Processing time from sending to decision, by service"),
        [
            _("Service"),
            _("Decided"),
            _("Median (days)"),
            _("90th percentile (days)"),
            _("Within the promised time"),
            _("Refused"),
        ],
        [
            [
                names.get(r.service, r.service),
                r.decided,
                r.median_days,
                r.p90_days,
                _percent(r.within_sla_share),
                r.rejected,
            ]
            for r in rows
        ],
    )
    decided = sum(r.decided for r in rows)
    if decided:
        within = sum(r.within_sla_share * r.decided for r in rows) / decided
        table.summary = ngettext(
            "%(count)s application was decided; %(share)s within the promised time.",
            "%(count)s applications were decided; %(share)s within the promised time.",
            decided,
        ) % {"count": _number(decided), "share": _percent(within)}
        table.chart = _chart(
            lambda: charts.bar_chart(
                chart_id="processing",
                title=table.caption,
                summary=table.summary,
                categories=[names.get(r.service, r.service) for r in rows],
                values=[r.median_days for r in rows],
                value_label=_("Median days"),
                number_format=lambda value: _number(value, 1),
            )
        )
    else:
        table.summary = _("No application was decided in this period.")
    return table


def backlog_table(reader: MartReader, names: dict[str, str]) -> Table:
    rows = queries.backlog(reader)
    total = sum(count for _service, count in rows)
    return Table(
        "backlog",
        _("Open applications at the end of the period"),
        [_("Service"), _("Open")],
        [[names.get(service, service), count] for service, count in rows],
        summary=ngettext(
            "%(count)s application is waiting for a decision.",
            "%(count)s applications are waiting for a decision.",
            total,
        )
        % {"count": _number(total)},
    )


def heatmap_table(reader: MartReader) -> Table:
    grid = queries.weekday_hour_grid(reader)
    hours = [f"{hour:02d}:00" for hour in queries.HOURS]
    weekdays = [name() for name in WEEKDAY_NAMES]
    table = Table(
        "heatmap",
        _("Average visitors per hour, by weekday (office time)"),
        [_("Weekday"), *hours],
        [
            [weekdays[w], *("" if v is None else v for v in grid[w])]
            for w in range(7)
            if any(v is not None for v in grid[w])
        ],
    )
    cells = [(w, h, v) for w, row in enumerate(grid) for h, v in enumerate(row) if v is not None]
    if cells:
        w, h, v = max(cells, key=lambda cell: cell[2])
        table.summary = _(
            "Arrivals peak on %(weekday)s at %(hour)s, with %(count)s visitors in the hour on "
            "average."
        ) % {
            "weekday": weekdays[w],
            "hour": hours[h],
            "count": _number(v, 1),
        }
        used = [w for w in range(7) if any(v is not None for v in grid[w])]
        table.chart = _chart(
            lambda: charts.heatmap(
                chart_id="heatmap",
                title=table.caption,
                summary=table.summary,
                rows=[weekdays[w] for w in used],
                columns=hours,
                values=[[float("nan") if v is None else v for v in grid[w]] for w in used],
                value_label=_("Visitors per hour"),
                number_format=lambda value: _number(value, 1),
            )
        )
    else:
        table.summary = _("No visitors were recorded in this period.")
    return table


def queue_table(reader: MartReader, today: dt.date) -> Table:
    summary = queries.queue_summary(reader)
    booking = queries.bookings(reader, today)
    rows = [
        [_("Visitors"), _number(summary.arrivals)],
        [_("Called within the target wait"), _percent(summary.within_target_share)],
        [_("Mean wait (minutes)"), _number(summary.mean_wait_minutes, 1)],
        [_("Mean service time (minutes)"), _number(summary.mean_service_minutes, 1)],
        [_("Visits booked"), _number(booking.booked)],
        [_("Bookings cancelled"), _number(booking.cancelled)],
        [_("Booked visitors who did not come"), _percent(booking.no_show_rate)],
    ]
    return Table(
        "queue",
        _("Queue and bookings"),
        [_("Measure"), _("Value")],
        rows,
        summary=_(
            "%(share)s of visitors were called within the target wait; %(no_show)s of booked "
            "visits were missed."
        )
        % {
            "share": _percent(summary.within_target_share),
            "no_show": _percent(booking.no_show_rate),
        },
    )


# Above this many series (a region or the nation) the backtest is shown per service and
# model rather than per office: 750 rows would make the page several times heavier.
MODEL_ROWS_PER_OFFICE = 40


def models_table(reader: MartReader, names: dict[str, str], offices: dict[str, str]) -> Table:
    rows = queries.model_choices(reader)
    better = sum(
        1
        for r in rows
        if r.mase is not None and r.baseline_mase is not None and r.mase < r.baseline_mase
    )
    caption = _(
        "Forecast models chosen by backtest (MASE: lower is better; 1 = as good as last "
        "week's pattern)"
    )
    summary = _(
        "%(better)s of %(total)s series are forecast better than by repeating last week."
    ) % {
        "better": better,
        "total": len(rows),
    }
    if len(rows) <= MODEL_ROWS_PER_OFFICE:
        return Table(
            "models",
            caption,
            [_("Office"), _("Service"), _("Model"), _("MASE"), _("Seasonal naive MASE")],
            [
                [
                    offices.get(r.office, r.office),
                    names.get(r.service, r.service),
                    r.model,
                    _number(r.mase, 3),
                    _number(r.baseline_mase, 3),
                ]
                for r in rows
            ],
            summary=summary,
        )
    groups: dict[tuple[str, str], list[queries.ModelChoice]] = {}
    for r in rows:
        groups.setdefault((r.service, r.model), []).append(r)

    def median(values: list[float | None]) -> float | None:
        known = [v for v in values if v is not None]
        return statistics.median(known) if known else None

    return Table(
        "models",
        caption,
        [
            _("Service"),
            _("Model"),
            _("Series"),
            _("Median MASE"),
            _("Median seasonal naive MASE"),
        ],
        [
            [
                names.get(service, service),
                model,
                len(chosen),
                _number(median([r.mase for r in chosen]), 3),
                _number(median([r.baseline_mase for r in chosen]), 3),
            ]
            for (service, model), chosen in sorted(groups.items())
        ],
        summary=summary,
    )


def staffing_table(prospect: Outlook | None) -> Table:
    table = Table(
        "staffing",
        _("Counters to open in the next 7 days"),
        [
            _("Date"),
            _("Hour"),
            _("Expected visitors"),
            _("Already booked"),
            _("Counters"),
            _("Expected share within target"),
        ],
        [],
    )
    if prospect is None:
        table.summary = _("Choose one office to see its staffing advice.")
        return table
    plan = staffing_plan(prospect, STAFFING_DAYS)
    table.rows = [
        [
            a.day.isoformat(),
            f"{a.hour:02d}:00",
            _number(a.forecast, 1),
            a.booked,
            a.counters,
            _percent(a.service_level),
        ]
        for a in plan
    ]
    peak = max(plan, key=lambda a: a.counters, default=None)
    table.summary = (
        _("At the busiest hour (%(day)s %(hour)s) open %(counters)s counters.")
        % {"day": peak.day.isoformat(), "hour": f"{peak.hour:02d}:00", "counters": peak.counters}
        if peak
        else _("No forecast is available for this office yet.")
    )
    return table


QUOTA_WEEKS = 4
STAFFING_DAYS = 7


def office_outlook(
    office: Office | None, today: dt.date, base: Path | None = None
) -> Outlook | None:
    """The outlook both kinds of advice read: the quota weeks from today (staffing uses the
    first days of it)."""
    return None if office is None else outlook(office, today, QUOTA_WEEKS * 7, today, base)


def quota_table(prospect: Outlook | None) -> Table:
    table = Table(
        "quota",
        _("Advised places per slot for the next 4 weeks"),
        [
            _("Weekday"),
            _("Slot"),
            _("Expected visitors per slot"),
            _("Online places"),
            _("Priority places"),
        ],
        [],
    )
    if prospect is None:
        table.summary = _("Choose one office to see its quota advice.")
        return table
    advice = quota_advice(prospect)
    table.rows = [
        [
            WEEKDAY_NAMES[a.weekday](),
            a.starts.strftime("%H:%M"),
            _number(a.demand, 1),
            a.online,
            a.priority,
        ]
        for a in advice
    ]
    if advice:
        table.summary = _(
            "%(online)s online and %(priority)s priority places a week are advised."
        ) % {
            "online": _number(sum(a.online for a in advice)),
            "priority": _number(sum(a.priority for a in advice)),
        }
    else:
        table.summary = _("No forecast is available for this office yet.")
    return table


# Tables that read only the marts: the same for everyone with the same filters until the
# next refresh, so they are cached under the marts' version. Staffing and quota also read
# today's bookings from the database and are always computed.
MART_ONLY = ("arrivals", "queue", "heatmap", "processing", "backlog", "forecast", "models")
CACHE_SECONDS = 15 * 60


def marts_version(base: Path | None = None) -> str:
    """Changes whenever a refresh replaces a mart file (each is written to a new file and
    moved into place, so its modification time and size change)."""
    directory = layout.marts_dir(base)
    try:
        entries = sorted(
            (entry.name, entry.stat().st_mtime_ns, entry.stat().st_size)
            for entry in os.scandir(directory)
            if entry.name.endswith(".parquet")
        )
    except FileNotFoundError:
        return "none"
    return hashlib.sha256(repr((str(directory), entries)).encode()).hexdigest()[:16]


def _cache_key(filters: Filters, today: dt.date, names: tuple[str, ...], base: Path | None) -> str:
    parts = (marts_version(base), filters, today, names, get_language())
    return "analytics-board:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def build(
    filters: Filters,
    today: dt.date,
    office: Office | None,
    base: Path | None = None,
    only: str | None = None,
) -> Dashboard:
    """Every table, or ``only`` the one a CSV download asks for (its charts and the other
    tables' queries are not worth running for it)."""
    dashboard = Dashboard(filters)
    wanted = tuple(name for name in MART_ONLY if only is None or name == only)
    key = _cache_key(filters, today, wanted, base)
    cached: dict[str, Table] | None = cache.get(key) if wanted else None
    if cached is not None:
        dashboard.tables.update(cached)
    names = _service_names()

    @functools.cache
    def shared_outlook() -> Outlook | None:  # staffing and quota read it once between them
        return office_outlook(office, today, base)

    with MartReader(filters, base) as reader:
        builders: dict[str, Callable[[], Table]] = {
            "arrivals": lambda: volumes(reader),
            "queue": lambda: queue_table(reader, today),
            "heatmap": lambda: heatmap_table(reader),
            "processing": lambda: processing(reader, names),
            "backlog": lambda: backlog_table(reader, names),
            "forecast": lambda: forecast_table(reader, today),
            "models": lambda: models_table(reader, names, queries.offices_named(filters.offices)),
            "staffing": lambda: staffing_table(shared_outlook()),
            "quota": lambda: quota_table(shared_outlook()),
        }
        for name, make in builders.items():
            if (only is None or name == only) and name not in dashboard.tables:
                dashboard.tables[name] = make()
    if cached is None and wanted:
        cache.set(key, {name: dashboard.tables[name] for name in wanted}, CACHE_SECONDS)
    # The page's order, whichever tables came from the cache.
    dashboard.tables = {
        name: dashboard.tables[name] for name in builders if name in dashboard.tables
    }
    return dashboard
