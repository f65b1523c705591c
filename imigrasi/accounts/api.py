"""Authentication endpoints for the mobile app, and the caller's own profile."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.throttling import AnonRateThrottle
from pydantic import ConfigDict, Field, field_validator

from imigrasi.accounts.api_auth import staff_auth, user_auth
from imigrasi.accounts.models import User
from imigrasi.accounts.second_factor import has_second_factor
from imigrasi.accounts.tokens import TokenError, issue_token, revoke_token
from imigrasi.lib.ratelimit import parse_rate
from imigrasi.lib.validation import is_valid_email

router = Router()
staff_router = Router(auth=staff_auth)


class TokenRequest(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"email": "pemohon@example.id", "password": "kata sandi yang panjang"},
                {"email": "petugas@example.id", "password": "…", "code": "123456"},
            ]
        }
    )

    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=128)
    code: str | None = Field(
        default=None,
        max_length=20,
        description="Authenticator-app code or recovery code; required for staff accounts.",
    )

    @field_validator("email")
    @classmethod
    def email_shape(cls, value: str) -> str:
        if not is_valid_email(value):
            raise ValueError(_("Enter a valid email address."))
        return value.strip().lower()


class UserOut(Schema):
    id: str
    email: str
    full_name: str
    role: str
    office: str | None
    preferred_language: str
    second_factor_enabled: bool


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"  # noqa: S105 - the OAuth token type name
    expires_at: datetime
    user: UserOut


class Message(Schema):
    detail: str


def _lockout_seconds() -> int:
    """The per-account window of allauth's failed-login limit ("…,5/900s/key"): how long a
    locked account waits."""
    per_key = [r for r in settings.ACCOUNT_RATE_LIMITS["login_failed"].split(",") if "/key" in r]
    return parse_rate(per_key[0])[1] if per_key else 60


LOCKOUT_SECONDS = _lockout_seconds()

TOKEN_ERRORS = {
    "invalid_credentials": (401, lambda: _("Email address or password is not correct.")),
    "email_unverified": (
        403,
        lambda: _("Verify your email address first: open the link we sent you."),
    ),
    "second_factor_required": (
        401,
        lambda: _("Enter the code from your authenticator app in the field 'code'."),
    ),
    "second_factor_invalid": (401, lambda: _("That code is not correct or was already used.")),
    "second_factor_not_set_up": (
        403,
        lambda: _("Staff accounts must set up two-step verification on the website first."),
    ),
    "locked": (
        429,
        lambda: _("Too many failed attempts. Wait 15 minutes before trying again."),
    ),
}


def user_out(user: User) -> dict[str, Any]:
    return {
        "id": str(user.public_id),
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role,
        "office": user.office.code if user.office else None,
        "preferred_language": user.preferred_language,
        "second_factor_enabled": has_second_factor(user),
    }


@router.post(
    "/token",
    auth=None,
    throttle=[AnonRateThrottle("30/m")],
    response={200: TokenOut, 401: Message, 403: Message, 429: Message},
    summary="Exchange email and password (and a TOTP code for staff) for a bearer token",
)
def create_token(
    request: HttpRequest, payload: TokenRequest, response: HttpResponse
) -> Status[dict[str, Any]]:
    try:
        issued = issue_token(request, payload.email, payload.password, payload.code)
    except TokenError as exc:
        status, message = TOKEN_ERRORS[exc.code]
        if exc.code == "locked":
            response["Retry-After"] = str(LOCKOUT_SECONDS)
        return Status(status, {"detail": message()})
    return Status(
        200,
        {
            "token": issued.token,
            "token_type": "Bearer",
            "expires_at": issued.expires_at,
            "user": user_out(issued.record.user),
        },
    )


@router.post(
    "/logout",
    auth=user_auth,
    response={204: None},
    summary="Revoke the bearer token used for this request",
)
def logout(request: HttpRequest) -> Status[None]:
    record = getattr(request, "api_token", None)
    if record is None:
        raise HttpError(400, _("Send the bearer token you want to revoke."))
    user = request.user
    assert isinstance(user, User)
    revoke_token(record, actor=user)
    return Status(204, None)


@router.get("/me", auth=user_auth, response=UserOut, summary="The signed-in user's own profile")
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    assert isinstance(user, User)
    return user_out(user)


@staff_router.get(
    "/me", response=UserOut, summary="Staff profile (requires a second factor in this session)"
)
def staff_me(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    assert isinstance(user, User)
    return user_out(user)
