"""Session rules every request passes through.

* Idle timeout: staff sessions end after 15 idle minutes, applicants' after 60 (settings).
* Second factor: a staff member reaches no staff page or staff API until this session has
  proven a second factor (TOTP, recovery code or security key). Without one set up they are
  sent to set it up; checked here, once, rather than in every view.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from imigrasi.accounts.second_factor import has_second_factor, session_used_second_factor

STAFF_PATH_PREFIXES = ("/staff/", "/admin/", "/api/v1/staff/")
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


class StaffSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(STAFF_PATH_PREFIXES):
            blocked = self._block(request)
            if blocked is not None:
                return blocked
        return self.get_response(request)

    def _block(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or not getattr(user, "is_staff_role", False):
            return None  # anonymous and applicants are turned away by the views themselves
        if session_used_second_factor(request, user):
            return None
        if request.path.startswith("/api/"):
            if request.headers.get("Authorization", "").startswith("Bearer "):
                return None  # bearer tokens carry their own second-factor flag (api auth)
            return JsonResponse(
                {"detail": _("A second factor is required for staff access.")}, status=403
            )
        if not has_second_factor(user):
            messages.warning(
                request,
                _("Staff accounts must use a second factor. Set up an authenticator app first."),
            )
            return redirect("mfa_activate_totp")
        return redirect("mfa_reauthenticate")
