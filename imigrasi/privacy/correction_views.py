"""Officers review correction requests for their office's applications (/staff/koreksi/)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from imigrasi.accounts.access import role_required
from imigrasi.accounts.models import OFFICE_BOUND_ROLES, User
from imigrasi.applications.queries import record_office_read
from imigrasi.privacy import actions
from imigrasi.privacy.corrections import CORRECTABLE
from imigrasi.privacy.forms import ReviewForm
from imigrasi.privacy.messages import message_for
from imigrasi.privacy.models import CorrectionRequest, CorrectionStatus

office_staff = role_required(OFFICE_BOUND_ROLES)


def _officer(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _current_value(correction: CorrectionRequest) -> Any:
    application = correction.application
    person = application.person
    if hasattr(person, correction.field):
        return getattr(person, correction.field)
    return (application.answers or {}).get(correction.field, "")


@office_staff
@require_GET
def correction_list(request: HttpRequest) -> HttpResponse:
    officer = _officer(request)
    pending = (
        CorrectionRequest.objects.filter(
            application__office=officer.office, status=CorrectionStatus.SUBMITTED
        )
        .select_related("application", "application__service")
        .order_by("requested_at")
    )
    return render(request, "privacy/staff_corrections.html", {"pending": pending})


@office_staff
@require_http_methods(["GET", "POST"])
def correction_review(request: HttpRequest, public_id: str) -> HttpResponse:
    officer = _officer(request)
    correction = (
        CorrectionRequest.objects.filter(public_id=public_id)
        .select_related("application", "application__person")
        .first()
    )
    if correction is None or not actions.may_review(officer, correction):
        raise Http404
    # The officer now sees the person's data: recorded like any back-office read.
    record_office_read(officer, correction.application, "back office: correction review")
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_review_correction(
                correction,
                officer,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except actions.PrivacyError as exc:
            messages.error(request, message_for(exc))
        else:
            messages.success(request, _("Decision saved. The applicant is told by email."))
            return redirect("staff:corrections:list")
    return render(
        request,
        "privacy/staff_correction_review.html",
        {
            "correction": correction,
            "label": CORRECTABLE.get(correction.field, correction.field),
            "current": _current_value(correction),
            "form": form,
        },
    )
