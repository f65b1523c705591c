"""The applicant's pages: find the service, answer one question per page, upload, check,
declare, send, pay, follow. Thin: every rule lives in actions, questions and wizard."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from imigrasi.accounts.models import User
from imigrasi.applications import actions
from imigrasi.applications.eligibility import walk
from imigrasi.applications.family_card import FILLED_KEYS, offers_family_card
from imigrasi.applications.forms import (
    NEW_PERSON_PREFIX,
    AnswerRequestForm,
    DeclarationForm,
    StartForm,
    StatusCheckForm,
    UploadForm,
)
from imigrasi.applications.messages import message_for
from imigrasi.applications.models import MAX_PEOPLE_PER_ACCOUNT, Application, Person
from imigrasi.applications.queries import (
    applications_of,
    get_document_for_user,
    get_own_application,
    get_own_application_status,
    open_billing_code,
)
from imigrasi.applications.questions import QUESTIONS_BY_KEY
from imigrasi.applications.status import billing_lapsed, public_status, status_payload
from imigrasi.applications.validity import entry_terms
from imigrasi.applications.wizard import (
    context_for,
    current_documents,
    current_value,
    next_question,
    readiness,
    required_documents,
)
from imigrasi.applications.workflow import STATUS_TEXT, Status
from imigrasi.catalog.models import Service
from imigrasi.credentials.queries import credentials_of
from imigrasi.lib import panels
from imigrasi.lib.ratelimit import allow, client_ip


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
@require_GET
def my_applications(request: HttpRequest) -> HttpResponse:
    applications = applications_of(_user(request))
    return render(request, "applications/my_applications.html", {"applications": applications})


@require_GET
def eligibility(request: HttpRequest) -> HttpResponse:
    answers = {k: v for k, v in request.GET.items() if isinstance(v, str)}
    step = walk(answers)
    service = Service.objects.filter(code=step.service_code, is_active=True).first()
    previous = "&".join(f"{q.key}={c.value}" for q, c in step.answered)
    return render(
        request,
        "applications/eligibility.html",
        {"step": step, "service": service, "previous": previous, "answers": answers},
    )


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    service = Service.objects.filter(code=code, is_active=True, is_addon=False).first()
    if service is None or not service.online_application:
        raise Http404
    people = list(Person.objects.filter(account=user))
    choices = [
        (
            str(p.public_id),
            f"{p.full_name or _('(name not given yet)')}: {p.get_relationship_display()}",
        )
        for p in people
    ]
    form = StartForm(
        request.POST or None, people=choices, can_add=len(people) < MAX_PEOPLE_PER_ACCOUNT
    )
    if request.method == "POST" and form.is_valid():
        who = form.cleaned_data["who"]
        try:
            if who.startswith(NEW_PERSON_PREFIX):
                application = actions.do_start_application(
                    user, service, relationship=who[len(NEW_PERSON_PREFIX) :]
                )
            else:
                person = next(p for p in people if str(p.public_id) == who)
                application = actions.do_start_application(user, service, person=person)
        except actions.ApplicationError as exc:
            form.add_error("who", message_for(exc))
        else:
            return redirect("applications:continue", application.number)
    return render(request, "applications/start.html", {"form": form, "service": service})


@login_required
@require_GET
def continue_application(request: HttpRequest, number: str) -> HttpResponse:
    application = get_own_application(_user(request), number)
    if application.status != Status.DRAFT:
        return redirect("applications:detail", application.number)
    question = next_question(context_for(application))
    if question is not None:
        return redirect("applications:question", application.number, question.key)
    state = readiness(application)
    if state.missing_documents or state.unsafe_documents:
        return redirect("applications:documents", application.number)
    return redirect("applications:check", application.number)


@login_required
@require_http_methods(["GET", "POST"])
def question(request: HttpRequest, number: str, key: str) -> HttpResponse:
    application = get_own_application(_user(request), number)
    if application.status != Status.DRAFT:
        return redirect("applications:detail", application.number)
    ctx = context_for(application)
    q = QUESTIONS_BY_KEY.get(key)
    if q is None or not q.applies(ctx):
        raise Http404
    from django import forms

    form_class = type("QuestionForm", (forms.Form,), {"value": q.form_field(ctx)})
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                actions.do_answer_question(
                    application, key, request.POST.get("value", ""), _user(request)
                )
            except ValidationError as exc:
                form.add_error("value", exc)
            except actions.ApplicationError as exc:
                form.add_error("value", message_for(exc))
            else:
                if request.GET.get("from") == "check":
                    return redirect("applications:check", application.number)
                return redirect("applications:continue", application.number)
    else:
        initial = current_value(q, ctx)
        if initial is None and q.key == "full_name" and ctx.person.relationship == "self":
            initial = _user(request).full_name  # a suggestion; validated when sent
        form = form_class(initial={"value": initial} if initial is not None else None)
    return render(
        request,
        "applications/question.html",
        {
            "application": application,
            "question": q,
            "form": form,
            "back_to_check": request.GET.get("from") == "check",
            # A parent applying for a child may fill this in from the family card (a POST).
            "family_card": q.key in FILLED_KEYS and offers_family_card(application),
            "needs_parent_nik": not _user(request).nik,
        },
    )


@login_required
@require_GET
def documents(request: HttpRequest, number: str) -> HttpResponse:
    application = get_own_application(_user(request), number)
    return render(request, "applications/documents.html", _documents_context(application))


def _documents_context(application: Application, **extra: Any) -> dict[str, Any]:
    ctx = context_for(application)
    current = current_documents(application)
    rows = [
        {"requirement": req, "document": current.get(req.code), "form": UploadForm(prefix=req.code)}
        for req in required_documents(ctx)
    ]
    editable = application.status in {
        Status.DRAFT,
        Status.DOCUMENTS_REQUESTED,
        Status.INFORMATION_REQUESTED,
    }
    return {"application": application, "rows": rows, "editable": editable, **extra}


@login_required
@require_POST
def upload(request: HttpRequest, number: str, requirement: str) -> HttpResponse:
    application = get_own_application(_user(request), number)
    form = UploadForm(request.POST, request.FILES, prefix=requirement)
    if form.is_valid():
        data = form.cleaned_data["file"].read()
        try:
            actions.do_upload_document(application, requirement, data, _user(request))
        except actions.ApplicationError as exc:
            form.add_error("file", message_for(exc))
        else:
            messages.success(request, _("Document uploaded."))
            return redirect(
                f"{reverse('applications:documents', args=[application.number])}#{requirement}"
            )
    context = _documents_context(application)
    for row in context["rows"]:
        if row["requirement"].code == requirement:
            row["form"] = form
    context["failed_form"] = form
    return render(request, "applications/documents.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def check_answers(request: HttpRequest, number: str) -> HttpResponse:
    application = get_own_application(_user(request), number)
    if application.status != Status.DRAFT:
        return redirect("applications:detail", application.number)
    ctx = context_for(application)
    form = DeclarationForm(request.POST or None)
    state = readiness(application)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_submit_application(application, _user(request), declaration=True)
        except actions.ApplicationError as exc:
            form.add_error(None, message_for(exc))
        else:
            return redirect("applications:detail", application.number)
    from imigrasi.applications.questions import applicable_questions

    rows = [
        {"question": q, "value": display_value(q, ctx), "key": q.key}
        for q in applicable_questions(ctx)
    ]
    fee_lines, fee_total = actions._fee_snapshot(application)
    return render(
        request,
        "applications/check.html",
        {
            "application": application,
            "rows": rows,
            "form": form,
            "state": state,
            "fee_lines": fee_lines,
            "fee_total": fee_total,
            "documents": current_documents(application),
        },
    )


def display_value(question: Any, ctx: Any) -> str:
    value = current_value(question, ctx)
    if value in (None, ""):
        return ""
    if question.kind == "yes_no":
        return str(_("Yes") if value == "yes" else _("No"))
    if question.kind == "choice" and question.choices:
        return dict(question.choices(ctx)).get(str(value), str(value))
    if question.key == "mrz":
        mrz = ctx.answers.get("mrz", {})
        return f"{mrz.get('full_name')} · {mrz.get('document_number')} · {mrz.get('nationality')}"
    return str(value)


@login_required
@require_GET
def detail(request: HttpRequest, number: str) -> HttpResponse:
    application = get_own_application(_user(request), number)
    events = application.events.filter(visible_to_applicant=True).order_by("-id")
    request_ = application.information_requests.filter(answered_at__isnull=True).first()
    billing = open_billing_code(application)
    from imigrasi.appointments.views_booking import active_visit

    credentials = credentials_of(request.user, application.number)
    validity = credentials[-1] if credentials else None
    return render(
        request,
        "applications/detail.html",
        {
            "application": application,
            "text": STATUS_TEXT[application.status],
            "billing": billing,
            "billing_lapsed": billing_lapsed(billing),
            "events": events,
            "open_request": request_,
            "answer_form": AnswerRequestForm(),
            "payload": status_payload(application),
            "now": timezone.now(),
            "visit": active_visit(application),
            "credentials": credentials,
            "validity": validity,
            "entry": entry_terms(application.service, validity.valid_from) if validity else None,
            "extra_panels": panels.collect(panels.APPLICATION_STATUS, application),
        },
    )


@login_required
@require_GET
def status_json(request: HttpRequest, number: str) -> HttpResponse:
    """Polled by the application page; 304 until something changes (cheap for the server)."""
    application = get_own_application_status(_user(request), number)
    payload = status_payload(application)
    etag = '"' + hashlib.sha256(repr(sorted(payload.items())).encode()).hexdigest()[:16] + '"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified(headers={"ETag": etag})
    response = JsonResponse(payload)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
@require_POST
def reissue_billing(request: HttpRequest, number: str) -> HttpResponse:
    application = get_own_application(_user(request), number)
    try:
        actions.do_reissue_billing(application, _user(request))
    except (actions.ApplicationError, actions.IllegalTransition) as exc:
        messages.error(
            request,
            message_for(exc)
            if isinstance(exc, actions.ApplicationError)
            else _("That step is not possible in the application's current status."),
        )
    else:
        messages.success(request, _("A new billing code is being prepared."))
    return redirect("applications:detail", application.number)


@login_required
@require_POST
def withdraw(request: HttpRequest, number: str) -> HttpResponse:
    application = get_own_application(_user(request), number)
    try:
        actions.do_withdraw(application, _user(request))
    except (actions.ApplicationError, actions.IllegalTransition):
        messages.error(request, _("This application can no longer be withdrawn."))
    else:
        messages.success(request, _("The application was withdrawn."))
    return redirect("applications:detail", application.number)


@login_required
@require_POST
def answer_request(request: HttpRequest, number: str) -> HttpResponse:
    application = get_own_application(_user(request), number)
    form = AnswerRequestForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        actions.do_answer_request(application, _user(request), note)
    except actions.ApplicationError as exc:
        messages.error(request, message_for(exc))
        return redirect("applications:documents", application.number)
    except actions.IllegalTransition:
        messages.error(request, _("That step is not possible in the application's current status."))
    else:
        messages.success(request, _("Sent to the officer."))
    return redirect("applications:detail", application.number)


@login_required
@require_GET
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    from imigrasi.applications.receipts import render_receipt

    application = get_own_application(_user(request), number)
    if application.status == Status.DRAFT:
        raise Http404
    pdf = render_receipt(request, application)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="tanda-terima-{application.number}.pdf"'
    return response


@xframe_options_sameorigin
@login_required
@require_GET
def document_file(request: HttpRequest, number: str, document_id: str) -> HttpResponse:
    """The decrypted scan, for its owner and the processing office only (audited for staff)."""
    from imigrasi.applications.documents import read_decrypted

    document = get_document_for_user(_user(request), number, document_id)
    response = HttpResponse(read_decrypted(document), content_type=document.media_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    # Officers view scans in a frame beside the data: allow framing by our own pages only.
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
    )
    return response


@require_http_methods(["GET", "POST"])
def status_check(request: HttpRequest) -> HttpResponse:
    """Public: number + date of birth → status only. Rate-limited; reveals no personal data."""
    form = StatusCheckForm(request.POST or None)
    result = None
    limited = False
    if request.method == "POST":
        allowed, retry = allow(f"status-check:{client_ip(request)}", _status_rate())
        if not allowed:
            limited = True
            response = render(
                request,
                "applications/status_check.html",
                {"form": form, "limited": True},
                status=429,
            )
            response["Retry-After"] = str(retry)
            return response
        if form.is_valid():
            result = public_status(form.cleaned_data["number"], form.cleaned_data["date_of_birth"])
            if result is None:
                form.add_error(
                    None,
                    _(
                        "We found no application with that number and date of "
                        "birth. Check both and try again."
                    ),
                )
    return render(
        request,
        "applications/status_check.html",
        {"form": form, "result": result, "limited": limited},
    )


def _status_rate() -> str:
    from django.conf import settings

    return str(settings.STATUS_CHECK_RATE)
