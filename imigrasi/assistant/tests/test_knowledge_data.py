"""The curated answers shipped in data/faq.json are loadable, complete and resolvable."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from imigrasi.assistant.knowledge import fill_placeholders, services_by_code
from imigrasi.assistant.loader import FAQ_FILE, load_faq
from imigrasi.assistant.models import KnowledgeEntry

pytestmark = pytest.mark.django_db


def test_every_entry_resolves_its_catalog_facts_and_cites_a_page_of_ours(catalog: Any) -> None:
    created, _updated = load_faq()
    assert created == len(json.loads(FAQ_FILE.read_text(encoding="utf-8"))) >= 80
    services = services_by_code()
    for entry in KnowledgeEntry.objects.all():
        for language, text in (("id", entry.answer_id), ("en", entry.answer_en)):
            filled = fill_placeholders(text, language, services)
            assert "{" not in filled, (entry.slug, language)
            assert not re.search(r"(^|\s)-(\s|[.,;]|$)", filled.replace(" - ", " ")), entry.slug
        assert entry.questions_id.strip() and entry.questions_en.strip()
        if entry.source.startswith("/layanan/"):
            assert entry.source.removeprefix("/layanan/").strip("/") in services, entry.slug
        else:
            assert entry.source == f"/asisten/tanya-jawab/#{entry.slug}", entry.slug


def test_loading_again_keeps_editors_changes_unless_asked(catalog: Any) -> None:
    load_faq()
    entry = KnowledgeEntry.objects.get(slug="paspor-polikarbonat")
    entry.answer_en = "Edited by a content editor."
    entry.save()
    assert load_faq() == (0, 0)
    assert KnowledgeEntry.objects.get(pk=entry.pk).answer_en == "Edited by a content editor."
    load_faq(overwrite=True)
    assert KnowledgeEntry.objects.get(pk=entry.pk).answer_en != "Edited by a content editor."
