"""Has this user, in this session, proven a second factor?

allauth records each authentication method used in the session. Only two events leave an
``mfa`` record: a sign-in that passed the MFA stage and an MFA re-authentication. Enrolling a
new authenticator does not: whoever enrolls has proven only the password (and possession of
the device they are adding), so counting it would let a stolen password mint its own factor.
"""

from __future__ import annotations

import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.http import HttpRequest

STRONG_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def has_second_factor(user: Any) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=STRONG_TYPES).exists()


def _second_factor_times(request: HttpRequest, user: Any) -> list[float]:
    return [
        float(record.get("at", 0))
        for record in get_authentication_records(request, user)
        if record.get("method") == "mfa"
    ]


def session_used_second_factor(request: HttpRequest, user: Any) -> bool:
    return bool(_second_factor_times(request, user))


def recently_used_second_factor(request: HttpRequest, user: Any) -> bool:
    """A second factor proven within the re-authentication window (allauth's setting): the
    bar for changing the factors themselves, so that adding one needs an existing one."""
    window = account_settings.REAUTHENTICATION_TIMEOUT
    now = time.time()
    return any(now - at < window for at in _second_factor_times(request, user))
