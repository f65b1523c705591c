"""The back office: the office's work queue, an application beside its documents, decisions."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from imigrasi.accounts.access import role_required
from imigrasi.accounts.models import OFFICE_BOUND_ROLES, Role, User
from imigrasi.applications import actions
from imigrasi.applications.grants import is_cancellable
from imigrasi.applications.messages import message_for
from imigrasi.applications.queries import get_application_for_user, sla_breaches, work_queue
from imigrasi.applications.questions import applicable_questions
from imigrasi.applications.views import display_value
from imigrasi.applications.wizard import context_for, current_documents, required_documents
from imigrasi.applications.workflow import (
    REASON_REQUIRED,
    Actor,
    RejectionReason,
    Status,
    available_actions,
)
from imigrasi.catalog.models import Service
from imigrasi.registry.queries import panel_context

office_staff_required = role_required(OFFICE_BOUND_ROLES)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class QueueFilterForm(forms.Form):
    service = forms.ChoiceField(label=gettext_lazy("Service"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    due_before = forms.DateField(
        label=gettext_lazy("Due on or before"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    mine = forms.BooleanField(
        label=gettext_lazy("Only applications assigned to me"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["service"]).choices = [("", _("All services"))] + [
            (s.code, s.name) for s in Service.objects.filter(is_addon=False)
        ]
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            ("", _("Needing office work"))
        ] + [(value, label) for value, label in Status.choices if value != Status.DRAFT]


class ActionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    message = forms.CharField(
        label=gettext_lazy("Message to the applicant"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    rejection_reason = forms.ChoiceField(
        label=gettext_lazy("Rejection reason"),
        required=False,
        choices=[("", "—"), *RejectionReason.choices],
    )
    requirement_codes = forms.MultipleChoiceField(
        label=gettext_lazy("Documents to upload again"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


@require_GET
@office_staff_required
def queue(request: HttpRequest) -> HttpResponse:
    officer = _user(request)
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(work_queue(officer, filters), 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "applications/staff/queue.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "is_supervisor": officer.role == Role.SUPERVISOR,
            "breaches": sla_breaches(officer).count(),
        },
    )


@require_GET
@role_required([Role.SUPERVISOR])
def sla(request: HttpRequest) -> HttpResponse:
    return render(
        request, "applications/staff/sla.html", {"applications": sla_breaches(_user(request))[:200]}
    )


@require_GET
@office_staff_required
def detail(request: HttpRequest, number: str) -> HttpResponse:
    officer = _user(request)
    application = get_application_for_user(officer, number)
    if application.account_id == officer.pk:
        raise Http404  # staff never process their own applications
    ctx = context_for(application)
    documents = current_documents(application)
    requirements = required_documents(ctx)
    transitions = available_actions(application.workflow, application.status, Actor.OFFICER)
    forms_by_action = {}
    for transition in transitions:
        form = ActionForm(initial={"version": application.version})
        cast(forms.MultipleChoiceField, form.fields["requirement_codes"]).choices = [
            (r.code, r.name) for r in requirements
        ]
        forms_by_action[transition.action] = form
    colleagues = User.objects.filter(
        office_id=application.office_id or 0, role__in=OFFICE_BOUND_ROLES, is_active=True
    ).exclude(pk=application.account_id)
    return render(
        request,
        "applications/staff/detail.html",
        {
            "application": application,
            "answers": [
                {"label": q.label, "value": display_value(q, ctx)}
                for q in applicable_questions(ctx)
            ],
            "documents": [(r, documents.get(r.code)) for r in requirements],
            "events": application.events.order_by("-id"),
            "transitions": [(t, forms_by_action[t.action]) for t in transitions],
            "reason_required": REASON_REQUIRED,
            "open_request": application.information_requests.filter(
                answered_at__isnull=True
            ).first(),
            "is_supervisor": officer.role == Role.SUPERVISOR,
            "grant_cancellable": is_cancellable(application),
            "colleagues": colleagues,
            **panel_context(officer, application.number),
        },
    )


@require_POST
@office_staff_required
def claim(request: HttpRequest, number: str) -> HttpResponse:
    officer = _user(request)
    application = get_application_for_user(officer, number, purpose="back office: claim")
    try:
        actions.do_claim(application, officer)
    except actions.ApplicationError as exc:
        messages.error(request, message_for(exc))
    else:
        messages.success(request, _("The application is assigned to you."))
    return redirect("staff:applications:detail", application.number)


@require_POST
@role_required([Role.SUPERVISOR])
def assign(request: HttpRequest, number: str) -> HttpResponse:
    supervisor = _user(request)
    application = get_application_for_user(supervisor, number, purpose="back office: assign")
    officer = User.objects.filter(pk=request.POST.get("officer") or 0).first()
    if officer is None:
        messages.error(request, _("Choose an officer."))
        return redirect("staff:applications:detail", application.number)
    try:
        actions.do_assign(application, supervisor, officer)
    except actions.ApplicationError as exc:
        messages.error(request, message_for(exc))
    else:
        messages.success(request, _("Assigned."))
    return redirect("staff:applications:detail", application.number)


@require_POST
@office_staff_required
def act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    officer = _user(request)
    application = get_application_for_user(officer, number, purpose=f"back office: {action}")
    form = ActionForm(request.POST)
    cast(forms.MultipleChoiceField, form.fields["requirement_codes"]).choices = [
        (r.code, r.code) for r in application.service.requirements.all()
    ]
    if not form.is_valid():
        messages.error(request, _("The form was incomplete. Try again."))
        return redirect("staff:applications:detail", application.number)
    try:
        actions.do_officer_action(
            application,
            officer,
            action,
            expected_version=form.cleaned_data["version"],
            message=form.cleaned_data["message"],
            rejection_reason=form.cleaned_data["rejection_reason"],
            requirement_codes=form.cleaned_data["requirement_codes"],
        )
    except actions.IllegalTransition:
        messages.error(request, _("That step is not possible in the application's current status."))
    except actions.ApplicationError as exc:
        messages.error(request, message_for(exc))
    else:
        messages.success(request, _("Done. The applicant has been notified."))
    return redirect("staff:applications:detail", application.number)
