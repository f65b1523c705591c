"""Content editors maintain the assistant's curated answers under /staff/asisten/jawaban/.

The Django admin is for the admin role only (docs/security.md); editing answers is a content
editor's everyday work, so it lives in the staff area with its own audit trail. Saving marks the
assistant's index stale in every process (signals.py): the next question uses the new text.
"""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from imigrasi.accounts.access import role_required
from imigrasi.accounts.models import Role
from imigrasi.assistant.knowledge import fill_placeholders, services_by_code
from imigrasi.assistant.models import KnowledgeEntry
from imigrasi.audit.recording import record_event

EDITOR_ROLES = frozenset({Role.CONTENT_EDITOR, Role.ADMIN})
editor_required = role_required(EDITOR_ROLES)
FIELDS = [
    "topic",
    "questions_id",
    "questions_en",
    "keywords",
    "answer_id",
    "answer_en",
    "source",
    "is_active",
]


class EntryForm(forms.ModelForm):
    class Meta:
        model = KnowledgeEntry
        fields = FIELDS

    def clean_source(self) -> str:
        source = str(self.cleaned_data["source"]).strip()
        if not source.startswith("/") or source.startswith("//"):
            raise forms.ValidationError(gettext_lazy("Cite a page of this site, starting with /."))
        return source

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        services = services_by_code()
        for name in ("answer_id", "answer_en"):
            text = str(cleaned.get(name) or "")
            unknown = [code for code in _codes(text) if code not in services]
            if unknown:
                self.add_error(
                    name,
                    _("Unknown service in a placeholder: %(codes)s")
                    % {"codes": ", ".join(unknown)},
                )
        return cleaned


def _codes(text: str) -> list[str]:
    return [m.group(2) for m in re.finditer(r"\{(fee|time):([a-z0-9-]+)", text)]


@require_GET
@editor_required
def answers(request: HttpRequest) -> HttpResponse:
    entries = KnowledgeEntry.objects.order_by("topic", "slug")
    return render(request, "assistant/staff/answers.html", {"entries": entries})


@require_http_methods(["GET", "POST"])
@editor_required
def answer_edit(request: HttpRequest, slug: str) -> HttpResponse:
    entry = get_object_or_404(KnowledgeEntry, slug=slug)
    before = {name: getattr(entry, name) for name in FIELDS}
    form = EntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        after = {name: getattr(saved, name) for name in FIELDS}
        changed = {k: v for k, v in after.items() if before[k] != v}
        if changed:
            record_event(
                actor=request.user,
                action="assistant.answer_edited",
                obj=saved,
                before={k: before[k] for k in changed},
                after=changed,
            )
            messages.success(request, _("Saved. The assistant uses the new answer now."))
        else:
            messages.info(request, _("Nothing changed."))
        return redirect("staff:assistant_staff:answers")
    services = services_by_code()
    preview = {
        "id": fill_placeholders(entry.answer_id, "id", services),
        "en": fill_placeholders(entry.answer_en, "en", services),
    }
    return render(
        request,
        "assistant/staff/answer_edit.html",
        {"entry": entry, "form": form, "preview": preview},
    )
