"""Load the service catalog from JSON (catalog/data/services.json), idempotently.

The file is the reviewed source for the demo and for a first installation; afterwards editors
maintain the catalog in the admin. Re-loading updates texts and replaces requirements, variants
and fee lines of the services in the file (fee history is part of the file).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from imigrasi.catalog.models import FeeLine, Requirement, Service, ServiceVariant

SERVICES_FILE = Path(__file__).parent / "data" / "services.json"


def _texts(prefix: str, value: dict[str, Any] | None) -> dict[str, str]:
    value = value or {}
    return {f"{prefix}_id": value.get("id", ""), f"{prefix}_en": value.get("en", "")}


def _steps(value: dict[str, list[str]] | None) -> dict[str, str]:
    value = value or {}
    return {
        "procedure_id": "\n".join(value.get("id", [])),
        "procedure_en": "\n".join(value.get("en", [])),
    }


@transaction.atomic
def load_catalog(path: Path = SERVICES_FILE) -> int:
    rows: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    services: dict[str, Service] = {}
    for row in rows:
        completion = row["completion"]
        defaults: dict[str, Any] = {
            "family": row["family"],
            "workflow": row["workflow"],
            "citizenship": row["citizenship"],
            **_texts("name", row["name"]),
            **_texts("summary", row["summary"]),
            **_texts("who_can_apply", row.get("who_can_apply")),
            **_steps(row.get("procedure")),
            **_texts("product", row.get("product")),
            **_texts("legal_basis", row.get("legal_basis")),
            "completion_value": completion["value"],
            "completion_unit": completion["unit"],
            **_texts("completion_note", completion.get("note")),
            "requires_visit": row["requires_visit"],
            **_texts("visit_reason", row.get("visit_reason")),
            "online_application": row.get("online_application", True),
            "min_age": row.get("min_age"),
            "max_age": row.get("max_age"),
            "validity_years": row.get("validity_years"),
            "entry_within_days": row.get("entry_within_days"),
            "stay_days": row.get("stay_days"),
            "extends_permit": row.get("extends_permit", False),
            "is_addon": row.get("is_addon", False),
            "display_order": row.get("display_order", 100),
            "is_active": True,
        }
        service, _ = Service.objects.update_or_create(code=row["code"], defaults=defaults)
        services[service.code] = service
        service.fee_lines.all().delete()
        service.requirements.all().delete()
        service.variants.all().delete()
        variants = {
            item["code"]: ServiceVariant.objects.create(
                service=service,
                code=item["code"],
                validity_years=item.get("validity_years"),
                display_order=item.get("display_order", 100),
                **_texts("label", item["label"]),
            )
            for item in row.get("variants", [])
        }
        for item in row.get("requirements", []):
            Requirement.objects.create(
                service=service,
                code=item["code"],
                mandatory=item.get("mandatory", True),
                condition=item.get("condition", "always"),
                upload=item.get("upload", True),
                display_order=item.get("display_order", 100),
                **_texts("name", item["name"]),
                **_texts("help", item.get("help")),
            )
        for item in row.get("fees", []):
            FeeLine.objects.create(
                service=service,
                variant=variants[item["variant"]] if item.get("variant") else None,
                amount=item["amount"],
                kind=item.get("kind", "base"),
                condition=item.get("condition", "always"),
                effective_from=item["effective_from"],
                effective_to=item.get("effective_to"),
                legal_basis=item["legal_basis"],
                **_texts("label", item["label"]),
                **_texts("note", item.get("note")),
            )
    for row in rows:
        if row.get("addon_for"):
            services[row["code"]].addon_for.set(Service.objects.filter(code__in=row["addon_for"]))
    return len(rows)
