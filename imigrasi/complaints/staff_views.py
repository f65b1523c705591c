"""The office's complaints: the list with SLA countdowns, one complaint, its next step, notes,
attachments, the supervisors' escalations and a CSV export. Officers and supervisors of the
complaint's office only (another office gets a 404); a second factor is enforced by the
middleware for every staff request."""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from imigrasi.accounts.access import role_required
from imigrasi.accounts.models import OFFICE_BOUND_ROLES, Role
from imigrasi.audit.recording import record_event
from imigrasi.complaints import actions, lapor
from imigrasi.complaints.actions import ComplaintError
from imigrasi.complaints.forms import NoteForm, StatusForm
from imigrasi.complaints.messages import message_for
from imigrasi.complaints.models import Complaint, Status
from imigrasi.complaints.queries import escalations, get_complaint_for_user, office_complaints
from imigrasi.lib.workdays import is_working_day

office_staff_required = role_required(OFFICE_BOUND_ROLES)
EXPORT_FIELDS = (
    "tracking_id",
    "lapor_id",
    "category",
    "unit_code",
    "status",
    "created_at",
    "updated_at",
    "due_on",
    "confidential",
    "anonymous",
)


def working_days_left(complaint: Complaint, today: dt.date | None = None) -> int | None:
    """Working days until the deadline (0 on the day itself, negative when overdue)."""
    if complaint.due_on is None or complaint.status == Status.CLOSED:
        return None
    today = today or timezone.now().astimezone(complaint.office.zone).date()
    step = 1 if complaint.due_on >= today else -1
    count, day = 0, today
    while day != complaint.due_on:
        day += dt.timedelta(days=step)
        if is_working_day(day):
            count += step
    return count


def _countdown(complaint: Complaint) -> dict[str, Any]:
    days = working_days_left(complaint)
    return {"days_left": days, "overdue": -days if days is not None and days < 0 else 0}


def _rows(complaints: Any) -> list[dict[str, Any]]:
    return [{"complaint": c, **_countdown(c)} for c in complaints]


@require_GET
@office_staff_required
def office_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    complaints = office_complaints(request.user, status=status)[:200]
    return render(
        request,
        "complaints/staff/list.html",
        {
            "rows": _rows(complaints),
            "status": status,
            "statuses": Status.choices,
            "is_supervisor": getattr(request.user, "role", None) == Role.SUPERVISOR,
        },
    )


@require_GET
@role_required([Role.SUPERVISOR])
def escalated(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "complaints/staff/escalations.html",
        {"rows": _rows(escalations(request.user)[:200])},
    )


def _detail(request: HttpRequest, complaint: Complaint, **forms: Any) -> HttpResponse:
    context = {
        "complaint": complaint,
        **_countdown(complaint),
        "events": list(complaint.events.select_related("actor")),
        "responses": list(complaint.responses.select_related("author")),
        "attachments": list(complaint.attachments.all()),
        "updates": list(complaint.updates.all()),
        "status_form": forms.get("status_form")
        or StatusForm(current=complaint.status, initial={"version": complaint.version}),
        "note_form": forms.get("note_form") or NoteForm(),
    }
    status = 422 if forms else 200
    return render(request, "complaints/staff/detail.html", context, status=status)


@require_GET
@office_staff_required
def detail(request: HttpRequest, number: str) -> HttpResponse:
    return _detail(request, get_complaint_for_user(request.user, number))


@require_POST
@office_staff_required
def change_status(request: HttpRequest, number: str) -> HttpResponse:
    complaint = get_complaint_for_user(request.user, number)
    form = StatusForm(request.POST, current=complaint.status)
    if not form.is_valid():
        return _detail(request, complaint, status_form=form)
    try:
        actions.do_change_status(
            complaint,
            request.user,
            form.cleaned_data["status"],
            message=form.cleaned_data["message"],
            version=form.cleaned_data["version"],
        )
    except ComplaintError as exc:
        form.add_error("message" if exc.field == "message" else None, message_for(exc))
        return _detail(request, complaint, status_form=form)
    messages.success(request, _("The complaint was moved to the next step."))
    return redirect("complaints_staff:detail", number=complaint.number)


@require_POST
@office_staff_required
def add_note(request: HttpRequest, number: str) -> HttpResponse:
    complaint = get_complaint_for_user(request.user, number)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _detail(request, complaint, note_form=form)
    actions.do_add_note(complaint, request.user, form.cleaned_data["note"])
    messages.success(request, _("The note was added."))
    return redirect("complaints_staff:detail", number=complaint.number)


@require_GET
@office_staff_required
def attachment(request: HttpRequest, number: str, public_id: str) -> HttpResponse:
    complaint = get_complaint_for_user(request.user, number)
    found = complaint.attachments.filter(public_id=public_id).first()
    if found is None:
        raise Http404
    record_event(
        actor=request.user,
        action="complaint.attachment_viewed",
        obj=complaint,
        subject_id=complaint.account_id,
        after={"attachment": str(found.public_id)},
    )
    response = HttpResponse(actions.read_attachment(found), content_type=found.media_type)
    response["Content-Disposition"] = "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@office_staff_required
def export_csv(request: HttpRequest) -> HttpResponse:
    """The office's complaints in the LAPOR! exchange fields, without descriptions or anyone's
    identity (a spreadsheet travels further than the staff area)."""
    complaints = Complaint.objects.filter(office_id=getattr(request.user, "office_id", 0) or 0)
    record_event(
        actor=request.user,
        action="complaint.exported",
        object_type="complaints.Complaint",
        after={"format": "csv", "count": complaints.count()},
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="pengaduan.csv"'
    writer = csv.DictWriter(response, fieldnames=EXPORT_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for complaint in complaints.select_related("office").order_by("created_at"):
        writer.writerow(lapor.exported(complaint))
    return response
