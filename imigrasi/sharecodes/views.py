"""The holder's share-code pages under /akun/kode-berbagi/, and the public status check page
/cek-status-izin/ for employers without an API client.

Holder pages: signed-in, own codes only (``get_share_code_for_user``: not yours = 404). The
check page needs no sign-in, works without JavaScript, is rate-limited per address and calls
the same action as the API; a refusal reads the same whatever its cause.
"""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from imigrasi.lib.ratelimit import allow, client_ip
from imigrasi.sharecodes.actions import (
    ShareCodeError,
    Verifier,
    do_check_status,
    do_create_share_code,
    do_revoke_share_code,
)
from imigrasi.sharecodes.forms import CreateShareCodeForm, RevokeForm, StatusCheckForm
from imigrasi.sharecodes.models import Channel
from imigrasi.sharecodes.presentation import NOT_FOUND, as_page
from imigrasi.sharecodes.queries import (
    checks_of,
    get_share_code_for_user,
    share_codes_of,
    shareable_documents,
)


@login_required
@require_GET
def share_codes(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    rows = [(share, share.state(now)) for share in share_codes_of(request.user)]
    return render(
        request,
        "sharecodes/list.html",
        {"rows": rows, "can_share": bool(shareable_documents(request.user))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    documents = shareable_documents(request.user)
    form = CreateShareCodeForm(request.POST or None, documents=documents)
    if request.method == "POST" and form.is_valid():
        try:
            share = do_create_share_code(
                request.user,
                form.chosen().credential,
                form.cleaned_data["purpose"],
                form.cleaned_data["days"],
            )
        except ShareCodeError as exc:
            form.add_error(
                None,
                _("You have too many active share codes. Revoke one you no longer need first.")
                if str(exc) == "too_many"
                else _("This permission can no longer be shared. Choose another one."),
            )
        else:
            messages.success(request, _("Your share code is ready."))
            return redirect("sharecodes:detail", public_id=share.public_id)
    return render(request, "sharecodes/create.html", {"form": form, "documents": documents})


@login_required
@require_GET
def detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    share = get_share_code_for_user(request.user, public_id)
    return render(
        request,
        "sharecodes/detail.html",
        {"share": share, "state": share.state(), "checks": checks_of(share)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request: HttpRequest, public_id: UUID) -> HttpResponse:
    share = get_share_code_for_user(request.user, public_id)
    form = RevokeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if do_revoke_share_code(share, request.user):
            messages.success(request, _("The share code has been revoked. It no longer works."))
        return redirect("sharecodes:detail", public_id=share.public_id)
    return render(request, "sharecodes/revoke.html", {"share": share, "form": form})


def _web_rate() -> str:
    return str(settings.SHARE_CODE_WEB_CHECK_RATE)


@never_cache  # a result names a person's status: no shared cache may keep it
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    """Public: organisation, share code and date of birth → the status, or one refusal."""
    form = StatusCheckForm(request.POST or None)
    result = None
    if request.method == "POST":
        allowed, retry = allow(f"sharecode-check:{client_ip(request)}", _web_rate())
        if not allowed:
            response = render(
                request, "sharecodes/check.html", {"form": form, "limited": True}, status=429
            )
            response["Retry-After"] = str(retry)
            return response
        if form.is_valid():
            verifier = Verifier(Channel.WEB, form.cleaned_data["organisation"])
            answer = do_check_status(
                form.cleaned_data["share_code"], form.cleaned_data["date_of_birth"], verifier
            )
            if answer is None:
                form.add_error(None, str(NOT_FOUND))
            else:
                result = as_page(answer)
    return render(request, "sharecodes/check.html", {"form": form, "result": result})
