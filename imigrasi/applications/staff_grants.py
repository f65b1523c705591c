"""The supervisor's cancellation of a granted visa or stay permit: a confirmation page (GET)
and the decision (POST). Rules live in ``grants``; this is only the page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from imigrasi.accounts.access import role_required
from imigrasi.accounts.models import Role, User
from imigrasi.applications import grants
from imigrasi.applications.actions import ApplicationError, IllegalTransition
from imigrasi.applications.messages import message_for
from imigrasi.applications.queries import get_application_for_user
from imigrasi.applications.workflow import CancellationReason
from imigrasi.credentials.models import IssuedCredential


class CancelGrantForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(
        label=gettext_lazy("Why is it cancelled?"),
        choices=CancellationReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose why the visa or stay permit is cancelled.")
        },
    )
    note = forms.CharField(
        label=gettext_lazy("Message to the holder (optional)"),
        help_text=gettext_lazy(
            "The holder reads it with the reason. Do not repeat personal details."
        ),
        required=False,
        max_length=grants.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I confirm: the document is revoked at once, the holder is told and other "
            "agencies are informed. This cannot be undone."
        ),
        error_messages={"required": gettext_lazy("Confirm that you want to cancel it.")},
    )


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@require_http_methods(["GET", "POST"])
@role_required([Role.SUPERVISOR])
def cancel_grant(request: HttpRequest, number: str) -> HttpResponse:
    supervisor = _user(request)
    application = get_application_for_user(
        supervisor, number, purpose="back office: cancel a grant"
    )
    if not grants.may_cancel(supervisor, application):
        raise Http404
    if request.method == "POST":
        form = CancelGrantForm(request.POST)
        if form.is_valid():
            try:
                changed = grants.do_cancel_grant(
                    application,
                    supervisor,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                    expected_version=form.cleaned_data["version"],
                )
            except IllegalTransition:
                form.add_error(None, message_for(ApplicationError("illegal_transition")))
            except ApplicationError as exc:
                form.add_error(None, message_for(exc))
            else:
                if changed:
                    messages.success(request, grants.cancellation_message())
                return redirect("staff:applications:detail", application.number)
    else:
        form = CancelGrantForm(initial={"version": application.version})
    cancellable = grants.is_cancellable(application)
    status = 200 if cancellable and not form.errors else (400 if cancellable else 409)
    return render(
        request,
        "applications/staff/cancel_grant.html",
        {
            "application": application,
            "form": form,
            "cancellable": cancellable,
            "credentials": IssuedCredential.objects.filter(
                reference=application.number, revoked_at__isnull=True
            ),
        },
        status=status,
    )
