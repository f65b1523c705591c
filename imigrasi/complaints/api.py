"""``POST /api/v1/lapor/complaints``: SP4N-LAPOR! disposes a complaint to us.

Machine to machine, signed with the shared secret (``imigrasi.complaints.lapor``): no session,
no token. The body is the exchange shape (``schemas/lapor_complaint.json``), checked after the
signature so that an unsigned caller learns nothing about it. A complaint posted again (same
``lapor_id``) is answered 200 with the tracking number it already has; nothing is stored twice.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from imigrasi.complaints import lapor
from imigrasi.complaints.actions import do_import_lapor
from imigrasi.lib.api_errors import ErrorOut, ValidationOut

router = Router()


class ImportedOut(Schema):
    tracking_id: str = Field(description="Our tracking number (PG + 10 digits)")
    lapor_id: str
    status: str = Field(description="Our status: received or verified")
    created: bool = Field(description="False when this lapor_id was already stored")


@router.post(
    "/complaints",
    auth=None,
    response={200: ImportedOut, 201: ImportedOut, 401: ErrorOut, 422: ValidationOut},
    summary="Receive a complaint from SP4N-LAPOR! (signed)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "object", "additionalProperties": True}}
            },
        },
        "parameters": [
            {
                "name": lapor.TIMESTAMP_HEADER,
                "in": "header",
                "required": True,
                "schema": {"type": "string"},
            },
            {
                "name": lapor.SIGNATURE_HEADER,
                "in": "header",
                "required": True,
                "schema": {"type": "string"},
            },
        ],
    },
)
def receive(request: HttpRequest) -> Status[Any]:
    body = request.body
    if not lapor.signature_ok(
        request.headers.get(lapor.TIMESTAMP_HEADER, ""),
        request.headers.get(lapor.SIGNATURE_HEADER, ""),
        body,
    ):
        return Status(
            401,
            {"detail": _("The request is not signed by SP4N-LAPOR!."), "code": "bad_signature"},
        )
    try:
        payload = json.loads(body)
    except ValueError:
        payload = None
    fields = lapor.shape_errors(payload) if payload is not None else ["body"]
    if not fields and payload.get("lapor_id") is None:
        fields = ["lapor_id"]
    if fields:
        message = _("This field is missing or not valid.")
        return Status(
            422,
            {
                "detail": _("Some fields are missing or not valid."),
                "errors": [{"field": f, "code": "invalid", "message": message} for f in fields],
            },
        )
    complaint, created = do_import_lapor(payload)
    return Status(
        201 if created else 200,
        {
            "tracking_id": complaint.number,
            "lapor_id": complaint.lapor_id,
            "status": complaint.status,
            "created": created,
        },
    )
