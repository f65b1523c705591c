"""manage.py configure_offices: default hours, quotas, services and counters for every active
office that has none yet (existing configuration is never overwritten)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from imigrasi.appointments.setup import configure_all_offices


class Command(BaseCommand):
    help = "Give every active office default booking hours, quotas, services and counters."

    def handle(self, *args: Any, **options: Any) -> None:
        count = configure_all_offices()
        self.stdout.write(f"{count} offices configured (existing settings kept)")
