"""Mobile API for every applicant step; the same actions as the web pages.

Errors: 404 for anything not yours; 422 ``{"detail", "errors": [{"field", "code", "message"}]}``
for invalid answers and uploads (the field is the question key or "file"); 409
``{"detail", "code"}`` when the step is not possible now (already sent, someone else acted…).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict, Field

from imigrasi.accounts.api_auth import user_auth
from imigrasi.accounts.models import User
from imigrasi.applications import actions
from imigrasi.applications.messages import message_for
from imigrasi.applications.models import Application, Person
from imigrasi.applications.queries import (
    applications_of,
    get_own_application,
    get_own_application_status,
)
from imigrasi.applications.questions import applicable_questions
from imigrasi.applications.status import public_status, status_payload
from imigrasi.applications.wizard import (
    context_for,
    current_documents,
    current_value,
    next_question,
    readiness,
    required_documents,
)
from imigrasi.catalog.models import Service
from imigrasi.lib.api_errors import ErrorOut, ValidationOut
from imigrasi.lib.ratelimit import allow, client_ip

router = Router(auth=user_auth)


class StartIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"service": "paspor-baru-dewasa", "relationship": "self"},
                {"service": "paspor-anak", "person_id": "0b6f8e52-5d0c-4f4e-9a51-2f1c3f6f7a10"},
            ]
        }
    )
    service: str = Field(max_length=60)
    person_id: uuid.UUID | None = Field(
        default=None, description="One of the account's people (their id, a UUID)"
    )
    relationship: str = Field(
        default="self", description="For a new person: self, spouse, child, parent, sibling, other"
    )


class BillingOut(Schema):
    status: str
    code: str | None
    amount: int
    expires_at: str | None


class StatusOut(Schema):
    number: str
    status: str
    status_label: str
    meaning: str
    next_step: str
    expected: str
    version: int
    last_event_id: int
    billing: BillingOut | None


class ApplicationOut(Schema):
    number: str
    service: str
    person_id: str
    status: StatusOut
    fee_total: int
    next_question: str | None
    ready_to_submit: bool


class QuestionOut(Schema):
    key: str
    label: str
    hint: str
    kind: str
    choices: list[list[str]]
    answer: Any


class AnswerIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"value": "3273056010900009"}, {"value": "yes"}]}
    )
    value: Any = Field(description="Text, a choice value, 'yes'/'no', or a date (YYYY-MM-DD)")


class DocumentOut(Schema):
    requirement: str
    name: str
    mandatory: bool
    uploaded: bool
    version: int | None
    scan_status: str | None
    media_type: str | None


class SubmitIn(Schema):
    declaration: bool = Field(description="The applicant confirms the declaration")


class EventOut(Schema):
    id: int
    created_at: datetime
    kind: str
    actor: str
    from_status: str
    to_status: str
    message: str


class AnswerRequestIn(Schema):
    note: str = Field(default="", max_length=2000)


class StatusCheckIn(Schema):
    number: str = Field(max_length=20)
    date_of_birth: str = Field(max_length=10, description="YYYY-MM-DD")


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _conflict(exc: actions.ApplicationError) -> Status[dict[str, str]]:
    status = 404 if exc.code == "not_found" else 409
    return Status(status, {"detail": message_for(exc), "code": exc.code})


def _application_out(application: Application) -> dict[str, Any]:
    ctx = context_for(application)
    nxt = next_question(ctx) if application.status == "draft" else None
    return {
        "number": application.number,
        "service": application.service.code,
        "person_id": str(application.person.public_id),
        "status": status_payload(application),
        "fee_total": application.fee_total,
        "next_question": nxt.key if nxt else None,
        "ready_to_submit": application.status == "draft" and readiness(application).ready,
    }


@router.get("", response=list[ApplicationOut], summary="The account's applications")
def list_applications(request: HttpRequest) -> list[dict[str, Any]]:
    return [_application_out(a) for a in applications_of(_user(request))]


@router.post(
    "",
    response={201: ApplicationOut, 404: ErrorOut, 409: ErrorOut},
    summary="Start an application (a draft) for a service and a person",
)
def start(request: HttpRequest, payload: StartIn) -> Status[dict[str, Any]]:
    user = _user(request)
    service = Service.objects.filter(code=payload.service, is_active=True).first()
    if service is None:
        return Status(404, {"detail": _("Not found."), "code": "not_found"})
    person = None
    if payload.person_id:
        person = Person.objects.filter(account=user, public_id=payload.person_id).first()
        if person is None:
            return Status(404, {"detail": _("Not found."), "code": "not_found"})
    try:
        application = actions.do_start_application(
            user, service, person=person, relationship=payload.relationship
        )
    except actions.ApplicationError as exc:
        return _conflict(exc)
    return Status(201, _application_out(application))


@router.get("/{number}", response=ApplicationOut, summary="One application")
def get_application(request: HttpRequest, number: str) -> dict[str, Any]:
    application = get_own_application(_user(request), number)
    return _application_out(application)


@router.get(
    "/{number}/questions",
    response=list[QuestionOut],
    summary="The questions that apply, in order, with current answers",
)
def questions(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    application = get_own_application(_user(request), number)
    ctx = context_for(application)
    return [
        {
            "key": q.key,
            "label": str(q.label),
            "hint": str(q.hint),
            "kind": q.kind,
            "choices": [[str(v), str(label)] for v, label in (q.choices(ctx) if q.choices else [])]
            if q.kind == "choice"
            else ([["yes", _("Yes")], ["no", _("No")]] if q.kind == "yes_no" else []),
            "answer": current_value(q, ctx),
        }
        for q in applicable_questions(ctx)
    ]


@router.put(
    "/{number}/answers/{key}",
    response={200: ApplicationOut, 409: ErrorOut, 422: ValidationOut},
    summary="Answer one question (same validation as the web form)",
)
def answer(request: HttpRequest, number: str, key: str, payload: AnswerIn) -> Status[Any]:
    application = get_own_application(_user(request), number)
    try:
        application = actions.do_answer_question(application, key, payload.value, _user(request))
    except ValidationError as exc:
        return Status(
            422,
            {
                "detail": _("Some fields are missing or not valid."),
                "errors": [
                    {
                        "field": key,
                        "code": exc.error_list[0].code or "invalid",
                        "message": " ".join(str(m) for m in exc.messages),
                    }
                ],
            },
        )
    except actions.ApplicationError as exc:
        return _conflict(exc)
    return Status(200, _application_out(application))


@router.get(
    "/{number}/documents",
    response=list[DocumentOut],
    summary="Required documents and what has been uploaded",
)
def list_documents(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    application = get_own_application(_user(request), number)
    current = current_documents(application)
    rows = []
    for requirement in required_documents(context_for(application)):
        document = current.get(requirement.code)
        rows.append(
            {
                "requirement": requirement.code,
                "name": requirement.name,
                "mandatory": requirement.mandatory,
                "uploaded": document is not None,
                "version": document.version if document else None,
                "scan_status": document.scan_status if document else None,
                "media_type": document.media_type if document else None,
            }
        )
    return rows


@router.post(
    "/{number}/documents/{requirement}",
    response={201: DocumentOut, 409: ErrorOut, 422: ValidationOut},
    summary="Upload a scan (multipart field 'file'; JPG, PNG or PDF, max 5 MB)",
)
def upload(
    request: HttpRequest,
    number: str,
    requirement: str,
    file: UploadedFile = File(...),  # noqa: B008
) -> Status[Any]:
    application = get_own_application(_user(request), number)
    try:
        document = actions.do_upload_document(application, requirement, file.read(), _user(request))
    except actions.ApplicationError as exc:
        if exc.code.startswith("upload_"):
            return Status(
                422,
                {
                    "detail": message_for(exc),
                    "errors": [{"field": "file", "code": exc.code, "message": message_for(exc)}],
                },
            )
        return _conflict(exc)
    req = application.service.requirements.get(code=requirement)
    return Status(
        201,
        {
            "requirement": requirement,
            "name": req.name,
            "mandatory": req.mandatory,
            "uploaded": True,
            "version": document.version,
            "scan_status": document.scan_status,
            "media_type": document.media_type,
        },
    )


@router.post(
    "/{number}/submit",
    response={200: ApplicationOut, 409: ErrorOut},
    summary="Send the application; a billing code follows",
)
def submit(request: HttpRequest, number: str, payload: SubmitIn) -> Status[Any]:
    application = get_own_application(_user(request), number)
    try:
        application = actions.do_submit_application(
            application, _user(request), declaration=payload.declaration
        )
    except actions.ApplicationError as exc:
        return _conflict(exc)
    return Status(200, _application_out(application))


@router.get("/{number}/status", response=StatusOut, summary="Status, next step, billing")
def status(request: HttpRequest, number: str) -> dict[str, Any]:
    application = get_own_application_status(_user(request), number)
    return status_payload(application)


@router.post(
    "/{number}/billing/reissue",
    response={200: ApplicationOut, 409: ErrorOut},
    summary="A new billing code after the old one expired (answers are kept)",
)
def reissue(request: HttpRequest, number: str) -> Status[Any]:
    application = get_own_application(_user(request), number)
    try:
        application = actions.do_reissue_billing(application, _user(request))
    except (actions.ApplicationError, actions.IllegalTransition) as exc:
        code = exc.code if isinstance(exc, actions.ApplicationError) else "illegal_transition"
        return _conflict(actions.ApplicationError(code))
    return Status(200, _application_out(application))


@router.post(
    "/{number}/withdraw",
    response={200: ApplicationOut, 409: ErrorOut},
    summary="Withdraw before payment",
)
def withdraw(request: HttpRequest, number: str) -> Status[Any]:
    application = get_own_application(_user(request), number)
    try:
        application = actions.do_withdraw(application, _user(request))
    except (actions.ApplicationError, actions.IllegalTransition):
        return _conflict(actions.ApplicationError("illegal_transition"))
    return Status(200, _application_out(application))


@router.post(
    "/{number}/answer-request",
    response={200: ApplicationOut, 409: ErrorOut},
    summary="Send back what the officer asked for",
)
def answer_request(request: HttpRequest, number: str, payload: AnswerRequestIn) -> Status[Any]:
    application = get_own_application(_user(request), number)
    try:
        application = actions.do_answer_request(application, _user(request), payload.note)
    except actions.ApplicationError as exc:
        return _conflict(exc)
    except actions.IllegalTransition:
        return _conflict(actions.ApplicationError("illegal_transition"))
    return Status(200, _application_out(application))


def _events(application: Application, after: int) -> list[dict[str, Any]]:
    return [
        {
            "id": e.pk,
            "created_at": e.created_at,
            "kind": e.kind,
            "actor": e.actor_label,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "message": e.message,
        }
        for e in application.events.filter(visible_to_applicant=True, pk__gt=after).order_by("id")
    ]


@router.get(
    "/{number}/events",
    response=list[EventOut],
    summary="History, oldest first; pass ?after=<last id> to receive only what is new",
)
def events(request: HttpRequest, number: str, after: int = 0) -> list[dict[str, Any]]:
    return _events(get_own_application(_user(request), number), after)


STREAM_SECONDS = 25
STREAM_POLL_SECONDS = 2.0


@router.get(
    "/{number}/events/stream",
    summary="Server-sent events of the history (live)",
    response={200: None},
)
def event_stream(request: HttpRequest, number: str) -> HttpResponseBase:
    """text/event-stream; reconnect with Last-Event-ID (the browser EventSource does).

    Each connection lasts at most 25 s and the client reconnects: under WSGI a stream holds a
    worker thread, so it must stay short; behind an ASGI worker it could stay open longer.
    Events come from the database, so any server process sees every change.
    """
    application = get_own_application(_user(request), number)
    last = request.headers.get("Last-Event-ID") or request.GET.get("after") or "0"
    after = int(last) if last.isdigit() else 0

    def stream() -> Iterator[str]:
        nonlocal after
        yield "retry: 3000\n\n"
        deadline = time.monotonic() + STREAM_SECONDS
        while time.monotonic() < deadline:
            for event in _events(application, after):
                after = event["id"]
                payload = json.dumps({**event, "created_at": event["created_at"].isoformat()})
                yield f"id: {event['id']}\nevent: {event['kind']}\ndata: {payload}\n\n"
            yield ": keep-alive\n\n"
            time.sleep(STREAM_POLL_SECONDS)

    response = StreamingHttpResponse(stream(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


@router.get("/{number}/receipt", summary="PDF receipt with a QR code", response={200: None})
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    from django.http import Http404

    from imigrasi.applications.receipts import render_receipt

    application = get_own_application(_user(request), number)
    if application.status == "draft":
        raise Http404
    return HttpResponse(render_receipt(request, application), content_type="application/pdf")


public_router = Router()


@public_router.post(
    "/status-check",
    auth=None,
    response={200: dict[str, str], 404: ErrorOut, 422: ValidationOut, 429: ErrorOut},
    summary="Public status by application number and date of birth",
)
def status_check(
    request: HttpRequest, payload: StatusCheckIn, response: HttpResponse
) -> Status[Any]:
    from imigrasi.applications.forms import StatusCheckForm

    allowed, retry = allow(f"status-check:{client_ip(request)}", _rate())
    if not allowed:
        response["Retry-After"] = str(retry)
        return Status(
            429,
            {
                "detail": _("Too many attempts. Wait a minute and try again."),
                "code": "rate_limited",
            },
        )
    form = StatusCheckForm(data={"number": payload.number, "date_of_birth": payload.date_of_birth})
    if not form.is_valid():
        return Status(
            422,
            {
                "detail": _("Some fields are missing or not valid."),
                "errors": [
                    {"field": field, "code": "invalid", "message": " ".join(str(e) for e in errors)}
                    for field, errors in form.errors.items()
                ],
            },
        )
    result = public_status(form.cleaned_data["number"], form.cleaned_data["date_of_birth"])
    if result is None:
        return Status(
            404,
            {
                "detail": _("We found no application with that number and date of birth."),
                "code": "not_found",
            },
        )
    return Status(200, result)


def _rate() -> str:
    from django.conf import settings

    return str(settings.STATUS_CHECK_RATE)


@public_router.post(
    "/payments/callback",
    auth=None,
    response={200: dict[str, str], 400: ErrorOut},
    summary="Signed payment notification from the billing system",
)
def payment_callback(request: HttpRequest) -> Status[Any]:
    from imigrasi.applications.payments import verify
    from imigrasi.lib.billing import BadSignature

    try:
        notice = verify(request.body, request.headers)
    except BadSignature:
        return Status(400, {"detail": "bad signature", "code": "bad_signature"})
    outcome = actions.do_record_payment(notice)
    # 200 for duplicates too: the sender must stop retrying a notice we already hold.
    return Status(200, {"outcome": outcome.outcome})
