"""The applicant's account pages and the staff landing page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from imigrasi.accounts.access import staff_required
from imigrasi.accounts.actions import do_update_profile
from imigrasi.accounts.forms import ProfileForm
from imigrasi.accounts.models import ApiToken, Role, User
from imigrasi.accounts.queries import personal_data_reads_about
from imigrasi.accounts.second_factor import has_second_factor


def _current_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _current_user(request)
    context = {
        "account": user,
        "has_second_factor": has_second_factor(user),
        "active_tokens": ApiToken.objects.filter(user=user, revoked_at__isnull=True).count(),
        "data_reads": personal_data_reads_about(user, limit=10),
    }
    return render(request, "accounts/dashboard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = _current_user(request)
    form = ProfileForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        changed = do_update_profile(user, form.changes(), actor=user)
        if changed:
            messages.success(request, _("Your details have been saved."))
        else:
            messages.info(request, _("Nothing changed."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@staff_required
def staff_home(request: HttpRequest) -> HttpResponse:
    user = _current_user(request)
    context = {
        "account": user,
        "can_audit": user.role in {Role.AUDITOR, Role.ADMIN},
        "can_admin": user.role == Role.ADMIN,
    }
    return render(request, "accounts/staff_home.html", context)


def admin_login(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    """Replaces Django admin's own password form, which is never shown nor accepts a POST:
    administrators sign in through the one sign-in flow (lockout, second factor). Signed-in
    accounts that are not administrators are refused."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = ""
    target = target or reverse("admin:index")
    if not request.user.is_authenticated:
        return redirect_to_login(target, reverse("account_login"))
    if not getattr(request.user, "is_staff", False):
        raise PermissionDenied
    return redirect(target)


def admin_password_change(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    """The admin's password form would skip the account flow (re-authentication, audit)."""
    return redirect("account_change_password")
