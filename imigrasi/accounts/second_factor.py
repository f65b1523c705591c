"""Has this user, in this session, proven a second factor?

allauth records each authentication method used in the session; a login that passed the MFA
stage, an MFA re-authentication, and (via our signal handler) enrolling a new TOTP device with a
correct code all leave an ``mfa`` record.
"""

from __future__ import annotations

from typing import Any

from allauth.account.internal.flows.login import get_authentication_records, record_authentication
from allauth.mfa.models import Authenticator
from django.http import HttpRequest

STRONG_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def has_second_factor(user: Any) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=STRONG_TYPES).exists()


def session_used_second_factor(request: HttpRequest, user: Any) -> bool:
    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )


def remember_second_factor(request: HttpRequest, user: Any, authenticator: Authenticator) -> None:
    record_authentication(
        request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True
    )
