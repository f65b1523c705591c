"""The auditor's view of the audit log. Looking at the log is itself logged."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from imigrasi.accounts.access import role_required
from imigrasi.accounts.models import Role
from imigrasi.audit.forms import AuditFilterForm
from imigrasi.audit.queries import filtered_entries
from imigrasi.audit.recording import record_event
from imigrasi.audit.verification import verify_chain

auditor_required = role_required([Role.AUDITOR, Role.ADMIN])


@require_GET
@auditor_required
def entry_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(filtered_entries(filters), 50).get_page(request.GET.get("page"))
    record_event(
        actor=request.user,
        action="audit.viewed",
        after={k: v for k, v in filters.items() if v} | {"page": page.number},
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/entry_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@require_POST
@auditor_required
def verify(request: HttpRequest) -> HttpResponse:
    report = verify_chain()
    record_event(
        actor=request.user,
        action="audit.chain_verified",
        after={"ok": report.ok, "checked": report.checked, "broken_at": report.broken_at},
    )
    return render(request, "audit/verify.html", {"report": report})
