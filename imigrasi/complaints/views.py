"""The public complaint pages: start, file (one short page), confirmation, tracking, and the
signed-in complainant's own complaint. No sign-in needed; everything works without JavaScript."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from imigrasi.complaints import actions
from imigrasi.complaints.actions import ComplaintError, Filing
from imigrasi.complaints.forms import ComplaintForm, TrackForm
from imigrasi.complaints.messages import message_for
from imigrasi.complaints.models import Complaint
from imigrasi.complaints.queries import find_for_tracking, get_own_complaint, own_complaints
from imigrasi.lib.ratelimit import allow, client_ip

RECEIPT = "complaint_receipt"  # session key: the number and secret of the last filing


def _limited(request: HttpRequest, template: str, context: dict[str, Any], retry: int) -> Any:
    response = render(request, template, {**context, "limited": True}, status=429)
    response["Retry-After"] = str(retry)
    return response


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "complaints/start.html",
        {"mine": own_complaints(request.user)[:20] if request.user.is_authenticated else []},
    )


@require_http_methods(["GET", "POST"])
def file(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "complaints/file.html", {"form": ComplaintForm()})
    allowed, retry = allow(f"complaint-file:{client_ip(request)}", settings.COMPLAINT_RATE)
    if not allowed:
        # Checked before anything is read or stored: a flood stores nothing.
        return _limited(request, "complaints/file.html", {"form": ComplaintForm()}, retry)
    form = ComplaintForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "complaints/file.html", {"form": form})
    data = form.cleaned_data
    try:
        clean = actions.check_attachments([upload.read() for upload in data["attachments"]])
        complaint, secret = actions.do_file_complaint(
            Filing(
                category=data["category"],
                office=data["office"],
                description=data["description"],
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
                contact_phone=data["contact_phone"],
                confidential=data["confidential"],
                anonymous=data["anonymous"],
            ),
            account=request.user if request.user.is_authenticated else None,
            attachments=clean,
            client_token=data["client_token"],
        )
    except ComplaintError as exc:
        form.add_error(exc.field or None, message_for(exc))
        return render(request, "complaints/file.html", {"form": form})
    if secret is not None:
        request.session[RECEIPT] = {"number": complaint.number, "secret": secret}
    # A repeated form (secret None) shows the receipt of the first filing, still in the session.
    return redirect("complaints:filed")


@require_GET
def filed(request: HttpRequest) -> HttpResponse:
    receipt = request.session.get(RECEIPT)
    if not receipt:
        return redirect("complaints:start")
    complaint = Complaint.objects.filter(number=receipt["number"]).first()
    if complaint is None:
        return redirect("complaints:start")
    return render(
        request, "complaints/filed.html", {"complaint": complaint, "secret": receipt["secret"]}
    )


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "complaints/track.html", {"form": TrackForm()})
    allowed, retry = allow(f"complaint-track:{client_ip(request)}", settings.COMPLAINT_TRACK_RATE)
    if not allowed:
        return _limited(request, "complaints/track.html", {"form": TrackForm()}, retry)
    form = TrackForm(request.POST)
    if form.is_valid():
        complaint = find_for_tracking(form.cleaned_data["number"], form.cleaned_data["secret"])
        if complaint is not None:
            return render(request, "complaints/status.html", _status_context(complaint))
        form.add_error(
            "secret",
            _("No complaint matches this tracking number and secret code or email address"),
        )
    return render(request, "complaints/track.html", {"form": form})


@require_GET
@login_required
def mine(request: HttpRequest, number: str) -> HttpResponse:
    complaint = get_own_complaint(request.user, number)
    return render(request, "complaints/status.html", _status_context(complaint))


def _status_context(complaint: Complaint) -> dict[str, Any]:
    """What the complainant sees: status, deadline, history and the office's answers (never
    internal notes or who handled it)."""
    return {
        "complaint": complaint,
        "events": list(complaint.events.all()),
        "responses": list(complaint.responses.filter(visible=True)),
    }
