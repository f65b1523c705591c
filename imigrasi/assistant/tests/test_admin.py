"""Curated answers in the admin: listed by topic, searched in questions and answers, edited
with an audit row; a cited page that is not ours (or not https) is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from imigrasi.assistant.models import KnowledgeEntry
from imigrasi.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

FORM = {
    "slug": "jam-buka-admin",
    "topic": "offices",
    "questions_id": "Kapan kantor buka?",
    "questions_en": "When is the office open?",
    "keywords": "jam, buka",
    "answer_id": "Senin sampai Jumat.",
    "answer_en": "Monday to Friday.",
    "source": "/asisten/tanya-jawab/#jam-buka-admin",
    "is_active": "on",
}


@pytest.fixture
def admin_client(staff_client: Any, admin_user: Any) -> Client:
    client = staff_client(admin_user)
    client.cookies["imigrasi_lang"] = "en"
    return client


def test_an_administrator_adds_searches_and_edits_answers_with_an_audit_row(
    admin_client: Client,
) -> None:
    response = admin_client.post("/admin/assistant/knowledgeentry/add/", FORM)
    assert response.status_code == 302
    entry = KnowledgeEntry.objects.get(slug="jam-buka-admin")
    assert AuditEntry.objects.filter(action="admin.created", object_id=str(entry.pk)).exists()

    listing = admin_client.get("/admin/assistant/knowledgeentry/", {"q": "Monday"})
    assert "jam-buka-admin" in listing.content.decode()
    assert "Kapan kantor buka?" in listing.content.decode()
    assert (
        "jam-buka-admin"
        not in admin_client.get(
            "/admin/assistant/knowledgeentry/", {"q": "paspor"}
        ).content.decode()
    )

    changed = {**FORM, "answer_en": "Monday to Friday, 08:00 to 16:00."}
    admin_client.post(f"/admin/assistant/knowledgeentry/{entry.pk}/change/", changed)
    entry.refresh_from_db()
    assert entry.answer_en == "Monday to Friday, 08:00 to 16:00."
    assert AuditEntry.objects.filter(action="admin.changed", object_id=str(entry.pk)).exists()


@pytest.mark.parametrize(
    "source", ["javascript:alert(1)", "//evil.example/", "http://example.com/", "layanan/"]
)
def test_a_cited_page_that_is_not_ours_or_not_https_is_refused(
    admin_client: Client, source: str
) -> None:
    response = admin_client.post("/admin/assistant/knowledgeentry/add/", {**FORM, "source": source})
    assert response.status_code == 200
    assert "Give the address of one of our pages" in response.content.decode()
    assert not KnowledgeEntry.objects.exists()


def test_content_editors_do_not_reach_the_admin(staff_client: Any, content_editor: Any) -> None:
    # Django admin is for the admin role only (docs/security.md): see the report for how
    # content editors are meant to edit answers.
    response = staff_client(content_editor).get("/admin/assistant/knowledgeentry/")
    assert response.status_code in {302, 403}
