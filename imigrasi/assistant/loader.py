"""Curated answers from ``data/faq.json`` (the seed content editors then maintain)."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from imigrasi.assistant.models import KnowledgeEntry

FAQ_FILE = Path(__file__).resolve().parent / "data" / "faq.json"


@transaction.atomic
def load_faq(path: Path = FAQ_FILE, *, overwrite: bool = False) -> tuple[int, int]:
    """Create missing entries; with ``overwrite`` also reset edited ones. Returns (new, updated)."""
    created = updated = 0
    for item in json.loads(path.read_text(encoding="utf-8")):
        values = {
            "topic": item["topic"],
            "questions_id": "\n".join(item["questions_id"]),
            "questions_en": "\n".join(item["questions_en"]),
            "keywords": ", ".join(item.get("keywords", [])),
            "answer_id": item["answer_id"],
            "answer_en": item["answer_en"],
            "source": item["source"],
        }
        entry = KnowledgeEntry.objects.filter(slug=item["slug"]).first()
        if entry is None:
            KnowledgeEntry.objects.create(slug=item["slug"], **values)
            created += 1
        elif overwrite:
            for name, value in values.items():
                setattr(entry, name, value)
            entry.save()
            updated += 1
    return created, updated
