from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from imigrasi.assistant.loader import load_faq


class Command(BaseCommand):
    help = "Load the assistant's curated answers from imigrasi/assistant/data/faq.json."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--overwrite", action="store_true", help="reset edited entries")

    def handle(self, *args: Any, **options: Any) -> None:
        created, updated = load_faq(overwrite=options["overwrite"])
        self.stdout.write(f"{created} new, {updated} updated")
