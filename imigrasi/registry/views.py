"""The officer's manual verification of a check the registry never answered.

A POST from the form in ``registry/_checks.html``, which sits on the application's page in
the back office; after it the officer goes back to that page (``next``). A check of another
office, or of the officer's own application, looks like one that does not exist.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from imigrasi.accounts.access import role_required
from imigrasi.registry.actions import NotAwaitingOfficer, do_resolve_manually
from imigrasi.registry.forms import ResolutionForm
from imigrasi.registry.models import IdentityCheck
from imigrasi.registry.queries import RESOLVERS, may_resolve


@require_POST
@role_required(RESOLVERS)
def resolve(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    check = IdentityCheck.objects.filter(public_id=public_id).first()
    if check is None or not may_resolve(request.user, check):
        raise Http404
    back = _next(request)
    form = ResolutionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    try:
        do_resolve_manually(
            check, request.user, form.cleaned_data["outcome"], form.cleaned_data["note"]
        )
    except NotAwaitingOfficer:
        messages.info(request, _("This check was already settled; nothing was changed."))
    else:
        messages.success(request, _("Your manual verification is recorded."))
    return redirect(back)


def _next(request: HttpRequest) -> str:
    """Back to the page the form was on, if it is one of ours; else the staff area."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("staff:home")
