"""The applicant's data-rights pages under /akun/privasi/: thin adapters over the actions."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from imigrasi.accounts.models import User
from imigrasi.applications.models import Application
from imigrasi.applications.workflow import Status
from imigrasi.privacy import actions
from imigrasi.privacy.closure import do_close_account
from imigrasi.privacy.consent import NOTICE_VERSION, current_consent, do_give_consent
from imigrasi.privacy.forms import CloseAccountForm, ConsentForm, CorrectionForm
from imigrasi.privacy.messages import message_for
from imigrasi.privacy.middleware import SESSION_KEY
from imigrasi.privacy.models import Consent, CorrectionRequest, DataExport


def _account(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _sent_applications(account: User) -> list[Application]:
    return list(
        Application.objects.filter(account=account)
        .exclude(status=Status.DRAFT)
        .select_related("service")
        .order_by("-created_at")
    )


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    context = {
        "consent": current_consent(account),
        "consents": Consent.objects.filter(account=account).order_by("-accepted_at")[:5],
        "exports": DataExport.objects.filter(account=account)[:3],
        "corrections": CorrectionRequest.objects.filter(account=account).select_related(
            "application"
        )[:10],
        "can_correct": bool(_sent_applications(account)),
    }
    return render(request, "privacy/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    form = ConsentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        do_give_consent(account, language=(get_language() or "id")[:2])
        request.session[SESSION_KEY] = NOTICE_VERSION
        messages.success(request, _("Thank you. You can continue."))
        return redirect(target or "accounts:dashboard")
    return render(
        request,
        "privacy/consent.html",
        {"form": form, "version": NOTICE_VERSION, "accepted": current_consent(account)},
    )


@login_required
@require_POST
def request_export(request: HttpRequest) -> HttpResponse:
    actions.do_request_export(_account(request))
    messages.success(
        request,
        _(
            "We are preparing a copy of your data. It appears here within minutes; we"
            " also email you."
        ),
    )
    return redirect("privacy:home")


@login_required
@require_GET
@reauthentication_required
def download_export(request: HttpRequest, public_id: str) -> HttpResponse:
    """A copy holds everything: the password (or second factor) is asked again first."""
    account = _account(request)
    export = DataExport.objects.filter(public_id=public_id, account=account).first()
    if export is None:
        raise Http404
    try:
        archive = actions.read_export(export, account)
    except actions.PrivacyError as exc:
        messages.error(request, message_for(exc))
        return redirect("privacy:home")
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="data-pribadi-imigrasi.zip"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def correction(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    applications = _sent_applications(account)
    form = CorrectionForm(
        request.POST if request.method == "POST" else None, applications=applications
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_request_correction(
                form.applications[data["application"]],
                account,
                field=data["field"],
                new_value=data["new_value"],
                reason=data["reason"],
            )
        except actions.PrivacyError as exc:
            form.add_error(None, message_for(exc))
        else:
            messages.success(
                request,
                _("Your request was sent to the office. We email you when it has been checked."),
            )
            return redirect("privacy:home")
    return render(request, "privacy/correction.html", {"form": form, "applications": applications})


@login_required
@require_http_methods(["GET", "POST"])
def close_account(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    form = CloseAccountForm(request.POST if request.method == "POST" else None, account=account)
    if request.method == "POST" and form.is_valid():
        do_close_account(account)
        logout(request)
        return redirect("privacy:closed")
    kept = Application.objects.filter(account=account).exclude(status=Status.DRAFT).count()
    drafts = Application.objects.filter(account=account, status=Status.DRAFT).count()
    return render(
        request, "privacy/close_account.html", {"form": form, "kept": kept, "drafts": drafts}
    )


@require_GET
def closed(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/closed.html")
