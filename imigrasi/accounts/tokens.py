"""Bearer tokens for the mobile API: issue, check, revoke.

The token is shown once; only its SHA-256 is stored, so a database leak yields no usable
tokens. Sign-in through the API shares the web's failed-login rate limit and lockout (allauth's
``login_failed`` counters), so neither door can be used to brute-force the other.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from imigrasi.accounts.models import ApiToken, User
from imigrasi.audit.recording import record_event
from imigrasi.lib.lean_query import LeanQuery

TOKEN_PREFIX = "imd_"  # noqa: S105 - a public prefix, not a secret


class TokenError(Exception):
    """Why a token could not be issued; ``code`` maps to a translated message in the API."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: object
    record: ApiToken


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def password_fingerprint(user: User) -> str:
    """Changes whenever the password hash changes; keyed so it reveals nothing about the hash."""
    return hmac.new(
        settings.SECRET_KEY.encode(), user.password.encode(), hashlib.sha256
    ).hexdigest()


def _check_second_factor(user: User, code: str) -> bool:
    for authenticator in Authenticator.objects.filter(user=user):
        if authenticator.type == Authenticator.Type.TOTP:
            if TOTP(authenticator).validate_code(code):
                return True
        elif authenticator.type == Authenticator.Type.RECOVERY_CODES and RecoveryCodes(
            authenticator
        ).validate_code(code):
            return True
    return False


def issue_token(request: HttpRequest, email: str, password: str, code: str | None) -> IssuedToken:
    email = email.strip().lower()
    if not ratelimit.consume(request, action="login_failed", key=email, dry_run=True):
        raise TokenError("locked")
    user = authenticate(request, email=email, password=password)
    if not isinstance(user, User) or not user.is_active:
        ratelimit.consume(request, action="login_failed", key=email)
        raise TokenError("invalid_credentials")
    if not EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists():
        raise TokenError("email_unverified")
    has_second_factor = Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()
    second_factor_checked = False
    if has_second_factor or user.is_staff_role:
        if not has_second_factor:
            raise TokenError("second_factor_not_set_up")
        if not code:
            raise TokenError("second_factor_required")
        if not _check_second_factor(user, code.strip()):
            ratelimit.consume(request, action="login_failed", key=email)
            raise TokenError("second_factor_invalid")
        second_factor_checked = True
    ratelimit.clear(request, action="login_failed", key=email)
    ttl = (
        settings.API_TOKEN_TTL_SECONDS_STAFF
        if user.is_staff_role
        else settings.API_TOKEN_TTL_SECONDS
    )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        record = ApiToken.objects.create(
            user=user,
            key_hash=hash_token(token),
            prefix=token[: len(TOKEN_PREFIX) + 6],
            expires_at=timezone.now() + timedelta(seconds=ttl),
            password_fingerprint=password_fingerprint(user),
            second_factor=second_factor_checked,
        )
        record_event(
            actor=user, action="api_token.issued", obj=user, after={"token": record.prefix}
        )
    return IssuedToken(token=token, expires_at=record.expires_at, record=record)


_TOKEN_COLUMNS = (
    "id",
    "expires_at",
    "last_used_at",
    "password_fingerprint",
    "second_factor",
    "prefix",
    "user__id",
    "user__email",
    "user__password",
    "user__is_active",
    "user__role",
    "user__office_id",
    "user__preferred_language",
    "user__is_superuser",
    "user__public_id",
)


_token_lookup = LeanQuery(
    lambda: (
        ApiToken.objects.select_related("user")
        .only(*_TOKEN_COLUMNS)
        .filter(key_hash="", revoked_at__isnull=True)[:1]
    )
)


def user_for_token(token: str) -> tuple[User, ApiToken] | None:
    """The active user behind a valid token, or None (expired, revoked, password changed, or
    a staff account's token that was issued without a second factor)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    # Only the columns authentication needs: the user's encrypted profile fields are not
    # loaded (and so not decrypted) on every API call; handlers that need them load them.
    # Every API call runs this: the SQL is compiled once (lib.lean_query).
    row = _token_lookup.first([hash_token(token)])
    if row is None:
        return None
    record = _token_lookup.instance_of(ApiToken, row)
    user = _token_lookup.instance_of(User, row)
    record.user = user
    now = timezone.now()
    if record.expires_at <= now or not user.is_active:
        return None
    if not hmac.compare_digest(record.password_fingerprint, password_fingerprint(user)):
        return None
    if user.is_staff_role and not record.second_factor:
        return None  # issued before the account became staff: staff access needs the factor
    # Touch at most once a minute: the hot path stays a single indexed read.
    if record.last_used_at is None or now - record.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return user, record


def revoke_token(record: ApiToken, actor: User) -> None:
    with transaction.atomic():
        ApiToken.objects.filter(pk=record.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        record_event(
            actor=actor, action="api_token.revoked", obj=record.user, after={"token": record.prefix}
        )


def revoke_all_tokens(user: User, reason: str) -> int:
    with transaction.atomic():
        count = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if count:
            record_event(
                actor=user,
                action="api_token.revoked_all",
                obj=user,
                reason=reason,
                after={"count": count},
            )
    return count
