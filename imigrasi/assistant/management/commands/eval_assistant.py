from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from imigrasi.assistant.evaluation import EVAL_DIR, evaluate, load_rows


class Command(BaseCommand):
    help = "Score the assistant on the labelled question sets (accuracy, out-of-scope, latency)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", help="JSONL files (default: every file in eval/)")
        parser.add_argument("--prepare", action="store_true", help="load catalog, offices, answers")
        parser.add_argument("--show-errors", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["prepare"]:
            from imigrasi.appointments.setup import configure_office
            from imigrasi.assistant.loader import load_faq
            from imigrasi.catalog.demo import load as load_catalog
            from imigrasi.catalog.models import Office

            list(load_catalog())
            for office in Office.objects.filter(is_active=True):
                configure_office(office)
            load_faq()
        paths = [Path(f) for f in options["files"]] or sorted(EVAL_DIR.glob("*.jsonl"))
        report = evaluate(load_rows(paths))
        if options["show_errors"]:
            for result in report.results:
                if not result.correct:
                    self.stdout.write(
                        f"✗ {result.row['id']} [{result.row['expect']}→{result.outcome}/"
                        f"{result.intent}] {result.row['question']}\n    {result.answer[:300]}"
                    )
        self.stdout.write(json.dumps(report.summary()))
