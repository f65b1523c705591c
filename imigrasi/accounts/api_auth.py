"""Authentication for the JSON API.

Every endpoint accepts ``Authorization: Bearer <token>`` (the mobile app) and, for the browser,
the session cookie with CSRF protection. When an Authorization header is present it alone
decides: an invalid token is a 401, never silently replaced by a session.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from imigrasi.accounts.models import User
from imigrasi.accounts.second_factor import session_used_second_factor
from imigrasi.accounts.tokens import user_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = user_for_token(token)
        if found is None:
            return None
        user, record = found
        request.user = user
        request.api_token = record  # type: ignore[attr-defined]
        return user


class Session(APIKeyCookie):
    """Django's session cookie, CSRF-checked (ninja's APIKeyCookie does the check)."""

    def __init__(self) -> None:
        from django.conf import settings

        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if "Authorization" in request.headers:
            return None
        if request.user.is_authenticated:
            return request.user
        return None


class StaffBearerToken(BearerToken):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = super().authenticate(request, token)
        if user is None or not user.is_staff_role:
            return None
        return user


class StaffSession(Session):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None or not getattr(user, "is_staff_role", False):
            return None
        if not session_used_second_factor(request, user):
            return None
        return user


user_auth = [BearerToken(), Session()]
staff_auth = [StaffBearerToken(), StaffSession()]


def optional_user(request: HttpRequest) -> Any:
    """For endpoints that serve everyone and answer signed-in people more fully (the
    assistant): a bearer token decides when present (an invalid one is a 401, as everywhere);
    else the session's user when the CSRF check passes; else anonymous, never refused."""
    if "Authorization" in request.headers:
        user = BearerToken()(request)
        if user is None:
            raise AuthenticationError()
        return user
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and check_csrf(request) is None:
        return user
    return AnonymousUser()
