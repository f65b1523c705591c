"""Demo offices (22 real offices across WIB, WITA and WIT) and the service catalog."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from imigrasi.catalog.loader import load_catalog
from imigrasi.catalog.models import Office

OFFICES_FILE = Path(__file__).parent / "data" / "offices.json"


def load_offices(path: Path = OFFICES_FILE) -> int:
    rows = json.loads(path.read_text(encoding="utf-8"))
    with transaction.atomic():
        for row in rows:
            code = row.pop("code")
            Office.objects.update_or_create(code=code, defaults=row)
    return len(rows)


def load() -> list[str]:
    offices = load_offices()
    services = load_catalog()
    return [f"{offices} offices loaded", f"{services} services loaded (fees, requirements)"]
