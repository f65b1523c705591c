"""The assistant's curated answers are data: edited here (audited), like the catalog.

Saving an answer marks the assistant's index stale (signals.py), so the next question is
answered from the edited text. The cited page becomes a link in every answer: only our own
pages (a path) or https addresses are accepted.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from imigrasi.assistant.models import KnowledgeEntry
from imigrasi.assistant.views import safe_url
from imigrasi.audit.admin_mixins import AuditedModelAdmin


class KnowledgeEntryForm(forms.ModelForm):
    class Meta:
        model = KnowledgeEntry
        fields = (
            "slug",
            "topic",
            "questions_id",
            "questions_en",
            "keywords",
            "answer_id",
            "answer_en",
            "source",
            "is_active",
        )

    def clean_source(self) -> str:
        source = str(self.cleaned_data.get("source") or "").strip()
        if not safe_url(source):
            raise forms.ValidationError(
                _("Give the address of one of our pages (starting with /) or an https:// address.")
            )
        return source


@admin.register(KnowledgeEntry)
class KnowledgeEntryAdmin(AuditedModelAdmin):
    form = KnowledgeEntryForm
    list_display = ("slug", "topic", "first_question", "source", "is_active", "updated_at")
    list_filter = ("topic", "is_active")
    search_fields = ("slug", "questions_id", "questions_en", "keywords", "answer_id", "answer_en")
    ordering = ("topic", "slug")

    @admin.display(description=_("first question"))
    def first_question(self, entry: KnowledgeEntry) -> str:
        return (entry.questions_id.splitlines() or [""])[0]
