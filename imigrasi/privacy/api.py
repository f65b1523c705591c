"""The data-subject rights for the mobile app, under /api/v1/privacy/: the same actions as the
pages. A client shows the notice and posts the consent when ``required`` is true."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from imigrasi.accounts.api_auth import user_auth
from imigrasi.accounts.models import User
from imigrasi.accounts.queries import personal_data_reads_about
from imigrasi.applications.actions import ApplicationError
from imigrasi.applications.queries import get_own_application
from imigrasi.lib.api_errors import ErrorOut, ValidationOut
from imigrasi.privacy import actions
from imigrasi.privacy.closure import do_close_account
from imigrasi.privacy.consent import NOTICE_VERSION, current_consent, do_give_consent
from imigrasi.privacy.corrections import CORRECTABLE, check_value
from imigrasi.privacy.messages import message_for
from imigrasi.privacy.models import DataExport

router = Router(auth=user_auth)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class ConsentOut(Schema):
    notice_version: str
    required: bool
    accepted_at: dt.datetime | None


class ExportOut(Schema):
    id: uuid.UUID
    status: str
    requested_at: dt.datetime
    ready_at: dt.datetime | None
    expires_at: dt.datetime | None


class CorrectionIn(Schema):
    application: str = Field(max_length=20)
    field: str = Field(max_length=40, description="One of: " + ", ".join(CORRECTABLE))
    new_value: str = Field(min_length=1, max_length=500)
    reason: str = Field(min_length=1, max_length=1000)


class CorrectionOut(Schema):
    id: uuid.UUID
    status: str


class DataReadOut(Schema):
    at: dt.datetime
    who: str = Field(description="Role and office (or agency) of whoever read the data")
    why: str = Field(description="The recorded purpose, translated")


class CloseIn(Schema):
    password: str = Field(min_length=1, max_length=128)


def _consent(user: User) -> dict[str, Any]:
    consent = current_consent(user)
    return {
        "notice_version": NOTICE_VERSION,
        "required": consent is None and user.role == "applicant",
        "accepted_at": consent.accepted_at if consent else None,
    }


def _export(export: DataExport) -> dict[str, Any]:
    return {
        "id": export.public_id,
        "status": export.status,
        "requested_at": export.requested_at,
        "ready_at": export.ready_at,
        "expires_at": export.expires_at,
    }


@router.get("/consent", response=ConsentOut, summary="The notice in force and your consent to it")
def consent_status(request: HttpRequest) -> dict[str, Any]:
    return _consent(_user(request))


@router.post("/consent", response=ConsentOut, summary="Accept the privacy notice in force")
def accept_notice(request: HttpRequest) -> dict[str, Any]:
    user = _user(request)
    do_give_consent(user, language=user.preferred_language, channel="api")
    return _consent(user)


@router.get(
    "/data-reads",
    response=list[DataReadOut],
    summary="Who has read your personal data: staff and other agencies, newest first",
)
def data_reads(request: HttpRequest, limit: int = 50) -> list[dict[str, Any]]:
    reads = personal_data_reads_about(_user(request), limit=max(1, min(limit, 500)))
    return [{"at": read.at, "who": read.who, "why": read.why} for read in reads]


@router.get("/exports", response=list[ExportOut], summary="Your copies of your data")
def list_exports(request: HttpRequest) -> list[dict[str, Any]]:
    return [_export(e) for e in DataExport.objects.filter(account=_user(request))[:10]]


@router.post(
    "/exports",
    response={202: ExportOut},
    summary="Prepare a copy of your data (JSON, PDF, documents)",
)
def request_export(request: HttpRequest) -> Status[dict[str, Any]]:
    return Status(202, _export(actions.do_request_export(_user(request))))


class DownloadIn(Schema):
    password: str = Field(min_length=1, max_length=128)


def _password_checked(user: User, password: str) -> bool:
    """The web pages ask the same through allauth's re-authentication."""
    try:
        return actions.password_confirmed(user, password)
    except actions.PrivacyError as exc:
        raise HttpError(429, message_for(exc)) from None


@router.post(
    "/exports/{export_id}/download",
    response={200: None, 404: ErrorOut, 410: ErrorOut, 422: ValidationOut, 429: ErrorOut},
    summary="The prepared copy as a ZIP file (the password is asked again)",
)
def download_export(request: HttpRequest, export_id: uuid.UUID, payload: DownloadIn) -> Any:
    user = _user(request)
    export = DataExport.objects.filter(public_id=export_id, account=user).first()
    if export is None:
        return Status(404, {"detail": _("Not found."), "code": "not_found"})
    if not _password_checked(user, payload.password):
        return _invalid("password", _("That password is not correct."))
    try:
        archive = actions.read_export(export, user)
    except actions.PrivacyError as exc:
        return Status(410, {"detail": message_for(exc), "code": exc.code})
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="data-pribadi-imigrasi.zip"'
    return response


@router.post(
    "/corrections",
    response={201: CorrectionOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationOut},
    summary="Ask the office to correct identity data in a sent application",
)
def request_correction(request: HttpRequest, payload: CorrectionIn) -> Status[Any]:
    user = _user(request)
    application = get_own_application(user, payload.application)
    try:
        check_value(application, payload.field, payload.new_value)
    except ValidationError as exc:
        return _invalid("new_value", str(exc.messages[0]))
    except ApplicationError:
        return _invalid("field", _("This application does not hold that information."))
    try:
        correction = actions.do_request_correction(
            application,
            user,
            field=payload.field,
            new_value=payload.new_value,
            reason=payload.reason,
        )
    except actions.PrivacyError as exc:
        return Status(409, {"detail": message_for(exc), "code": exc.code})
    return Status(201, {"id": correction.public_id, "status": correction.status})


def _invalid(field: str, message: str) -> Status[Any]:
    return Status(
        422,
        {
            "detail": _("Some fields are missing or not valid."),
            "errors": [{"field": field, "code": "invalid", "message": message}],
        },
    )


@router.post(
    "/close-account",
    response={202: ErrorOut, 422: ValidationOut, 429: ErrorOut},
    summary="Withdraw consent and close the account (password required)",
)
def close_account(request: HttpRequest, payload: CloseIn) -> Status[Any]:
    user = _user(request)
    if not _password_checked(user, payload.password):
        return _invalid("password", _("That password is not correct."))
    do_close_account(user)
    return Status(
        202,
        {"detail": _("Your account is closed. We are deleting your data now."), "code": "closed"},
    )
