"""``POST /api/v1/credentials/verify``: the check page for verifier apps and online devices.

Public like the page and on the same rate budget per address. A caller is treated as a device,
never as a person: the endpoint takes no session (no CSRF check on a public POST), so a check
is recorded in the holder's data tracker as made through the API, by nobody in particular.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from imigrasi.credentials.actions import verify_code
from imigrasi.credentials.forms import MAX_INPUT_CHARS, normalise_code
from imigrasi.credentials.presentation import verdict_for
from imigrasi.credentials.views import check_allowed
from imigrasi.lib.api_errors import ErrorOut, ValidationOut
from imigrasi.lib.credentials import Reason

router = Router()


class VerifyIn(Schema):
    code: str = Field(
        min_length=1,
        max_length=MAX_INPUT_CHARS,
        description='The text of the QR code, starting with "ID1:"',
    )


class ClaimsOut(Schema):
    document_type: str = Field(description="evisa, itas, itap, decision_letter or visit_letter")
    credential_id: str = Field(description="The document's code, the handle for revocation")
    holder_name: str
    date_of_birth: str = Field(description='ISO date, possibly partial ("1980", "1980-04")')
    nationality: str = Field(description="ICAO 9303 three-letter code")
    document_number: str
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    work_permitted: bool | None = None
    issued_at: dt.datetime
    expires_at: dt.datetime


class VerifyOut(Schema):
    valid: bool
    reason: Reason = Field(description="ok, or why the code is refused")
    message: str = Field(description="The verdict in words, in the request's language")
    claims: ClaimsOut | None = Field(description="The document's facts, only when valid")


@router.post(
    "/verify",
    auth=None,
    response={200: VerifyOut, 422: ValidationOut, 429: ErrorOut},
    summary="Check a document's QR code (public)",
)
def verify(request: HttpRequest, payload: VerifyIn, response: HttpResponse) -> Status[Any]:
    allowed, retry = check_allowed(request)
    if not allowed:
        response["Retry-After"] = str(retry)
        return Status(
            429,
            {
                "detail": _("Too many checks from your connection. Wait a minute and try again."),
                "code": "rate_limited",
            },
        )
    result = verify_code(normalise_code(payload.code), channel="api", actor=None)
    verdict = verdict_for(result, timezone.localdate())
    return Status(
        200,
        {
            "valid": result.valid,
            "reason": result.reason,
            "message": verdict.title,
            "claims": dict(result.claims) if result.valid and result.claims else None,
        },
    )
