"""manage.py load_demo_data: idempotent demo data for every capability, then the demo logins."""

from __future__ import annotations

import importlib
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# Order matters: offices before the officers bound to them.
DEMO_MODULES = [
    "imigrasi.catalog.demo",
    "imigrasi.accounts.demo",
    "imigrasi.outbox.demo",  # before the applications: their decisions notify the agencies
    "imigrasi.applications.demo",
    "imigrasi.sharecodes.demo",  # after the applications: the demo visitor's granted visa
    "imigrasi.appointments.demo",
    "imigrasi.assistant.demo",
    "imigrasi.privacy.demo",
    "imigrasi.complaints.demo",
    "imigrasi.feedback.demo",  # after the offices and services it rates
]


class Command(BaseCommand):
    help = "Load realistic Indonesian demo data (offices, one user per role) and print logins."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo data has published passwords; refusing in production mode.")
        for module_name in DEMO_MODULES:
            module = importlib.import_module(module_name)
            for line in module.load():
                self.stdout.write(line)
