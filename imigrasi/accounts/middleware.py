"""Session rules every request passes through.

* Idle timeout: staff sessions end after 15 idle minutes, applicants' after 60 (settings).
* Second factor: a staff member reaches no page or API (staff area or not) until this session
  has proven a second factor (TOTP, recovery code or security key); without one set up they
  are sent to set it up. Changing factors needs a recently proven one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from imigrasi.accounts.second_factor import (
    has_second_factor,
    recently_used_second_factor,
    session_used_second_factor,
)

_LAST_SEEN_KEY = "imigrasi_last_seen"
# Write the session at most this often just to move the idle clock (saves a DB write per hit).
_TOUCH_EVERY_SECONDS = 60


class SessionIdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(_LAST_SEEN_KEY)
            limit = (
                settings.SESSION_IDLE_SECONDS_STAFF
                if getattr(user, "is_staff_role", False)
                else settings.SESSION_IDLE_SECONDS_APPLICANT
            )
            if isinstance(last_seen, int) and now - last_seen > limit:
                logout(request)
                messages.info(request, _("You were signed out after a period of inactivity."))
                return redirect(f"{reverse('account_login')}?next={quote(request.get_full_path())}")
            if not isinstance(last_seen, int) or now - last_seen >= _TOUCH_EVERY_SECONDS:
                request.session[_LAST_SEEN_KEY] = now
        return self.get_response(request)


# Where a staff account may go before its session has passed the second factor: signing in and
# out, proving or (for a first factor) enrolling one, and the public pages. Everything else,
# web or API, inside /staff/ or not, waits for the factor.
_OPEN_BEFORE_SECOND_FACTOR = frozenset(
    {
        "account_login",
        "account_logout",
        "account_reauthenticate",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        "account_confirm_email",
        "account_email_verification_sent",
        "account_inactive",
        "mfa_index",
        "mfa_authenticate",
        "mfa_reauthenticate",
        "mfa_reauthenticate_webauthn",
        "mfa_activate_totp",
        "mfa_add_webauthn",
    }
)
_OPEN_NAMESPACES = frozenset({"pages"})
# Changing the factors themselves needs a factor proven within the re-authentication window
# (when the account has one): a password alone never adds, removes or reveals a factor.
FACTOR_MANAGEMENT = frozenset(
    {
        "mfa_activate_totp",
        "mfa_deactivate_totp",
        "mfa_add_webauthn",
        "mfa_edit_webauthn",
        "mfa_remove_webauthn",
        "mfa_generate_recovery_codes",
        "mfa_view_recovery_codes",
        "mfa_download_recovery_codes",
    }
)


class StaffSecondFactorMiddleware:
    """Two rules, checked once here rather than in every view.

    1. A staff account acts only from a session that passed its second factor: anywhere on
       the site and in the API (bearer tokens carry their own flag, checked by the API's
       authentication), not just under /staff/.
    2. Adding, removing or revealing a factor needs an existing factor proven recently.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = request.resolver_match
        name = match.url_name if match is not None else None
        if (
            name in FACTOR_MANAGEMENT
            and has_second_factor(user)
            and not recently_used_second_factor(request, user)
        ):
            return _ask_for_second_factor(request)
        if not getattr(user, "is_staff_role", False) or session_used_second_factor(request, user):
            return None
        if request.path.startswith("/api/"):
            if "Authorization" in request.headers:
                return None  # a bearer token alone decides (imigrasi.accounts.api_auth)
            return JsonResponse(
                {"detail": _("A second factor is required for staff access.")}, status=403
            )
        if name in _OPEN_BEFORE_SECOND_FACTOR or (
            match is not None and match.namespace in _OPEN_NAMESPACES
        ):
            return None
        if not has_second_factor(user):
            messages.warning(
                request,
                _("Staff accounts must use a second factor. Set up an authenticator app first."),
            )
            return redirect("mfa_activate_totp")
        return _ask_for_second_factor(request)


def _ask_for_second_factor(request: HttpRequest) -> HttpResponse:
    target = reverse("mfa_reauthenticate")
    if request.method == "GET":
        target += "?" + urlencode({"next": request.get_full_path()})
    return redirect(target)
