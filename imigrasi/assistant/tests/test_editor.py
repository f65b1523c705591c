"""Content editors keep the curated answers in the staff area; the assistant follows at once."""

from __future__ import annotations

from typing import Any

import pytest

from imigrasi.assistant.actions import answer_question
from imigrasi.assistant.models import KnowledgeEntry
from imigrasi.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def form_data(entry: KnowledgeEntry, **changes: Any) -> dict[str, Any]:
    data = {
        "topic": entry.topic,
        "questions_id": entry.questions_id,
        "questions_en": entry.questions_en,
        "keywords": entry.keywords,
        "answer_id": entry.answer_id,
        "answer_en": entry.answer_en,
        "source": entry.source,
        "is_active": "on" if entry.is_active else "",
    }
    data.update(changes)
    return data


def test_an_editor_changes_an_answer_and_the_assistant_says_it(
    knowledge: Any, content_editor: Any, staff_client: Any
) -> None:
    web = staff_client(content_editor)
    listing = web.get("/staff/asisten/jawaban/")
    assert listing.status_code == 200 and "Jam buka kantor imigrasi?" in listing.content.decode()
    entry = KnowledgeEntry.objects.get(slug="jam-layanan")
    response = web.post(
        "/staff/asisten/jawaban/jam-layanan/",
        form_data(entry, answer_id="Senin–Jumat 07.30–16.00, istirahat 12.00–13.00."),
    )
    assert response.status_code == 302
    assert "07.30" in answer_question("Jam buka kantor imigrasi?").answer
    audit = AuditEntry.objects.get(action="assistant.answer_edited")
    assert audit.actor_id == content_editor.pk and "answer_id" in (audit.after or {})


def test_placeholders_must_name_real_services_and_sources_must_be_ours(
    knowledge: Any, content_editor: Any, staff_client: Any
) -> None:
    web = staff_client(content_editor)
    entry = KnowledgeEntry.objects.get(slug="jam-layanan")
    response = web.post(
        "/staff/asisten/jawaban/jam-layanan/",
        form_data(entry, answer_en="Costs {fee:no-such-service}.", source="https://evil.example"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "no-such-service" in page and 'href="#id_answer_en"' in page and 'href="#id_source"' in page
    )
    assert KnowledgeEntry.objects.get(pk=entry.pk).source == entry.source


def test_only_content_editors_and_admins_edit_answers(
    knowledge: Any, officer: Any, supervisor: Any, staff_client: Any, client: Any
) -> None:
    assert client.get("/staff/asisten/jawaban/").status_code in {302, 403}
    for user in (officer, supervisor):
        web = staff_client(user)
        assert web.get("/staff/asisten/jawaban/").status_code == 403
        assert web.get("/staff/asisten/jawaban/jam-layanan/").status_code == 403
        client.logout()
