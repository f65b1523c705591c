"""Reading count series from CSV, refusing bad input row by row before anything is computed.

The contract (the `forecast` command): columns ``date,office,service,count``; ``date`` an ISO
date (daily series) or an ISO date-time on the hour (hourly series); ``count`` a whole number
0 or more; one row per date, office and service; every series at least MIN_OBSERVATIONS
steps long. Row numbers in messages are the file's line numbers (the header is line 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from imigrasi.analytics.forecasting import MIN_OBSERVATIONS

COLUMNS = ("date", "office", "service", "count")
MAX_ERRORS = 20


@dataclass
class InputErrors(Exception):
    messages: list[str]

    def __str__(self) -> str:
        return "\n".join(self.messages)


def _parse_moment(text: str, frequency: str) -> dt.datetime | None:
    text = text.strip()
    try:
        if frequency == "day":
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time())
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.replace(tzinfo=None)  # local office time, as recorded
    if moment.minute or moment.second or moment.microsecond:
        return None
    return moment


def _parse_count(text: str) -> int | None:
    try:
        value = float(text.strip())
    except ValueError:
        return None
    if not value.is_integer() or value < 0:
        return None
    return int(value)


def read_series(handle: io.TextIOBase, frequency: str) -> pd.DataFrame:
    """The rows as a frame (date, office, service, count), or InputErrors naming each row."""
    reader = csv.DictReader(handle)
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise InputErrors([f"line 1: missing column(s): {', '.join(missing)}"])
    errors: list[str] = []
    rows: list[tuple[dt.datetime, str, str, int]] = []
    first_line: dict[tuple[dt.datetime, str, str], int] = {}
    lines_of_series: dict[tuple[str, str], list[int]] = defaultdict(list)
    expected = (
        "an ISO date (YYYY-MM-DD)"
        if frequency == "day"
        else ("an ISO date-time on the hour (YYYY-MM-DDTHH:00)")
    )
    for raw in reader:
        line = reader.line_num
        record = {key.strip(): (value or "") for key, value in raw.items() if key}
        office, service = record["office"].strip(), record["service"].strip()
        moment = _parse_moment(record["date"], frequency)
        count = _parse_count(record["count"])
        problems = []
        if moment is None:
            problems.append(f"date {record['date']!r} is not {expected}")
        if not office:
            problems.append("office is empty")
        if not service:
            problems.append("service is empty")
        if count is None:
            problems.append(f"count {record['count']!r} is not a whole number 0 or more")
        if not problems and moment is not None and count is not None:
            key = (moment, office, service)
            if key in first_line:
                problems.append(f"duplicate of line {first_line[key]} (same date, office, service)")
            else:
                first_line[key] = line
                rows.append((moment, office, service, count))
                lines_of_series[(office, service)].append(line)
        errors.extend(f"line {line}: {problem}" for problem in problems)
    if not rows and not errors:
        errors.append("the file has no data rows")
    if not errors:
        for (office, service), lines in lines_of_series.items():
            if len(lines) < MIN_OBSERVATIONS:
                where = ", ".join(str(n) for n in lines)
                errors.append(
                    f"line {lines[0]}: series {office}/{service} has {len(lines)} "
                    f"observation(s) (lines {where}); at least {MIN_OBSERVATIONS} are needed"
                )
    if errors:
        shown = errors[:MAX_ERRORS]
        if len(errors) > MAX_ERRORS:
            shown.append(f"… and {len(errors) - MAX_ERRORS} more")
        raise InputErrors(shown)
    return pd.DataFrame(rows, columns=list(COLUMNS))
