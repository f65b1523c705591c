"""manage.py generate_keys: fresh values for SECRET_KEY, FIELD_ENCRYPTION_KEYS, BLIND_INDEX_KEY."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand

from imigrasi.lib import crypto


class Command(BaseCommand):
    help = "Print new production secrets (to put in the environment, never in git)."

    def handle(self, *args: Any, **options: Any) -> None:
        key_id = f"k{date.today():%Y%m%d}"  # noqa: DTZ011 - a label, not an instant
        self.stdout.write(f"SECRET_KEY={secrets.token_urlsafe(50)}")
        self.stdout.write(f"FIELD_ENCRYPTION_KEYS={key_id}:{crypto.new_key()}")
        self.stdout.write(f"BLIND_INDEX_KEY={crypto.new_key()}")
