"""manage.py load_catalog [--offices]: install the reviewed service catalog (and offices).

For a first installation; afterwards the catalog is edited in the admin. Re-running replaces
the requirements, variants and fee lines of the services in the file.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from imigrasi.audit.recording import record_event
from imigrasi.catalog.loader import load_catalog


class Command(BaseCommand):
    help = "Load imigrasi/catalog/data/services.json (and offices.json with --offices)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--offices", action="store_true", help="also load offices.json")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["offices"]:
            from imigrasi.catalog.demo import OFFICES_FILE, load_offices

            self.stdout.write(f"{load_offices(OFFICES_FILE)} offices")
        count = load_catalog()
        record_event(
            actor=None,
            system_actor="command:load_catalog",
            action="catalog.loaded",
            after={"services": count},
        )
        self.stdout.write(f"{count} services loaded")
