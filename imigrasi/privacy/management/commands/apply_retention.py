"""manage.py apply_retention: delete what the retention schedule no longer lets us keep."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand

from imigrasi.privacy.retention import apply_retention


class Command(BaseCommand):
    help = "Apply the retention schedule (docs/privacy.md): run daily."

    def handle(self, *args: Any, **options: Any) -> None:
        report = apply_retention()
        counts = ", ".join(f"{name} {count}" for name, count in asdict(report).items())
        self.stdout.write(f"retention applied: {counts}")
