"""``POST /api/v1/status-checks``: an employer's or agency's check of a share code.

Authentication is OAuth2 (client credentials, django-oauth-toolkit): a bearer token from
``/o/token/`` that carries the scope ``status:read``. The token is validated by DOT's own
request validator, never by our code. Checks are rate-limited per client; every refusal —
unknown code, wrong date of birth, expired or revoked code — is the same 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer
from oauth2_provider.models import AccessToken
from oauth2_provider.oauth2_backends import get_oauthlib_core
from pydantic import Field

from imigrasi.lib.api_errors import ErrorOut, ValidationOut
from imigrasi.lib.ratelimit import allow
from imigrasi.sharecodes import codes
from imigrasi.sharecodes.actions import Verifier, do_check_status
from imigrasi.sharecodes.entitlement import WorkScope
from imigrasi.sharecodes.models import Channel
from imigrasi.sharecodes.presentation import NOT_FOUND, as_json

SCOPE = "status:read"

router = Router()


class VerifierAuth(HttpBearer):
    """A DOT access token (client credentials) with the ``status:read`` scope."""

    def authenticate(self, request: HttpRequest, token: str) -> AccessToken | None:
        valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
        if not valid:
            return None  # missing, unknown or expired token: 401
        access_token: AccessToken = oauth_request.access_token
        if not access_token.allow_scopes([SCOPE]):
            raise HttpError(
                403,
                _("This client may not check statuses: it needs the scope %(scope)s.")
                % {"scope": SCOPE},
            )
        if access_token.application is None:
            return None
        return access_token


class StatusCheckIn(Schema):
    share_code: str = Field(
        min_length=1,
        max_length=codes.MAX_INPUT_CHARS,
        description='The 9-character code the holder gave you, e.g. "W7K-4PQ-9ZD"',
    )
    date_of_birth: dt.date = Field(description="The holder's date of birth (YYYY-MM-DD)")


class WorkEntitlementOut(Schema):
    may_work: bool = Field(description="Whether the permission allows employment in Indonesia")
    scope: WorkScope = Field(description="For whom the holder may work")
    description: str = Field(description="The entitlement in words, in the request's language")


class StatusCheckOut(Schema):
    status: Literal["valid", "expired", "cancelled"]
    document_type: Literal["evisa", "itas", "itap", "decision_letter", "visit_letter"]
    valid_from: dt.date | None
    valid_until: dt.date | None = Field(description="The last day the permission is valid")
    work_entitlement: WorkEntitlementOut


def _client_rate() -> str:
    return str(settings.STATUS_CHECK_RATE_PER_CLIENT)


@router.post(
    "/status-checks",
    auth=VerifierAuth(),
    response={200: StatusCheckOut, 404: ErrorOut, 422: ValidationOut, 429: ErrorOut},
    summary="Check a person's permission to stay with their share code (OAuth2, status:read)",
)
def check_status(
    request: HttpRequest, payload: StatusCheckIn, response: HttpResponse
) -> Status[Any]:
    token: AccessToken = request.auth  # type: ignore[attr-defined]
    client = token.application
    allowed, retry = allow(f"status-check-client:{client.client_id}", _client_rate())
    if not allowed:
        response["Retry-After"] = str(retry)
        return Status(
            429,
            {
                "detail": _("Too many checks by this client. Wait and try again."),
                "code": "rate_limited",
            },
        )
    verifier = Verifier(Channel.API, client.name or client.client_id, client)
    answer = do_check_status(payload.share_code, payload.date_of_birth, verifier)
    if answer is None:
        return Status(404, {"detail": str(NOT_FOUND), "code": "not_found"})
    return Status(200, as_json(answer))
