"""Applicants accept the privacy notice in force before using the service (consent.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from imigrasi.privacy.consent import NOTICE_VERSION, needs_consent

# Kept in the session once checked, so the check costs a query once per session and version.
SESSION_KEY = "imigrasi_notice_version"
# Open without the current consent: reading the notice, the data-rights pages (a person who
# does not accept may still take a copy of their data or close the account), signing out.
_OPEN_NAMESPACES = frozenset({"pages", "privacy"})
_OPEN_NAMES = frozenset({"account_logout", "account_login", "account_reauthenticate"})


class ConsentMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith("/api/"):
            return None  # API clients read GET /api/v1/privacy/consent (docs/privacy.md)
        if request.session.get(SESSION_KEY) == NOTICE_VERSION:
            return None
        match = request.resolver_match
        if match is not None and (
            match.namespace in _OPEN_NAMESPACES or match.url_name in _OPEN_NAMES
        ):
            return None
        if needs_consent(user):
            target = reverse("privacy:consent")
            if request.method == "GET":
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        request.session[SESSION_KEY] = NOTICE_VERSION
        return None
