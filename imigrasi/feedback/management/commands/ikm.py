"""manage.py ikm --input responses.csv

The community satisfaction index of any set of answers, computed exactly as the published
results are (imigrasi/feedback/ikm.py). The input is a CSV file (comma or semicolon, UTF-8
with or without BOM; "-" reads standard input) with the columns u1…u9, whole numbers 1-4, one
row per respondent; other columns are ignored. The output is one JSON line:

    {"respondents": n, "element_nrr": [9 numbers], "index": 1-4, "ikm": 25-100 (2 decimals),
     "grade": "A"|"B"|"C"|"D"}

A score outside 1-4, a missing column or a file without respondents exits with code 2 and a
message naming the row (respondents count from 1; the line number counts the header too).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from imigrasi.feedback import ikm

USAGE_ERROR = 2


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=USAGE_ERROR)


def _open(name: str) -> TextIO:
    if name == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")
    path = Path(name)
    if not path.is_file():
        raise _fail(f"{name}: no such file")
    return path.open(encoding="utf-8-sig", newline="")


def _rows(handle: TextIO) -> Iterator[list[str]]:
    text = handle.read()
    if not text.strip():
        raise _fail("the file is empty: expected a header row with the columns u1 to u9")
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [column.strip().lower() for column in next(reader)]
    missing = [column for column in ikm.COLUMNS if column not in header]
    if missing:
        raise _fail(f"missing column(s): {', '.join(missing)} (the header needs u1 to u9)")
    positions = [header.index(column) for column in ikm.COLUMNS]
    for line_number, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue  # a blank line (a trailing newline in a spreadsheet export)
        values = [record[i] if i < len(record) else "" for i in positions]
        yield [f"{line_number}", *values]


def compute(handle: TextIO) -> ikm.Result:
    totals = [0] * ikm.ELEMENTS
    respondents = 0
    for respondents, (line, *values) in enumerate(_rows(handle), start=1):
        for element, value in enumerate(values, start=1):
            try:
                totals[element - 1] += ikm.check_score(value, respondents, element)
            except ikm.InvalidScore as exc:
                raise _fail(
                    f"row {respondents} (line {line}): u{element} is {value.strip()!r}; "
                    "every score must be a whole number from 1 to 4"
                ) from exc
    if respondents == 0:
        raise _fail("no respondents: the file has a header but no data rows")
    return ikm.from_totals(totals, respondents)


class Command(BaseCommand):
    help = "Compute the community satisfaction index (IKM, PermenPANRB 14/2017) of a CSV file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--input", required=True, help="CSV with columns u1…u9 (1-4); '-' for stdin"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with _open(str(options["input"])) as handle:
            try:
                result = compute(handle)
            except UnicodeDecodeError as exc:
                raise _fail(f"the file is not UTF-8 text ({exc.reason})") from exc
            except csv.Error as exc:
                raise _fail(f"not a readable CSV file: {exc}") from exc
        self.stdout.write(json.dumps(result.as_json()))
